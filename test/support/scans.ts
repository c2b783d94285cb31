// Small scanned pages for the OCR tests: a few header lines (what names the patient) on a short page, so
// that each page takes Tesseract a second or two, scanned by the fixtures generator (200 dpi grey, seeded
// noise and skew).
import { execFileSync } from 'node:child_process';
import PDFDocument from 'pdfkit';
import type { TestOptions } from 'vitest';
import {
  degrees,
  PDFDocument as PdfLibDocument,
  setTextRenderingMode,
  StandardFonts,
  TextRenderingMode,
} from 'pdf-lib';
import { makeScannedPdf } from '../../fixtures/generator/scanned.js';

export const SCAN_PATIENT = { expediente: '3000768077', name: 'GABRIELA HUERTA SOTO' } as const;

/** `3000768077_HUERTA SOTO, GABRIELA_<numero>_<type>.pdf`: a registry patient of fixtures/registry.csv. */
export function scanFilename(numero: string, type = 'CONS'): string {
  return `${SCAN_PATIENT.expediente}_HUERTA SOTO, GABRIELA_${numero}_${type}.pdf`;
}

/** Whether `command args` runs here (exit 0). */
export function canRun(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * What one OCR test may take: a CLI run or a few, each reading a page or two, on a 2-core machine that the full
 * suite loads. Under a load average of 12-16 the tests of test/ingest/ocr-ingest.test.ts took 9-38 s each
 * (1-5 s unloaded), too close to vitest's 60 s default for a run that loads the machine more.
 */
export const OCR_TEST_TIMEOUT_MS = 240_000;

/** The options of a describe block of OCR tests: slow (out of test:fast), with OCR_TEST_TIMEOUT_MS each. */
export const SLOW_OCR_TESTS: TestOptions = { tags: ['slow'], timeout: OCR_TEST_TIMEOUT_MS };

/** Native OCR (Debian's tesseract and poppler's pdftoppm) is optional for users; CI installs it, so there its tests must run. */
export const hasNativeOcr =
  (canRun('tesseract', ['--version']) && canRun('pdftoppm', ['-v'])) || Boolean(process.env.CI);

function collect(pdf: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve) => pdf.on('end', () => resolve(Buffer.concat(chunks))));
}

/** A short text page: the document's header lines, in Helvetica. */
export async function makeHeaderPdf(lines: readonly string[]): Promise<Buffer> {
  const pdf = new PDFDocument({
    size: [612, 40 + 18 * lines.length],
    margin: 24,
    info: { CreationDate: new Date(0) },
  });
  const done = collect(pdf);
  pdf.font('Helvetica').fontSize(11);
  for (const line of lines) pdf.text(line);
  pdf.end();
  return done;
}

export const CONSULTATION_HEADER = [
  'TECSALUD  NOTA DE CONSULTA',
  `Paciente: ${SCAN_PATIENT.name}  Expediente: ${SCAN_PATIENT.expediente}`,
  'Fecha: 12/03/2024  Folio: 6001467010  Tipo: CONS',
  'Diagnóstico: cefalea tensional. Plan: analgésico y control en dos semanas.',
] as const;

/** One small scanned page: no text layer, the header as an image (JPEG, or Flate-compressed pixels). */
export async function makeSmallScan(seed = 3, encoding: 'jpeg' | 'flate' = 'jpeg'): Promise<Buffer> {
  return makeScannedPdf(await makeHeaderPdf(CONSULTATION_HEADER), { seed, encoding });
}

/**
 * One small scan whose image stream is damaged in its middle (junk over a third of the JPEG or deflate data,
 * the stream's length kept). JPEG: libjpeg decodes the part before the damage, pdf.js gives up on the image.
 * Flate: poppler draws it without a word, pdf.js gives up on it.
 */
export async function makeDamagedScan(seed = 3, encoding: 'jpeg' | 'flate' = 'jpeg'): Promise<Buffer> {
  const pdf = await makeSmallScan(seed, encoding);
  const start = pdf.indexOf('stream\n', pdf.indexOf('/Subtype /Image')) + 'stream\n'.length;
  const length = pdf.indexOf('endstream', start) - start;
  for (let i = start + Math.floor(length * 0.3); i < start + Math.floor(length * 0.6); i++)
    pdf[i] = (i * 37) & 0xff;
  return pdf;
}

/** Another registry patient of fixtures/registry.csv, for a page misfiled under SCAN_PATIENT's name. */
export const OTHER_PATIENT = { expediente: '3000016374', name: 'CESAR RIOS CORONADO' } as const;

