import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  documentPages,
  formatRegistryCsv,
  formatTecSaludFilename,
  makeTextPdf,
  planContentCases,
  type ContentCase,
  type ContentCaseCategory,
} from '../../fixtures/generator/index.js';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { openDatabase } from '../../src/db/open-database.js';
import { runCli, type RunResult } from '../support/cli-binary.js';
import { canRun, makeSmallScan, makeStampedScan, OTHER_PATIENT, scanFilename } from '../support/scans.js';
import { createTempDir } from '../support/databases.js';

// Issue 15 through the built CLI: one generated PDF of every content case (misfiled, a relative's, a
// homonym's, no header, expediente typos, new patients…) against a generated registry, ingested with and
// without --trust-content.

interface FileJson {
  filename: string;
  outcome: string;
  flags: string[];
  match: { decision: string; reason: string; patient_expediente: string | null } | null;
  content: {
    verdict: string;
    identity: { expediente: string | null; nombre_completo: string | null };
    compared_with: { expediente: string } | null;
    content_patient: { expediente: string } | null;
    filename_decision: { decision: string; reason: string };
  } | null;
}
interface Report {
  session_id: string;
  files: FileJson[];
}

let root: string;
let dropDir: string;
const byFile = new Map<string, ContentCase>();
const fileOf = new Map<ContentCaseCategory, string>();

function cli(args: string[], cwd = root): Promise<RunResult> {
  return runCli(args, { cwd, env: { TECSALUD_DB: '' } });
}

async function ingestJson(cwd: string, extra: string[] = []): Promise<Report> {
  const run = await cli(
    ['ingest', dropDir, '--db', 'registry.db', '--non-interactive', '--json', ...extra],
    cwd,
  );
  // 2: files wait for review; anything else is a failure of the run.
  expect(run.stderr).not.toMatch(/error:/);
  expect(run.code).toBe(2);
  return JSON.parse(run.stdout) as Report;
}

async function importRegistry(cwd: string): Promise<void> {
  const run = await cli(['patients', 'import', path.join(root, 'registry.csv'), '--db', 'registry.db'], cwd);
  expect(run.code, run.stderr).toBe(0);
}

