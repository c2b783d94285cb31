import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readContentIdentity } from '../../../src/core/content/index.js';
import { foldText } from '../../../src/core/matching/fold-text.js';
import { extractText } from '../../fixtures/extract-text.js';

const fixtures = (path: string) => fileURLToPath(new URL(`../../../fixtures/${path}`, import.meta.url));

interface ManifestFile {
  path: string;
  expediente: string;
  inRegistry: boolean;
}

/** The identity every sample PDF states, as pdf-parse extracts it: its true patient's, from the registry. */
describe('readContentIdentity over the sample PDFs (pdf-parse text)', async () => {
  const manifest = JSON.parse(await readFile(fixtures('sample-manifest.json'), 'utf8')) as {
    files: ManifestFile[];
  };
  const [, ...rows] = (await readFile(fixtures('registry.csv'), 'utf8')).trim().split('\n');
  const registry = new Map(
    rows.map((row) => {
      const [expediente, paterno, materno, nombres, fecha, sexo] = row.split(',');
      return [
        expediente!,
        { paterno: paterno!, materno: materno!, nombres: nombres!, fecha: fecha!, sexo: sexo! },
      ];
    }),
  );

  it.each(manifest.files.filter((f) => f.inRegistry))('$path', async (file) => {
    const { text } = await extractText(await readFile(fixtures(`sample/${file.path}`)));
    // pdf-parse marks page ends with `-- N of M --`.
    const identity = readContentIdentity(text.split(/-- \d+ of \d+ --/));
    const truth = registry.get(file.expediente)!;
    expect(identity.expediente).toBe(file.expediente);
    expect(identity.birthDate).toBe(truth.fecha);
    expect(identity.sex).toBe(truth.sexo);
    const name = identity.name!;
    expect([name.apellidoPaterno, name.apellidoMaterno, name.nombres].map(foldText)).toEqual(
      [truth.paterno, truth.materno, truth.nombres].map(foldText),
    );
    expect(identity.otherExpedientes).toEqual([]);
    expect(identity.otherNames).toEqual([]);
  });
});