/** One small page about OTHER_PATIENT, fed through the scanner upside down (turned 180°). */
export async function makeUpsideDownScan(seed = 9): Promise<Buffer> {
  const page = await PdfLibDocument.load(
    await makeHeaderPdf([
      'TECSALUD  NOTA DE CONSULTA',
      `Paciente: ${OTHER_PATIENT.name}  Expediente: ${OTHER_PATIENT.expediente}`,
      'Diagnóstico: lumbalgia mecánica. Plan: analgésico y control en dos semanas.',
    ]),
  );
  page.getPage(0).setRotation(degrees(180));
  return makeScannedPdf(Buffer.from(await page.save()), { seed });
}

/** What a scanner's software stamps as text over the image: more letters and digits than a page number. */
export const SCANNER_STAMP = 'Escaneado por HP ScanJet 2026-11-03 10:22 p.1';

/**
 * A one-page scan with the scanner's stamp as a text layer along its foot: the page has text, but all that
 * names the patient is in the image. The header names `patient`. An empty stamp: no text layer at all.
 */
export async function makeStampedScan(
  patient: { expediente: string; name: string } = OTHER_PATIENT,
  { seed = 11, stamp = SCANNER_STAMP }: { seed?: number; stamp?: string } = {},
): Promise<Buffer> {
  const scan = await PdfLibDocument.load(
    await makeScannedPdf(
      await makeHeaderPdf([
        'TECSALUD  NOTA DE CONSULTA',
        `Paciente: ${patient.name}  Expediente: ${patient.expediente}`,
        'Diagnóstico: lumbalgia mecánica. Plan: analgésico y control en dos semanas.',
      ]),
      { seed },
    ),
  );
  if (stamp)
    scan
      .getPage(0)
      .drawText(stamp, { x: 8, y: 3, size: 5, font: await scan.embedFont(StandardFonts.Helvetica) });
  return Buffer.from(await scan.save());
}

/** Page 1 with a text layer, page 2 a scan: the PDF a records clerk makes by appending a scanned page. */
export async function makeMixedPdf(seed = 4): Promise<Buffer> {
  const textPage = await PdfLibDocument.load(
    await makeHeaderPdf([
      'TECSALUD  RESULTADOS DE LABORATORIO',
      `Paciente: ${SCAN_PATIENT.name}  Expediente: ${SCAN_PATIENT.expediente}`,
      'Biometría hemática: hemoglobina 13.2 g/dL, leucocitos 7,100/µL, plaquetas 250,000/µL.',
    ]),
  );
  const scanned = await PdfLibDocument.load(
    await makeScannedPdf(
      await makeHeaderPdf(['Interpretación: valores dentro de referencia.', 'Firma: Dra. LAURA MÉNDEZ RUIZ']),
      { seed },
    ),
  );
  const out = await PdfLibDocument.create();
  out.setCreationDate(new Date(0));
  out.setModificationDate(new Date(0));
  for (const [source, index] of [
    [textPage, 0],
    [scanned, 0],
  ] as const) {
    const [page] = await out.copyPages(source, [index]);
    out.addPage(page!);
  }
  return Buffer.from(await out.save());
}

/**
 * Page 1 a text note about SCAN_PATIENT, page 2 a scan of a note about `patient` (another patient's page
 * scanned onto the end of the file), with a scanner's stamp as its text layer when `stamp` is given.
 */
export async function makeNoteWithScannedPage(
  patient: { expediente: string; name: string } = OTHER_PATIENT,
  { seed = 14, stamp }: { seed?: number; stamp?: string } = {},
): Promise<Buffer> {
  const textPage = await PdfLibDocument.load(await makeHeaderPdf(CONSULTATION_HEADER));
  const scanned = await PdfLibDocument.load(await makeStampedScan(patient, { seed, stamp: stamp ?? '' }));
  const out = await PdfLibDocument.create();
  out.setCreationDate(new Date(0));
  out.setModificationDate(new Date(0));
  for (const source of [textPage, scanned]) {
    const [page] = await out.copyPages(source, [0]);
    out.addPage(page!);
  }
  return Buffer.from(await out.save());
}

/** The pages of several scans (a page each, or more) as one PDF, in order: a scan of many sheets. */
export async function joinScans(scans: readonly Buffer[]): Promise<Buffer> {
  const out = await PdfLibDocument.create();
  out.setCreationDate(new Date(0));
  out.setModificationDate(new Date(0));
  for (const scan of scans) {
    const source = await PdfLibDocument.load(scan);
    for (const page of await out.copyPages(source, source.getPageIndices())) out.addPage(page);
  }
  return Buffer.from(await out.save());
}

