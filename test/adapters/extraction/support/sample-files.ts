// Writes the sample PDFs to a temporary directory once per test file.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  makeBadFlateStreamPdf,
  makeClinicalPage,
  makeCorruptContentStreamPdf,
  makeImageOnlyPdf,
  makeStampedImagePdf,
  makeTextThenPicturePdf,
  makeTextPdf,
  makeTruncatedPdf,
} from './make-pdfs.js';
import { makeLetterheadScan } from '../../../support/scans.js';

export const SPANISH_LINE =
  'Paciente: Núñez Ibáñez, José María. Diagnóstico: insuficiencia cardíaca; pronóstico reservado.';

export type SampleFiles = {
  dir: string;
  text: string;
  encrypted: string;
  imageOnly: string;
  /** A page-sized picture under a scanner's stamp as text; the same stamp beside a small logo. */
  stampedScan: string;
  stampedLogo: string;
  /** A scan under a document system's letterhead and footer as text: more than a stamp, no page of text. */
  letterheadScan: string;
  /** A page of text, then a page-sized picture without text, or a blank page, then a logo and a line. */
  textThenScan: string;
  textThenBlank: string;
  corruptContent: string;
  badFlate: string;
  truncated: string;
  notPdf: string;
  missing: string;
  remove(): Promise<void>;
};

export async function writeSampleFiles(): Promise<SampleFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'extraction-'));
  const write = async (name: string, bytes: Buffer | string): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, bytes);
    return path;
  };
  return {
    dir,
    text: await write(
      '3000000001_PRUEBA SINTETICA, ANA_6000000001_CONS.pdf',
      await makeTextPdf({
        pages: [makeClinicalPage(1), SPANISH_LINE, 'Firma: Dra. Muñoz. Próxima cita: 15 de marzo.'],
      }),
    ),
    encrypted: await write(
      'encrypted.pdf',
      await makeTextPdf({ pages: ['Confidencial.'], userPassword: 'x' }),
    ),
    imageOnly: await write('scan.pdf', await makeImageOnlyPdf(2)),
    stampedScan: await write('stamped-scan.pdf', await makeStampedImagePdf('page')),
    stampedLogo: await write('stamped-logo.pdf', await makeStampedImagePdf('logo')),
    letterheadScan: await write('letterhead-scan.pdf', await makeLetterheadScan()),
    textThenScan: await write('text-then-scan.pdf', await makeTextThenPicturePdf('scan')),
    textThenBlank: await write('text-then-blank.pdf', await makeTextThenPicturePdf('blank')),
    corruptContent: await write('corrupt-content.pdf', await makeCorruptContentStreamPdf()),
    badFlate: await write('bad-flate.pdf', await makeBadFlateStreamPdf()),
    truncated: await write('truncated.pdf', await makeTruncatedPdf()),
    notPdf: await write('not-a-pdf.pdf', 'Esto es texto plano, no un PDF.\n'),
    missing: join(dir, 'does-not-exist.pdf'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
