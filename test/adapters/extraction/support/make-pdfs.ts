// Small, synthetic PDFs made on the fly so the extraction tests depend on no fixture files.
import { deflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';
import { makeGreyPng } from './make-png.js';

type PdfKitOptions = ConstructorParameters<typeof PDFDocument>[0];

async function renderPdf(options: PdfKitOptions, draw: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  // A fixed creation date keeps the bytes reproducible between runs.
  const doc = new PDFDocument({ ...options, info: { CreationDate: new Date(Date.UTC(2024, 0, 1)) } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  draw(doc);
  doc.end();
  await finished;
  return Buffer.concat(chunks);
}

export type TextPdfOptions = {
  pages: string[];
  compress?: boolean;
  userPassword?: string;
};

export function makeTextPdf({ pages, compress = true, userPassword }: TextPdfOptions): Promise<Buffer> {
  const options: PdfKitOptions = { autoFirstPage: false, compress };
  if (userPassword !== undefined) options.userPassword = userPassword;
  return renderPdf(options, (doc) => {
    for (const text of pages) {
      doc.addPage({ size: 'A4' });
      doc.font('Helvetica').fontSize(11).text(text);
    }
  });
}

/** A scanned-looking document: every page is a picture, with no text layer. */
export function makeImageOnlyPdf(pageCount = 1): Promise<Buffer> {
  const png = makeGreyPng(120, 80);
  return renderPdf({ autoFirstPage: false }, (doc) => {
    for (let i = 0; i < pageCount; i += 1) {
      doc.addPage({ size: 'A4' });
      doc.image(png, 50, 50, { width: 400 });
    }
  });
}

/**
 * One A4 page with a scanner's stamp as its only text, over a picture: one that fills the page (a scan), or
 * a small one in a corner (a letterhead's logo over a short note).
 */
export function makeStampedImagePdf(picture: 'page' | 'logo'): Promise<Buffer> {
  const png = makeGreyPng(120, 80);
  return renderPdf({ autoFirstPage: false }, (doc) => {
    doc.addPage({ size: 'A4', margin: 0 });
    if (picture === 'page') doc.image(png, 0, 0, { width: doc.page.width, height: doc.page.height });
    else doc.image(png, 40, 40, { width: 90 });
    doc
      .font('Helvetica')
      .fontSize(6)
      .text('Escaneado por HP ScanJet 2026-11-03 10:22 p.1', 20, doc.page.height - 20);
  });
}

/**
 * Three A4 pages: a page of text, then a page-sized picture without any text (a scan appended to a text
 * document) or a blank page, then a short text beside a small logo.
 */
export function makeTextThenPicturePdf(second: 'scan' | 'blank'): Promise<Buffer> {
  const png = makeGreyPng(120, 80);
  return renderPdf({ autoFirstPage: false }, (doc) => {
    doc.addPage({ size: 'A4' });
    doc.font('Helvetica').fontSize(11).text(makeClinicalPage(1));
    doc.addPage({ size: 'A4', margin: 0 });
    if (second === 'scan') doc.image(png, 0, 0, { width: doc.page.width, height: doc.page.height });
    doc.addPage({ size: 'A4' });
    doc.image(png, 40, 40, { width: 90 });
    doc.font('Helvetica').fontSize(11).text('Firma: Dra. Muñoz.', 40, 140);
  });
}

/** Overwrites part of the `index`-th stream's bytes, keeping its /Length so the file's structure holds. */
function garbleStream(
  pdf: Buffer,
  index: number,
  from: number,
  to: number,
  byteAt: (i: number) => number,
): Buffer {
  const bytes = Buffer.from(pdf);
  const text = bytes.toString('latin1');
  let keyword = -1;
  for (let k = 0; k <= index; k += 1) keyword = text.indexOf('stream\n', keyword + 1);
  const start = keyword + 'stream\n'.length;
  const end = text.indexOf('endstream', start);
  if (keyword < 0 || end < 0) throw new Error(`unexpected pdfkit output: no stream #${index}`);
  const length = end - 1 - start;
  for (let i = start + Math.floor(length * from); i < start + Math.floor(length * to); i += 1)
    bytes[i] = byteAt(i);
  return bytes;
}

/**
 * An uncompressed page content stream turned to noise. pdf.js silently recovers from this and returns an
 * empty page, which only a strict second parse tells apart from a scan.
 */
export async function makeCorruptContentStreamPdf(): Promise<Buffer> {
  const valid = await makeTextPdf({ pages: ['Nota de evolución. Paciente estable.'], compress: false });
  return garbleStream(valid, 0, 0, 1, (i) => (i * 7919) & 0xff);
}

/** A compressed content stream whose deflate data is cut short by junk: pdf.js throws on it. */
export async function makeBadFlateStreamPdf(): Promise<Buffer> {
  const valid = await makeTextPdf({ pages: [makeClinicalPage(1), makeClinicalPage(2)] });
  return garbleStream(valid, 0, 0.5, 1, () => 0xff);
}

export async function makeTruncatedPdf(): Promise<Buffer> {
  const valid = await makeTextPdf({ pages: ['Primera página.', 'Segunda página.'] });
  return valid.subarray(0, Math.floor(valid.length / 3));
}

/** Paragraphs of synthetic clinical Spanish, enough to fill most of an A4 page. */
export function makeClinicalPage(pageNumber: number): string {
  const paragraph =
    `Página ${pageNumber}. Evolución clínica: el paciente refiere mejoría del dolor abdominal; ` +
    'se indica dieta blanda, hidratación y control en consulta externa. Diagnóstico: gastritis aguda. ' +
    'Exploración física sin datos de irritación peritoneal; signos vitales dentro de parámetros normales. ';
  return paragraph.repeat(6);
}

/**
 * One page showing a single string of `chars` characters, Flate-compressed so the file stays tiny.
 * pdf.js builds such a string one character at a time, so it needs far more heap than the file's size.
 */
export function makeHugeStringPdf(chars: number): Buffer {
  const content = deflateSync(
    Buffer.from(`BT /F1 12 Tf 10 700 Td (${'palabra '.repeat(chars / 8)}) Tj ET`, 'latin1'),
  );
  return assemblePdf([
    '<</Type/Catalog/Pages 2 0 R>>',
    '<</Type/Pages/Kids[3 0 R]/Count 1>>',
    '<</Type/Page/Parent 2 0 R/MediaBox[0 0 600 800]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>',
    [`<</Length ${content.length}/Filter/FlateDecode>>stream\n`, content, '\nendstream'],
    '<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>',
  ]);
}

/**
 * One page of `count` separate text objects, Flate-compressed so the file stays tiny (~100 KB for a million):
 * an engine keeps an object per text run, so the page needs far more memory than the file's size.
 */
export function makeManyTextObjectsPdf(count: number): Buffer {
  const content = deflateSync(
    Buffer.from('BT /F1 12 Tf 10 700 Td (palabra) Tj ET\n'.repeat(count), 'latin1'),
  );
  return assemblePdf([
    '<</Type/Catalog/Pages 2 0 R>>',
    '<</Type/Pages/Kids[3 0 R]/Count 1>>',
    '<</Type/Page/Parent 2 0 R/MediaBox[0 0 600 800]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>',
    [`<</Length ${content.length}/Filter/FlateDecode>>stream\n`, content, '\nendstream'],
    '<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>',
  ]);
}

/** Writes objects 1..n with a correct cross-reference table. */
function assemblePdf(objects: (string | (string | Buffer)[])[]): Buffer {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let length = 0;
  const push = (part: string | Buffer): void => {
    const bytes = typeof part === 'string' ? Buffer.from(part, 'latin1') : part;
    parts.push(bytes);
    length += bytes.length;
  };
  push('%PDF-1.4\n');
  objects.forEach((object, i) => {
    offsets.push(length);
    push(`${i + 1} 0 obj\n`);
    for (const part of typeof object === 'string' ? [object] : object) push(part);
    push('\nendobj\n');
  });
  const xref = length;
  const entries = offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  push(`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${entries}`);
  push(`trailer<</Size ${objects.length + 1}/Root 1 0 R>>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(parts);
}