/**
 * A faint scan (light toner, a carbon copy): the consultation header printed 78 % grey (or `grey`, 0-1) at the
 * top of a half-letter sheet, the rest of it paper. Tesseract's global threshold, drawn from a histogram that
 * is nearly all paper, took such print for paper: it read no word. A page as short as makeSmallScan's reads.
 */
export async function makeFaintScan(seed = 31, grey = 0.784): Promise<Buffer> {
  const pdf = new PDFDocument({ size: [612, 396], margin: 24, info: { CreationDate: new Date(0) } });
  const done = collect(pdf);
  const level = Math.round(grey * 255);
  pdf.font('Helvetica').fontSize(11).fillColor([level, level, level]);
  for (const line of CONSULTATION_HEADER) pdf.text(line);
  pdf.end();
  return makeScannedPdf(await done, { seed });
}

/** A blank half-letter sheet through the scanner: paper's grain and a few specks, no ink. */
export async function makeBlankScan(seed = 32): Promise<Buffer> {
  const pdf = new PDFDocument({ size: [612, 396], margin: 24, info: { CreationDate: new Date(0) } });
  const done = collect(pdf);
  pdf.end();
  return makeScannedPdf(await done, { seed });
}

/**
 * What a hospital's document system prints as text over a scan it files: a letterhead of two lines and a
 * footer with the page number, more than 200 letters and digits together, none of them naming the patient.
 */
export const LETTERHEAD = [
  'HOSPITAL SAN JOSÉ TECSALUD · Av. Ignacio Morones Prieto 3000 Pte., Col. Los Doctores, Monterrey, N.L. 64710',
  'Servicio de Medicina Interna · Consulta Externa · Sistema de Expediente Clínico Electrónico',
] as const;
export const LETTERHEAD_FOOTER =
  'Documento confidencial del expediente clínico (NOM-004-SSA3-2012) · Impreso el 12/03/2024 10:22 · Página 1 de 1';

/** A one-page consultation note naming `patient`, scanned (the note only in the image), to draw a text layer on. */
async function scannedNote(
  patient: { expediente: string; name: string },
  layout: {
    size: [number, number] | 'LETTER';
    margins: { top: number; bottom: number; left: number; right: number };
    fontSize: number;
  },
  seed: number,
): Promise<PdfLibDocument> {
  const body = new PDFDocument({
    size: layout.size,
    margins: layout.margins,
    info: { CreationDate: new Date(0) },
  });
  const done = collect(body);
  body.font('Helvetica').fontSize(layout.fontSize);
  for (const line of [
    'NOTA DE CONSULTA',
    `Paciente: ${patient.name}  Expediente: ${patient.expediente}`,
    'Diagnóstico: lumbalgia mecánica. Plan: analgésico y control en dos semanas.',
  ])
    body.text(line);
  body.end();
  return PdfLibDocument.load(await makeScannedPdf(await done, { seed }));
}

/**
 * A one-page scan filed by a document system: the letterhead and footer as a text layer at the top and foot
 * of the page, the note itself — naming `patient` — only in the image between them.
 */
export async function makeLetterheadScan(
  patient: { expediente: string; name: string } = OTHER_PATIENT,
  seed = 17,
): Promise<Buffer> {
  const scan = await scannedNote(
    patient,
    { size: [612, 200], margins: { top: 40, bottom: 30, left: 24, right: 24 }, fontSize: 11 },
    seed,
  );
  const page = scan.getPage(0);
  const font = await scan.embedFont(StandardFonts.Helvetica);
  const { height } = page.getSize();
  LETTERHEAD.forEach((line, index) =>
    page.drawText(line, { x: 24, y: height - 14 - 9 * index, size: 7, font }),
  );
  page.drawText(LETTERHEAD_FOOTER, { x: 24, y: 8, size: 7, font });
  return Buffer.from(await scan.save());
}

/** One line of a typed admission form, as a document system prints it in 6 pt: 80 letters and digits. */
const TYPED_FORM_LINE =
  'Servicio: Medicina Interna · Cama: 214-B · Alergias: ninguna conocida · Tipo sanguíneo: O+ · Tel. 81 8888 0000';

/**
 * One line of a blank paper form as a document system prints it in 6 pt, labels and the rules to write on:
 * 56 letters, and underscores that cover three times the page the labels do.
 */