beforeAll(async () => {
  root = createTempDir('tecsalud-content-');
  dropDir = path.join(root, 'drop');
  fs.mkdirSync(dropDir);
  const { registry, cases } = planContentCases({ seed: 15, patients: 400, perCategory: 1 });
  fs.writeFileSync(path.join(root, 'registry.csv'), formatRegistryCsv(registry));
  for (const c of cases) {
    const name = formatTecSaludFilename({
      expediente: c.filename.expediente,
      name: c.filename,
      numero: c.document.numero,
      typeCode: c.document.typeCode,
    });
    const pages = documentPages(c.document, { layout: c.layout, ocrNoise: c.ocrNoise });
    fs.writeFileSync(
      path.join(dropDir, name),
      await makeTextPdf(pages, { title: name, date: c.document.date }),
    );
    byFile.set(name, c);
    fileOf.set(c.category, name);
  }
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Every automatic attachment went to the document's true patient (or created the true new one). */
function expectNoWrongAutomaticAttachment(report: Report): void {
  for (const file of report.files) {
    if (file.outcome !== 'ingested') continue;
    const truth = byFile.get(file.filename)!.truth;
    if (truth.kind === 'existing')
      expect(file.match?.patient_expediente, file.filename).toBe(truth.expediente);
    else expect(file.match?.decision, file.filename).toBe('new');
  }
}

function fileFor(report: Report, category: ContentCaseCategory): FileJson {
  return report.files.find((f) => f.filename === fileOf.get(category))!;
}

describe('the content cross-check through the CLI', { tags: ['slow'] }, () => {
  let plain: Report;
  const plainDir = () => path.join(root, 'plain');

  it('holds every document whose text names another patient, with both identities, and attaches none wrongly', async () => {
    fs.mkdirSync(plainDir());
    await importRegistry(plainDir());
    plain = await ingestJson(plainDir());
    expect(plain.files).toHaveLength(byFile.size);
    expectNoWrongAutomaticAttachment(plain);

    for (const category of [
      'misfiled',
      'misfiled_relative',
      'misfiled_homonym',
      'misfiled_name_only',
      'new_patient_misfiled',
    ] as const) {
      const file = fileFor(plain, category);
      expect(file.outcome, category).toBe('review_required');
      expect(file.match?.reason, category).toBe('content_mismatch');
      expect(file.flags, category).toContain('content_mismatch');
      expect(file.content?.verdict, category).toBe('contradicts');
      // The filename's own decision is kept beside the document's identity.
      expect(file.content?.identity.nombre_completo, category).not.toBeNull();
    }
    const misfiled = fileFor(plain, 'misfiled');
    const truth = byFile.get(misfiled.filename)!;
    expect(misfiled.content?.filename_decision.decision).toBe('auto');
    expect(misfiled.content?.compared_with?.expediente).toBe(truth.filename.expediente);
    expect(misfiled.content?.identity.expediente).toBe(truth.document.patient.expediente);
    expect(misfiled.content?.content_patient?.expediente).toBe(truth.document.patient.expediente);
    expect(fileFor(plain, 'new_patient_misfiled').content?.filename_decision.decision).toBe('new');
  });

  it('records agreement as evidence and changes nothing for a document that states nobody', async () => {
    const clean = fileFor(plain, 'clean');
    expect(clean.outcome).toBe('ingested');
    expect(clean.content?.verdict).toBe('agrees');
    expect(clean.flags).toEqual([]);

    const bare = fileFor(plain, 'no_header');
    expect(bare.outcome).toBe('ingested');
    expect(bare.match?.decision).toBe('auto');
    expect(bare.match?.reason).toBe(bare.content?.filename_decision.reason);
    expect(bare.content?.verdict).toBe('absent');

    const fresh = fileFor(plain, 'new_patient');
    expect(fresh.outcome).toBe('ingested');
    expect(fresh.match?.decision).toBe('new');

    // Without --trust-content an expediente typo waits for a reviewer.
    expect(fileFor(plain, 'expediente_typo').outcome).toBe('review_required');

    const database = await openDatabase(
      resolveDatabaseTarget(path.join(plainDir(), 'registry.db'), { cwd: root }),
    );
    try {
      const audit = await database.db
        .selectFrom('auditLog')
        .selectAll()
        .where('action', '=', 'document_ingested')
        .execute();
      const verdicts = audit.map(
        (row) => (JSON.parse(row.details!) as { content_verdict: string }).content_verdict,
      );
      expect(verdicts).toContain('agrees');
      expect(verdicts).not.toContain('contradicts');
      expect(
        await database.db
          .selectFrom('auditLog')
          .selectAll()
          .where('action', '=', 'content_confirmed')
          .execute(),
      ).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it("holds a file whose fifth page starts another patient's document, however far it is scanned onto the end", async () => {
    const clean = byFile.get(fileOf.get('clean')!)!;
    const other = byFile.get(fileOf.get('misfiled')!)!;
    const own = documentPages(clean.document, { layout: clean.layout, ocrNoise: 0 });
    const narrative = 'Evolución: paciente estable, signos vitales normales, tolera vía oral.';
    const pages = [...own, ...Array.from({ length: Math.max(0, 4 - own.length) }, () => narrative)];
    pages.push(...documentPages(other.document, { layout: other.layout, ocrNoise: 0 }));
    const dir = path.join(root, 'two-patients');
    const drop = path.join(dir, 'drop');
    fs.mkdirSync(drop, { recursive: true });
    const name = formatTecSaludFilename({
      expediente: clean.filename.expediente,
      name: clean.filename,
      numero: '6900000001',
      typeCode: 'CONS',
    });
    fs.writeFileSync(
      path.join(drop, name),
      await makeTextPdf(pages, { title: name, date: clean.document.date }),
    );
    await importRegistry(dir);
    const run = await cli(['ingest', drop, '--db', 'registry.db', '--non-interactive', '--json'], dir);
    expect(run.code, run.stderr).toBe(2);
    const [file] = (JSON.parse(run.stdout) as Report).files;
    expect(file).toMatchObject({ outcome: 'review_required', flags: ['content_mismatch'] });
    expect(file!.match?.reason).toBe('content_mismatch');
    expect(file!.content?.identity.expediente).toBe(clean.filename.expediente);
    expect(JSON.stringify(file!.content)).toContain(other.document.patient.expediente);
  });

  it("holds a file whose first identity, on page 4 after three pages stating nobody, is another patient's, with every extractor", async () => {
    // Page 4 was read only for a second patient beside the one the first pages state; when they stated
    // nobody, its header was ignored: "absent", and the other patient's document was attached.
    const clean = byFile.get(fileOf.get('clean')!)!;
    const other = byFile.get(fileOf.get('misfiled')!)!;
    const narrative = 'Evolución: paciente estable, signos vitales normales, tolera vía oral.';
    const filed = (numero: string) =>
      formatTecSaludFilename({
        expediente: clean.filename.expediente,
        name: clean.filename,
        numero,
        typeCode: 'CONS',
      });
    const misfiled = filed('6900000011');
    const own = filed('6900000012');
    const pdfOf = (document: ContentCase['document'], layout: ContentCase['layout']) =>
      makeTextPdf([narrative, narrative, narrative, ...documentPages(document, { layout, ocrNoise: 0 })], {
        title: misfiled,
        date: clean.document.date,
      });
    const misfiledPdf = await pdfOf(other.document, other.layout);
    const ownPdf = await pdfOf(clean.document, clean.layout);
    const extractors = [
      'pdfium',
      'pdf-parse',
      ...(canRun('pdftotext', ['-v']) || process.env.CI ? ['pdftotext'] : []),
    ];
    for (const extractor of extractors) {
      const dir = path.join(root, `late-identity-${extractor}`);
      const drop = path.join(dir, 'drop');
      fs.mkdirSync(drop, { recursive: true });
      fs.writeFileSync(path.join(drop, misfiled), misfiledPdf);
      fs.writeFileSync(path.join(drop, own), ownPdf);
      await importRegistry(dir);
      const run = await cli(
        ['ingest', drop, '--db', 'registry.db', '--non-interactive', '--json', '--extractor', extractor],
        dir,
      );
      expect(run.code, `${extractor}: ${run.stderr}`).toBe(2);
      const files = new Map((JSON.parse(run.stdout) as Report).files.map((f) => [f.filename, f]));
      expect(files.get(misfiled), extractor).toMatchObject({
        outcome: 'review_required',
        flags: ['content_mismatch'],
        match: { reason: 'content_mismatch' },
        content: { verdict: 'contradicts', identity: { expediente: other.document.patient.expediente } },
      });
      // The same patient's header on page 4 is the document agreeing with its filename.
      expect(files.get(own), extractor).toMatchObject({
        outcome: 'ingested',
        flags: [],
        content: { verdict: 'agrees', identity: { expediente: clean.document.patient.expediente } },
      });
    }
  });

  it('says a document that states only another birth date contradicts its patient, not that it names someone else', async () => {
    const clean = byFile.get(fileOf.get('clean')!)!;
    const [year, month, day] = clean.document.patient.fechaNacimiento.split('-');
    const other = `${day}/${month}/${Number(year) - 3}`;
    const dir = path.join(root, 'birth-date');
    const drop = path.join(dir, 'drop');
    fs.mkdirSync(drop, { recursive: true });
    const name = formatTecSaludFilename({
      expediente: clean.filename.expediente,
      name: clean.filename,
      numero: '6900000002',
      typeCode: 'LAB',
    });
    const page = `RESULTADOS DE LABORATORIO\nFecha de nacimiento: ${other}\nHemoglobina 13.2 g/dL`;
    fs.writeFileSync(
      path.join(drop, name),
      await makeTextPdf([page], { title: name, date: clean.document.date }),
    );
    await importRegistry(dir);
    const run = await cli(['ingest', drop, '--db', 'registry.db', '--non-interactive', '--json'], dir);
    expect(run.code, run.stderr).toBe(2);
    const report = JSON.parse(run.stdout) as Report & { files: { error: string | null }[] };
    expect(report.files[0]!.error).toBe(
      "held for review: content_mismatch (the document's own birth date or sex differs from the filename's patient's)",
    );
    const status = await cli(['status', report.session_id, '--files', '--db', 'registry.db'], dir);
    expect(status.stdout).toContain(
      `content_mismatch: the document states birth date ${Number(year) - 3}-${month}-${day}`,
    );
    expect(status.stdout).not.toContain('names another patient');
  });

  it('says a review whose document names another patient is that, not a new patient (an expediente typo)', async () => {
    const typo = byFile.get(fileOf.get('expediente_typo')!)!;
    const other = byFile.get(fileOf.get('misfiled')!)!;
    const dir = path.join(root, 'typo-names-another');
    const drop = path.join(dir, 'drop');
    fs.mkdirSync(drop, { recursive: true });
    const name = formatTecSaludFilename({
      expediente: typo.filename.expediente,
      name: typo.filename,
      numero: '6900000003',
      typeCode: 'CONS',
    });
    fs.writeFileSync(
      path.join(drop, name),
      await makeTextPdf(documentPages(other.document, { layout: other.layout, ocrNoise: 0 }), {
        title: name,
        date: other.document.date,
      }),
    );
    await importRegistry(dir);
    const run = await cli(['ingest', drop, '--db', 'registry.db', '--non-interactive', '--json'], dir);
    expect(run.code, run.stderr).toBe(2);
    const [file] = (JSON.parse(run.stdout) as Report & { files: { error: string | null }[] }).files;
    // The filename leads to a review of its typo's patient, compared with the filename itself: no new patient.
    expect(file!.content).toMatchObject({ verdict: 'contradicts', compared_with: null });
    expect(file!.content?.filename_decision.decision).toBe('review');
    expect(file!.error).toBe(
      "held for review: content_mismatch (the document's own text names another patient than the filename)",
    );
  });

  it('names content_mismatch cases in status --files, with whom the document names', async () => {
    const run = await cli(['status', plain.session_id, '--files', '--db', 'registry.db'], plainDir());
    expect(run.code, run.stderr).toBe(0);
    const misfiled = byFile.get(fileOf.get('misfiled')!)!;
    const block = run.stdout.slice(run.stdout.indexOf(fileOf.get('misfiled')!));
    expect(block).toMatch(/⚑ content_mismatch/);
    expect(block).toContain(`expediente ${misfiled.document.patient.expediente}`);

    // A Spanish-speaking records administrator reads the same in Spanish: the rows, why each file was held and
    // what the document says; names and expedientes as they are, a flag's code beside its words.
    const spanish = await cli(
      ['status', plain.session_id, '--files', '--db', 'registry.db', '--lang', 'es'],
      plainDir(),
    );
    expect(spanish.code, spanish.stderr).toBe(0);
    expect(spanish.stdout).toMatch(/^Sesión /);
    expect(spanish.stdout).toMatch(/\n {2}archivos {9}\d+\/\d+ procesados/);
    const bloque = spanish.stdout.slice(spanish.stdout.indexOf(fileOf.get('misfiled')!));
    expect(bloque).toContain('⚑ el contenido no coincide (content_mismatch)');
    expect(bloque).toContain(`↳ el contenido no coincide: el documento nombra a`);
    expect(bloque).toContain(`expediente ${misfiled.document.patient.expediente}`);
    expect(spanish.stdout).not.toMatch(/the document|held for review|processed|matched/);
    // The locale chooses it when no flag does, as for ingest and review.
    const byLocale = await runCli(['status', plain.session_id, '--files', '--db', 'registry.db'], {
      cwd: plainDir(),
      env: { TECSALUD_DB: '', LANG: 'es_MX.UTF-8', LC_ALL: '' },
    });
    expect(byLocale.stdout).toBe(spanish.stdout);

    const json = await cli(
      ['status', plain.session_id, '--files', '--json', '--db', 'registry.db'],
      plainDir(),
    );
    const files = (
      JSON.parse(json.stdout) as {
        files: { filename: string; flags: string[]; content: { verdict: string } | null }[];
      }
    ).files;
    const mismatched = files
      .filter((f) => f.flags.includes('content_mismatch'))
      .map((f) => f.filename)
      .sort();
    expect(mismatched).toEqual(
      plain.files
        .filter((f) => f.match?.reason === 'content_mismatch')
        .map((f) => f.filename)
        .sort(),
    );
    expect(files.find((f) => f.filename === fileOf.get('clean'))?.content?.verdict).toBe('agrees');
  });

  it('shows the verdict in match PATH, and judges the filename alone with --no-content', async () => {
    const file = path.join(dropDir, fileOf.get('misfiled')!);
    const read = await cli(['match', file, '--db', 'registry.db', '--json'], plainDir());
    expect(read.code, read.stderr).toBe(0);
    const [withContent] = JSON.parse(read.stdout) as [
      {
        decision: string;
        reason: string;
        content: { status: string; verdict: string };
        filename_decision: { decision: string };
      },
    ];
    expect(withContent).toMatchObject({ decision: 'review', reason: 'content_mismatch' });
    expect(withContent.content).toMatchObject({ status: 'read', verdict: 'contradicts' });
    expect(withContent.filename_decision.decision).toBe('auto');

    const skipped = await cli(['match', file, '--db', 'registry.db', '--json', '--no-content'], plainDir());
    const [alone] = JSON.parse(skipped.stdout) as [{ decision: string; content: { status: string } }];
    expect(alone.decision).toBe('auto');
    expect(alone.content.status).toBe('skipped');

    const text = await cli(['match', file, '--db', 'registry.db'], plainDir());
    expect(text.stdout).toMatch(/content {4}CONTRADICTS/);
    expect(text.stdout).toMatch(/the filename alone: AUTO/);

    // A folder is no file name (it was "refused" as one, exit 3): said so, with the command that plans a folder.
    const folder = await cli(['match', dropDir, '--db', 'registry.db'], plainDir());
    expect([folder.code, folder.stdout]).toEqual([64, '']);
    expect(folder.stderr).toMatch(
      /^error: '.*' is a folder: match takes file names, or paths of PDFs\nhint: .*ingest .* --dry-run/,
    );
  });

  it("match PATH takes ingest's OCR flags: a scan with --ocr off is not read, and fails as the run fails it", async () => {
    const scanned = path.join(root, 'scanned');
    fs.mkdirSync(path.join(scanned, 'drop'), { recursive: true });
    const scan = path.join(scanned, 'drop', scanFilename('6200000001'));
    fs.writeFileSync(scan, await makeSmallScan());
    await importRegistry(scanned);
    const off = await cli(['match', scan, '--db', 'registry.db', '--json', '--ocr', 'off'], scanned);
    // A file the run would fail exits 3, as the run does (it exited 0 beside "WOULD FAIL").
    expect(off.code, off.stderr).toBe(3);
    const [result] = JSON.parse(off.stdout) as [
      {
        decision: string;
        outcome: string;
        patient: unknown;
        filename_decision: { decision: string } | null;
        content: { status: string; error?: string };
      },
    ];
    expect(result.content).toMatchObject({
      status: 'unreadable',
      outcome: 'image_only',
      error: expect.stringMatching(/no text layer.*needs OCR/),
    });
    // It reported the filename's AUTO while the run failed the file: the dry run now predicts the run.
    const run = await cli(
      ['ingest', 'drop', '--db', 'registry.db', '--non-interactive', '--json', '--ocr', 'off'],
      scanned,
    );
    const [ingested] = (JSON.parse(run.stdout) as Report).files;
    expect(ingested!.outcome).toBe('image_only');
    expect(result).toMatchObject({ decision: 'failed', outcome: ingested!.outcome, patient: null });
    expect(result.filename_decision?.decision).toMatch(/^(auto|review|new)$/);
    const text = await cli(['match', scan, '--db', 'registry.db', '--ocr', 'off'], scanned);
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(
      /^ {2}decision {3}WOULD FAIL \(image_only\) — ingest records the file as failed/m,
    );
    expect(text.stdout).not.toMatch(/^ {2}patient /m);
    expect(text.stdout).toMatch(/^ {4}the filename alone: /m);
    const bad = await cli(['match', scan, '--db', 'registry.db', '--ocr-engine', 'nope'], plainDir());
    expect(bad.code).toBe(64);
  });

  it("match PATH fails an empty file and a .pdf that is no PDF as ingest's checks do, before any extraction", async () => {
    const dir = path.join(root, 'not-pdfs');
    fs.mkdirSync(path.join(dir, 'drop'), { recursive: true });
    const empty = path.join(dir, 'drop', scanFilename('6200000011'));
    const text = path.join(dir, 'drop', scanFilename('6200000012'));
    fs.writeFileSync(empty, '');
    fs.writeFileSync(text, 'an export that wrote an error page instead of the PDF\n');
    await importRegistry(dir);
    const matched = await cli(['match', empty, text, '--db', 'registry.db', '--json'], dir);
    expect(matched.code, matched.stderr).toBe(3);
    const results = JSON.parse(matched.stdout) as { filename: string; decision: string; outcome: string }[];
    const run = await cli(['ingest', 'drop', '--db', 'registry.db', '--non-interactive', '--json'], dir);
    const ingested = (JSON.parse(run.stdout) as Report).files;
    for (const result of results) {
      const file = ingested.find((f) => f.filename === result.filename);
      expect(result).toMatchObject({ decision: 'failed', outcome: file!.outcome });
    }
    expect(results.map((r) => r.outcome)).toEqual(['empty_file', 'not_pdf']);
  });

  it('match PATH takes --extractor as ingest does: a stamped scan read with OCR off is unreadable by each', async () => {
    const scan = path.join(root, scanFilename('6200000002'));
    fs.writeFileSync(scan, await makeStampedScan(OTHER_PATIENT, { seed: 21 }));
    const extractors = [
      'pdfium',
      'pdf-parse',
      ...(canRun('pdfimages', ['-v']) || process.env.CI ? ['pdftotext'] : []),
    ];
    for (const extractor of extractors) {
      const off = await cli(
        ['match', scan, '--db', 'registry.db', '--json', '--ocr', 'off', '--extractor', extractor],
        plainDir(),
      );
      expect(off.code, `${extractor}: ${off.stderr}`).toBe(3);
      const [result] = JSON.parse(off.stdout) as [{ content: { status: string; error?: string } }];
      expect(result.content, extractor).toMatchObject({
        status: 'unreadable',
        error: expect.stringMatching(/scans whose only text is a scanner's stamp/),
      });
    }
    const bad = await cli(['match', scan, '--db', 'registry.db', '--extractor', 'PDFium'], plainDir());
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/did you mean 'pdfium'/);
  });

  it('attaches an expediente typo the document settles when the config file trusts content, audited content_confirmed', async () => {
    const trusting = path.join(root, 'trusting');
    fs.mkdirSync(trusting);
    fs.writeFileSync(
      path.join(trusting, 'tecsalud-batch.config.json'),
      JSON.stringify({ trustContent: true }),
    );
    await importRegistry(trusting);
    const report = await ingestJson(trusting);
    expectNoWrongAutomaticAttachment(report);
    const typo = fileFor(report, 'expediente_typo');
    const truth = byFile.get(typo.filename)!.truth;
    expect(typo.outcome).toBe('ingested');
    expect(typo.match?.reason).toBe('content_confirmed');
    expect(truth.kind === 'existing' && typo.match?.patient_expediente).toBe(
      truth.kind === 'existing' && truth.expediente,
    );
    expect(typo.content?.verdict).toBe('confirmed');
    // Trust never attaches what the content contradicts.
    expect(fileFor(report, 'misfiled').outcome).toBe('review_required');

    // status --files says the document chose the patient, and what the filename said.
    const patient = truth.kind === 'existing' ? truth.expediente : '';
    const status = await cli(['status', report.session_id, '--files', '--db', 'registry.db'], trusting);
    const row = status.stdout.slice(status.stdout.indexOf(typo.filename));
    expect(row).toMatch(/^[^\n]*⚑ content_confirmed\n/);
    expect(row).toContain(
      `↳ content_confirmed: confirmed by the document's own expediente and full name: ${patient} `,
    );
    const estado = await cli(
      ['status', report.session_id, '--files', '--db', 'registry.db', '--lang', 'es'],
      trusting,
    );
    expect(estado.stdout).toContain('⚑ el documento eligió al paciente (content_confirmed)');
    const json = await cli(
      ['status', report.session_id, '--files', '--json', '--db', 'registry.db'],
      trusting,
    );
    const listed = (
      JSON.parse(json.stdout) as {
        files: { filename: string; flags: string[]; content: { verdict: string } }[];
      }
    ).files.find((f) => f.filename === typo.filename);
    expect(listed).toMatchObject({ flags: ['content_confirmed'], content: { verdict: 'confirmed' } });

    const database = await openDatabase(
      resolveDatabaseTarget(path.join(trusting, 'registry.db'), { cwd: root }),
    );
    try {
      const rows = await database.db
        .selectFrom('auditLog')
        .selectAll()
        .where('action', '=', 'content_confirmed')
        .execute();
      const confirmed = rows.map((row) => JSON.parse(row.details!) as Record<string, unknown>);
      expect(confirmed.map((d) => d.filename)).toContain(typo.filename);
      const entry = confirmed.find((d) => d.filename === typo.filename)!;
      expect(entry.expediente).toBe(typo.match?.patient_expediente);
      expect(entry.patient_after).toEqual(expect.any(String));
      const session = await database.db
        .selectFrom('batchUploads')
        .select('optionsJson')
        .executeTakeFirstOrThrow();
      expect(JSON.parse(session.optionsJson)).toMatchObject({ trust_content: true });
    } finally {
      await database.close();
    }

    // The flag wins over the config file.
    const file = path.join(dropDir, typo.filename);
    const distrust = await cli(
      ['match', file, '--db', 'registry.db', '--json', '--no-trust-content'],
      trusting,
    );
    expect((JSON.parse(distrust.stdout) as [{ decision: string }])[0].decision).toBe('review');
    const trust = await cli(['match', file, '--db', 'registry.db', '--json'], trusting);
    expect((JSON.parse(trust.stdout) as [{ reason: string }])[0].reason).toBe('content_confirmed');
  });
});
