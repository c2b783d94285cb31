import fs from 'node:fs/promises';

/**
 * File names that are not UTF-8 and look alike.
 *
 * Node hands a file name whose bytes are not UTF-8 over with each such byte as U+FFFD, so two names that differ
 * only there (a Windows export's `NU\xD1EZ` and `NU\xC1EZ`, or `\xD1` and `\xF1`) show as one string: one path
 * for two files, one row for both, and the second never reported. Such look-alikes are shown instead with the
 * byte after each U+FFFD, `NU�[D1]EZ`: a name that tells them apart, still says that the name is not UTF-8
 * (the U+FFFD is what the name parser refuses it for), and maps back to the one entry of its folder whose bytes
 * give it (rawNameShownAs). A name that is not UTF-8 but has no look-alike keeps Node's own string.
 */

/** How Node shows a byte of a file name that is not UTF-8: no file has the name it shows. */
export const NOT_UTF8 = '\uFFFD';

/**
 * The name with each byte that is not part of a UTF-8 character written `�[HH]`: names that differ in such bytes
 * show differently; a genuine U+FFFD in a UTF-8 name stays as it is. (A UTF-8 name that spells `�[D1]` itself
 * could still show alike: rawNameShownAs then refuses both as ambiguous, never picks one.)
 */
export function showNotUtf8Bytes(raw: Buffer): string {
  let shown = '';
  let at = 0;
  next: while (at < raw.length) {
    for (let length = 1; length <= 4 && at + length <= raw.length; length++) {
      const bytes = raw.subarray(at, at + length);
      const text = bytes.toString();
      // A whole character: decoding and encoding it gives back its bytes (an invalid byte comes back as EF BF BD).
      if (Buffer.from(text).equals(bytes)) {
        shown += text;
        at += length;
        continue next;
      }
    }
    shown += `${NOT_UTF8}[${raw[at]!.toString(16).toUpperCase().padStart(2, '0')}]`;
    at += 1;
  }
  return shown;
}

/** The entries of `dir`, read as bytes, by the name Node shows for each: a name with several are look-alikes. */
export async function rawNamesByShownName(dir: string): Promise<Map<string, Buffer[]>> {
  const byName = new Map<string, Buffer[]>();
  for (const raw of await fs.readdir(dir, { encoding: 'buffer' })) {
    const shown = raw.toString();
    const alike = byName.get(shown);
    if (alike) alike.push(raw);
    else byName.set(shown, [raw]);
  }
  return byName;
}

/**
 * The bytes of the one entry of `dir` shown as `shown`, either as Node shows it (a name with no look-alike) or
 * as showNotUtf8Bytes does (one of look-alikes); `gone` when none is, `ambiguous` when several are (a look-alike
 * appeared after the folder was read, and the name it was read under now fits both).
 */
export async function rawNameShownAs(dir: string, shown: string): Promise<Buffer | 'gone' | 'ambiguous'> {
  const names = await fs.readdir(dir, { encoding: 'buffer' });
  let matches = names.filter((name) => name.toString() === shown);
  if (matches.length === 0) matches = names.filter((name) => showNotUtf8Bytes(name) === shown);
  if (matches.length === 0) return 'gone';
  return matches.length === 1 ? matches[0]! : 'ambiguous';
}