export const FORM_RULES_LINE =
  'Nombre del paciente: ________________________  Fecha de nacimiento: ____/____/________  ' +
  'Servicio: ________________  Médico tratante: ______________________';

/**
 * A letter-size scan of a note naming `patient`, under a typed 6 pt form (`line` over and over) of at least
 * `letters` letters and digits as its text layer: more than a letterhead's worth, yet covering a few percent
 * of the page. The note is only in the image.
 */
export async function makeTypedFormScan(
  patient: { expediente: string; name: string } = OTHER_PATIENT,
  letters = 1122,
  seed = 19,
  line: string = TYPED_FORM_LINE,
): Promise<Buffer> {
  const scan = await scannedNote(
    patient,
    { size: 'LETTER', margins: { top: 240, bottom: 30, left: 48, right: 48 }, fontSize: 12 },
    seed,
  );
  await drawTypedForm(scan, letters, line);
  return Buffer.from(await scan.save());
}

/** Draws `line` in 6 pt down the first page from its top, until the lines hold `letters` letters and digits. */
async function drawTypedForm(pdf: PdfLibDocument, letters: number, line: string): Promise<void> {
  const page = pdf.getPage(0);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const { height } = page.getSize();
  const perLine = line.replace(/[^\p{L}\p{N}]/gu, '').length;
  for (let index = 0; index * perLine < letters; index++)
    page.drawText(line, { x: 24, y: height - 14 - 8 * index, size: 6, font });
}

/**
 * A letter-size page whose page-sized picture is drawn inline, in the page's content (`BI … ID … EI`, as
 * ghostscript writes a small image and some scanners a page of few marks), not as an image object; under a
 * scanner's stamp, or a typed 6 pt form of 1,122 letters, as its text. The picture is flat grey.
 */
export async function makeInlineImageScan(layer: 'stamp' | 'typed-form'): Promise<Buffer> {
  const pdf = await PdfLibDocument.create();
  pdf.setCreationDate(new Date(0));
  pdf.setModificationDate(new Date(0));
  const page = pdf.addPage([612, 792]);
  const content = Buffer.concat([
    Buffer.from('q 612 0 0 792 0 0 cm\nBI /W 64 /H 64 /BPC 8 /CS /G ID\n', 'latin1'),
    Buffer.alloc(64 * 64, 200),
    Buffer.from('\nEI\nQ\n', 'latin1'),
  ]);
  page.node.addContentStream(pdf.context.register(pdf.context.flateStream(content)));
  if (layer === 'typed-form') await drawTypedForm(pdf, 1122, TYPED_FORM_LINE);
  else
    page.drawText(SCANNER_STAMP, { x: 8, y: 3, size: 5, font: await pdf.embedFont(StandardFonts.Helvetica) });
  return Buffer.from(await pdf.save());
}

/** A line of a consultation note in 10 pt: 82 letters; 34 of them, below a header, fill a letter page. */
const NOTE_LINE =
  'Evolución: paciente refiere mejoría del dolor abdominal, tolera la vía oral; se indica dieta blanda.';

/**
 * A searchable scan, as a scanner's OCR or ocrmypdf makes one: a letter-size scanned note naming `patient`
 * under an invisible text layer (render mode 3) where its print is, of every line ('full': 2,850 letters
 * and digits), or of its first six ('thin': what such OCR keeps of a page it could barely read, 390).
 */
export async function makeSearchableScan(
  layer: 'full' | 'thin',
  patient: { expediente: string; name: string } = SCAN_PATIENT,
  seed = 23,
): Promise<Buffer> {
  const lines = [
    'NOTA DE CONSULTA',
    `Paciente: ${patient.name}  Expediente: ${patient.expediente}`,
    ...Array.from({ length: 34 }, () => NOTE_LINE),
  ];
  const drawLines = async (pdf: PdfLibDocument, count: number): Promise<void> => {
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    lines
      .slice(0, count)
      .forEach((line, index) =>
        pdf.getPage(0).drawText(line, { x: 48, y: 740 - 19 * index, size: 10, font }),
      );
  };
  const print = await PdfLibDocument.create();
  print.addPage([612, 792]);
  await drawLines(print, lines.length);
  const scan = await PdfLibDocument.load(await makeScannedPdf(await print.save(), { seed }));
  scan.getPage(0).pushOperators(setTextRenderingMode(TextRenderingMode.Invisible));
  await drawLines(scan, layer === 'full' ? lines.length : 6);
  return Buffer.from(await scan.save());
}
