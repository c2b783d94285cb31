import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rawNameShownAs, showNotUtf8Bytes } from '../../src/ingest/look-alike-names.js';
import { moveWithoutOverwrite, NameNotUtf8 } from '../../src/ingest/move-file.js';
import { createTempDir } from '../support/databases.js';

/** 'NU' + one Latin-1 byte + the rest: how a Windows export writes NUÑEZ (0xD1) or NUÁEZ (0xC1). */
const latin1 = (byte: number) =>
  Buffer.concat([
    Buffer.from('3000000042_NU'),
    Buffer.from([byte]),
    Buffer.from('EZ LEAL, ANA_6000000042_CONS.pdf'),
  ]);
const inFolder = (dir: string, name: Buffer) => Buffer.concat([Buffer.from(`${dir}/`), name]);

describe('showNotUtf8Bytes', () => {
  it('writes each byte that is not UTF-8 after its U+FFFD, and leaves UTF-8 (even a genuine U+FFFD) as it is', () => {
    expect(showNotUtf8Bytes(latin1(0xd1))).toBe('3000000042_NU\uFFFD[D1]EZ LEAL, ANA_6000000042_CONS.pdf');
    expect(showNotUtf8Bytes(Buffer.from('3000000042_NUÑEZ \uFFFD.pdf'))).toBe('3000000042_NUÑEZ \uFFFD.pdf');
    // A UTF-8 character cut short is its bytes, one by one.
    expect(showNotUtf8Bytes(Buffer.from([0x61, 0xe2, 0x82, 0x62]))).toBe('a\uFFFD[E2]\uFFFD[82]b');
    expect(showNotUtf8Bytes(latin1(0xd1))).not.toBe(showNotUtf8Bytes(latin1(0xf1)));
  });
});

describe('two names that show alike in one folder', () => {
  let root: string;
  let drop: string;
  beforeEach(() => {
    root = createTempDir('tecsalud-alike-');
    drop = path.join(root, 'drop');
    fs.mkdirSync(drop);
    fs.writeFileSync(inFolder(drop, latin1(0xd1)), 'Ñ');
    fs.writeFileSync(inFolder(drop, latin1(0xc1)), 'Á');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("maps each one's shown name back to its bytes, and the name Node shows for both to neither", async () => {
    expect(await rawNameShownAs(drop, showNotUtf8Bytes(latin1(0xd1)))).toEqual(latin1(0xd1));
    expect(await rawNameShownAs(drop, showNotUtf8Bytes(latin1(0xc1)))).toEqual(latin1(0xc1));
    expect(await rawNameShownAs(drop, latin1(0xd1).toString())).toBe('ambiguous');
    expect(await rawNameShownAs(drop, showNotUtf8Bytes(latin1(0xf1)))).toBe('gone');
  });

  it('moves the one named, under its bytes, and refuses the name both show (both stay)', async () => {
    const quarantine = path.join(root, 'quarantine');
    const shown = showNotUtf8Bytes(latin1(0xc1));
    expect(await moveWithoutOverwrite(path.join(drop, shown), quarantine, shown)).toBe(
      path.join(quarantine, shown),
    );
    expect(fs.readFileSync(inFolder(quarantine, latin1(0xc1)), 'utf8')).toBe('Á');

    fs.writeFileSync(inFolder(drop, latin1(0xc1)), 'Á again');
    const both = latin1(0xd1).toString();
    const refused = moveWithoutOverwrite(path.join(drop, both), quarantine, both);
    await expect(refused).rejects.toBeInstanceOf(NameNotUtf8);
    await expect(refused).rejects.toMatchObject({ why: 'ambiguous' });
    expect(fs.readdirSync(drop, { encoding: 'buffer' })).toHaveLength(2);
  });
});
