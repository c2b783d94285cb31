import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteVecStore } from '../../src/adapters/vector-stores/sqlite-vec/sqlite-vec-store.js';
import { searchDocuments } from '../../src/commands/search.js';
import { commandContext } from '../support/command-context.js';
import { ExitCode } from '../../src/errors.js';
import { captureIo } from '../support/databases.js';
import {
  byFilename,
  createWorkspace,
  FIXTURES,
  importSampleRegistry,
  ingestJson,
  openWorkspaceDb,
  type Workspace,
} from '../support/ingest-fixture.js';

interface ManifestFile {
  filename: string;
  category: string;
  acceptable: string[];
  expediente: string;
}
const manifest = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'sample-manifest.json'), 'utf8')) as {
  files: ManifestFile[];
};

let workspace: Workspace;
beforeEach(async () => {
  workspace = createWorkspace();
  await importSampleRegistry(workspace);
});
afterEach(() => workspace.cleanup());

async function countRows(
  table: 'medicalDocuments' | 'patients' | 'batchFiles' | 'auditLog',
): Promise<number> {
  const open = await openWorkspaceDb(workspace);
  try {
    const row = await open.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  } finally {
    await open.close();
  }
}

async function countVectors(): Promise<number> {
  const open = await openWorkspaceDb(workspace);
  try {
    const store = createSqliteVecStore({ database: open.sqlite! });
    const n = await store.count();
    await store.close();
    return n;
  } finally {
    await open.close();
  }
}

describe('ingest on the committed sample', { tags: ['slow'] }, () => {
  it('ends every file in a known state that the manifest allows', async () => {
    const { code, report } = await ingestJson(workspace, { concurrency: '4' });
    expect(code).toBe(ExitCode.SomeFailed); // the sample has three bad files
    expect(report.total_files).toBe(23);
    expect(report.processed_files).toBe(23);
    expect(report.failed_files).toBe(3);
    const files = byFilename(report);
    for (const expected of manifest.files) {
      const file = files.get(expected.filename.normalize('NFC')) ?? files.get(expected.filename);
      expect(file, expected.filename).toBeDefined();
      const decision = file!.match?.decision;
      // A new patient's later files may be matched after an earlier one created the patient: they attach to
      // it ('auto'). Which file comes first is a race; that one patient is created is checked below.
      const acceptable = expected.acceptable.includes('new')
        ? [...expected.acceptable, 'auto']
        : expected.acceptable;
      expect(acceptable, `${expected.filename}: ${decision}`).toContain(decision);
      if (decision === 'auto' || decision === 'new') {
        expect(file!.outcome).toBe('ingested');
        expect(file!.match?.patient_expediente).toBe(expected.expediente);
      } else {
        expect(file!.outcome).toBe('review_required');
      }
    }
    const outcomes = report.files.map((f) => f.outcome);
    expect(outcomes).toContain('empty_file');
    expect(outcomes).toContain('not_pdf');
    expect(outcomes).toContain('invalid_name');
    // Three documents of the same new patient, processed concurrently: exactly one patient created.
    expect(report.created_patients).toBe(1);
    expect(await countRows('patients')).toBe(18 + 1);
    const ingested = report.files.filter((f) => f.outcome === 'ingested');
    expect(await countRows('medicalDocuments')).toBe(ingested.length);
    expect(await countVectors()).toBe(ingested.reduce((sum, f) => sum + (f.chunks ?? 0), 0));
  });

  it('re-running stores nothing new: ingested files are duplicates, reviews are not queued twice', async () => {
    const first = await ingestJson(workspace);
    const documents = await countRows('medicalDocuments');
    const vectors = await countVectors();
    const second = await ingestJson(workspace);
    const before = byFilename(first.report);
    for (const file of second.report.files) {
      const earlier = before.get(file.filename)!;
      if (earlier.outcome === 'ingested') expect(file.outcome).toBe('duplicate');
      if (earlier.outcome === 'review_required') expect(file.outcome).toBe('already_pending_review');
    }
    expect(second.report.duplicates).toBe(first.report.files.filter((f) => f.outcome === 'ingested').length);
    expect(await countRows('medicalDocuments')).toBe(documents);
    expect(await countVectors()).toBe(vectors);
    expect(await countRows('patients')).toBe(19);
  });

  it('makes the documents searchable by a phrase from them', async () => {
    await ingestJson(workspace);
    const { io, stdout } = captureIo();
    const context = await commandContext({ cwd: workspace.root, db: workspace.db, io });
    await searchDocuments('BIOMETRÍA HEMÁTICA Hemoglobina Hematocrito', { limit: '3', json: true }, context);
    const results = JSON.parse(stdout()).results as { metadata: Record<string, unknown> }[];
    expect(results.length).toBe(3);
    expect(results[0]!.metadata.document_type).toBe('lab_results');
    const { io: io2, stdout: out2 } = captureIo();
    const context2 = await commandContext({ cwd: workspace.root, db: workspace.db, io: io2 });
    await searchDocuments('receta', { limit: '5', json: true, patient: '3000768077' }, context2);
    const filtered = JSON.parse(out2()).results as { metadata: Record<string, unknown> }[];
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((r) => r.metadata.expediente === '3000768077')).toBe(true);

    // A filename's type code filters as the type's name does.
    const { io: io3, stdout: out3 } = captureIo();
    const context3 = await commandContext({ cwd: workspace.root, db: workspace.db, io: io3 });
    await searchDocuments('hemoglobina', { limit: '5', json: true, type: 'LAB' }, context3);
    const labs = JSON.parse(out3()).results as { metadata: Record<string, unknown> }[];
    expect(labs.length).toBeGreaterThan(0);
    expect(labs.every((r) => r.metadata.document_type === 'lab_results')).toBe(true);

    // An expediente nobody has is said so, not "no matching chunks".
    const context4 = await commandContext({ cwd: workspace.root, db: workspace.db, io: captureIo().io });
    await expect(
      searchDocuments('receta', { limit: '5', patient: '9999999999' }, context4),
    ).rejects.toMatchObject({
      exitCode: ExitCode.Usage,
      message: 'no patient with expediente 9999999999 in the registry',
    });
    await expect(searchDocuments('receta', { limit: '5', patient: 'abc' }, context4)).rejects.toMatchObject({
      message: "--patient takes an expediente (8 to 12 digits), not 'abc'",
    });
    await expect(searchDocuments('de la el', { limit: '5' }, context4)).rejects.toMatchObject({
      message: expect.stringMatching(/^the query 'de la el' has no word to search for/),
    });
    await expect(searchDocuments('receta', { limit: '5', type: 'XYZ' }, context4)).rejects.toMatchObject({
      message: expect.stringMatching(
        /^--type must be one of consultation, .*or a filename's type code \(CONS, /,
      ),
    });
  });
});

describe('processing types', { tags: ['slow'] }, () => {
  it('complete stores the full text and no vectors; vectorized stores vectors and no text', async () => {
    await ingestJson(workspace, { type: 'complete' });
    const open = await openWorkspaceDb(workspace);
    try {
      const docs = await open.db.selectFrom('medicalDocuments').selectAll().execute();
      expect(docs.length).toBeGreaterThan(10);
      expect(
        docs.every((d) => d.processingType === 'complete' && (d.content ?? '').includes('Expediente')),
      ).toBe(true);
      expect(docs.every((d) => d.vectorized === 0)).toBe(true);
    } finally {
      await open.close();
    }
    expect(await countVectors()).toBe(0);

    const other = createWorkspace();
    try {
      await importSampleRegistry(other);
      const { report } = await ingestJson(other, { type: 'vectorized' });
      const open2 = await openWorkspaceDb(other);
      try {
        const docs = await open2.db.selectFrom('medicalDocuments').selectAll().execute();
        expect(docs.every((d) => d.content === null && d.vectorized === 1)).toBe(true);
        const store = createSqliteVecStore({ database: open2.sqlite! });
        expect(await store.count()).toBe(report.files.reduce((s, f) => s + (f.chunks ?? 0), 0));
      } finally {
        await open2.close();
      }
    } finally {
      other.cleanup();
    }
  });
});

describe('--force', { tags: ['slow'] }, () => {
  it('re-ingests and leaves no stale chunks when the new version has fewer', async () => {
    const small = await ingestJson(workspace, { chunkSize: '300', chunkOverlap: '50' });
    const vectorsSmall = await countVectors();
    const forced = await ingestJson(workspace, { force: true, chunkSize: '3000', chunkOverlap: '100' });
    const ingestedAgain = forced.report.files.filter((f) => f.outcome === 'ingested');
    expect(ingestedAgain.length).toBe(small.report.files.filter((f) => f.outcome === 'ingested').length);
    const vectorsLarge = await countVectors();
    expect(vectorsLarge).toBeLessThan(vectorsSmall);
    expect(vectorsLarge).toBe(ingestedAgain.reduce((s, f) => s + (f.chunks ?? 0), 0));
    expect(await countRows('medicalDocuments')).toBe(ingestedAgain.length);
  });
});

describe('--force with another processing type', { tags: ['slow'] }, () => {
  it('keeps the vectors and the text it was not asked to redo, and says so in each document row', async () => {
    const both = await ingestJson(workspace, { type: 'both' });
    const ingested = both.report.files.filter((f) => f.outcome === 'ingested').length;
    const vectors = await countVectors();
    expect(vectors).toBeGreaterThan(0);
    const documents = async () => {
      const open = await openWorkspaceDb(workspace);
      try {
        return await open.db.selectFrom('medicalDocuments').selectAll().execute();
      } finally {
        await open.close();
      }
    };

    // Full text only, again: the vectors stay in the store, so the rows must still say they are there
    // (documents move/detach and cleanup --purge go by them).
    await ingestJson(workspace, { force: true, type: 'complete' });
    expect(await countVectors()).toBe(vectors);
    let rows = await documents();
    expect(rows).toHaveLength(ingested);
    for (const row of rows)
      expect(row, row.filename).toMatchObject({
        vectorized: 1,
        processingType: 'both',
        content: expect.any(String),
      });
    expect(rows.reduce((n, row) => n + row.chunksCount, 0)).toBe(vectors);

    // Vectors only, again: the text stays.
    await ingestJson(workspace, { force: true, type: 'vectorized' });
    rows = await documents();
    for (const row of rows)
      expect(row, row.filename).toMatchObject({
        vectorized: 1,
        processingType: 'both',
        content: expect.any(String),
      });
    expect(await countVectors()).toBe(vectors);
  });
});

describe('validation and problem files', { tags: ['slow'] }, () => {
  it('gives encrypted, image-only, corrupt, truncated and duplicate files their own outcome', async () => {
    const problems = path.join(FIXTURES, 'problem-pdfs');
    const name = (n: string, type: string) => `3000768077_HUERTA SOTO, GABRIELA_${n}_${type}.pdf`;
    fs.copyFileSync(
      path.join(problems, 'encrypted.pdf'),
      path.join(workspace.dropDir, name('9000000001', 'LAB')),
    );
    fs.copyFileSync(
      path.join(problems, 'image-only.pdf'),
      path.join(workspace.dropDir, name('9000000002', 'RX')),
    );
    fs.copyFileSync(
      path.join(problems, 'corrupt-stream.pdf'),
      path.join(workspace.dropDir, name('9000000003', 'CONS')),
    );
    fs.copyFileSync(
      path.join(problems, 'truncated.pdf'),
      path.join(workspace.dropDir, name('9000000004', 'CONS')),
    );
    // Cut short an hour ago: corrupt. Cut short a moment ago it is a copy under way (e2e/still-being-written).
    const anHourAgo = new Date(Date.now() - 3_600_000);
    fs.utimesSync(path.join(workspace.dropDir, name('9000000004', 'CONS')), anHourAgo, anHourAgo);
    const original = fs
      .readdirSync(workspace.dropDir)
      .find((f) => f.startsWith('3000768077') && f.endsWith('_LAB.pdf'))!;
    fs.mkdirSync(path.join(workspace.dropDir, 'copia'));
    fs.copyFileSync(
      path.join(workspace.dropDir, original),
      path.join(workspace.dropDir, 'copia', name('9000000005', 'LAB')),
    );
    // Without OCR (test/ingest/ocr-ingest.test.ts runs the image-only file through it).
    const { report } = await ingestJson(workspace, { ocr: 'off' }, { extractor: 'configured' });
    const files = byFilename(report);
    expect(files.get(name('9000000001', 'LAB'))!.outcome).toBe('encrypted');
    expect(files.get(name('9000000002', 'RX'))!.outcome).toBe('image_only');
    expect(files.get(name('9000000003', 'CONS'))!.outcome).toBe('corrupt');
    expect(files.get(name('9000000004', 'CONS'))!.outcome).toBe('corrupt');
    const duplicate = files.get(name('9000000005', 'LAB'))!;
    expect(duplicate.outcome).toBe('duplicate_in_batch');
    expect(duplicate.error).toContain(original);
    for (const f of report.files) expect(f.processing_status).not.toBe('processing');
    expect(report.files.filter((f) => f.outcome === 'ingested').length).toBe(18);
  });

  it('fails the copies of content this run could not ingest as their first file failed, and ingests the others once', async () => {
    const copies = createWorkspace({ copySample: false });
    try {
      await importSampleRegistry(copies);
      const name = (n: string) => `3000003799_GARZA TIJERINA, MARIA ESTHER_${n}_LAB.pdf`;
      // Damaged an hour ago (written a moment ago, they would be copies under way, left for the next run).
      const anHourAgo = new Date(Date.now() - 3_600_000);
      for (const n of ['1111111111', '2222222222', '3333333333']) {
        fs.writeFileSync(path.join(copies.dropDir, name(n)), '%PDF-1.4 garbage');
        fs.utimesSync(path.join(copies.dropDir, name(n)), anHourAgo, anHourAgo);
      }
      // Good content twice: ingested once, its copy a duplicate as ever.
      const good = fs
        .readdirSync(workspace.dropDir)
        .find((f) => f.startsWith('3000768077') && f.endsWith('_LAB.pdf'))!;
      fs.copyFileSync(path.join(workspace.dropDir, good), path.join(copies.dropDir, good));
      fs.copyFileSync(
        path.join(workspace.dropDir, good),
        path.join(copies.dropDir, '3000768077_HUERTA SOTO, GABRIELA_9000000007_LAB.pdf'),
      );
      const { code, report } = await ingestJson(copies, { concurrency: '4' });
      expect(code).toBe(ExitCode.SomeFailed);
      const corrupt = report.files.filter((f) => f.filename.startsWith('3000003799_'));
      expect(corrupt.map((f) => [f.outcome, f.processing_status])).toEqual(
        Array(3).fill(['corrupt', 'failed']),
      );
      const first = corrupt.find((f) => !f.error!.startsWith('identical content'))!;
      for (const copy of corrupt.filter((f) => f !== first)) {
        expect(copy.error).toContain(
          `identical content to '${first.path}' in this batch, which failed (corrupt)`,
        );
        expect(copy.error).not.toContain('ingested once');
      }
      expect(report.failed_files).toBe(3);
      expect(report.duplicates).toBe(1);
      const goods = report.files.filter((f) => f.filename.startsWith('3000768077_'));
      expect(goods.map((f) => f.outcome).sort()).toEqual(['duplicate_in_batch', 'ingested']);

      // A re-run settles the copies as it settles their first file: remembered failures of their own bytes.
      const again = await ingestJson(copies);
      for (const f of again.report.files.filter((f) => f.filename.startsWith('3000003799_'))) {
        expect([f.outcome, f.processing_status]).toEqual(['corrupt', 'failed']);
      }
      expect(again.report.failed_files).toBe(3);
    } finally {
      copies.cleanup();
    }
  });

  it('does not follow a symlink that leads outside the folder', async () => {
    const outside = path.join(workspace.root, 'outside.pdf');
    fs.copyFileSync(path.join(FIXTURES, 'problem-pdfs', 'encrypted.pdf'), outside);
    fs.symlinkSync(
      outside,
      path.join(workspace.dropDir, '3000768077_HUERTA SOTO, GABRIELA_9000000009_LAB.pdf'),
    );
    const { report } = await ingestJson(workspace);
    expect(byFilename(report).get('3000768077_HUERTA SOTO, GABRIELA_9000000009_LAB.pdf')!.outcome).toBe(
      'outside_source',
    );
  });

  it('rejects files over --max-file-size, which take no place in the --max-files window', async () => {
    const { report } = await ingestJson(workspace, { maxFileSize: '4KB', maxFiles: '5' });
    const tooLarge = report.files.filter((f) => f.outcome === 'too_large');
    expect(tooLarge.length).toBeGreaterThan(0);
    // Files settled before they need work (bad names, failed checks) are not counted in the window.
    const worked = report.files.filter((f) => f.match !== null);
    expect(worked).toHaveLength(5);
    const open = await openWorkspaceDb(workspace);
    try {
      const deferred = await open.db
        .selectFrom('batchFiles')
        .selectAll()
        .where('outcome', '=', 'deferred')
        .execute();
      expect(deferred.length).toBeGreaterThan(0);
      expect(deferred.every((f) => f.processingStatus === 'pending')).toBe(true);
      // The report lists them too, as left for the next run with why: `files` holds every file of total_files.
      expect(report.files).toHaveLength(23);
      expect(report.total_files).toBe(23);
      const listed = report.files.filter((f) => f.outcome === 'deferred');
      expect(listed.map((f) => f.path).sort()).toEqual(deferred.map((f) => f.relativePath).sort());
      for (const f of listed)
        expect(f).toMatchObject({
          processing_status: 'pending',
          error: 'over the limit of 5 files that need work per session (--max-files); run again to ingest it',
        });
    } finally {
      await open.close();
    }
  });

  it('explains bad options without touching anything', async () => {
    await expect(ingestJson(workspace, { type: 'everything' })).rejects.toThrow(/--type must be one of/);
    await expect(ingestJson(workspace, { chunkSize: '500', chunkOverlap: '600' })).rejects.toThrow(
      /smaller than/,
    );
    await expect(ingestJson(workspace, { maxFileSize: 'big' })).rejects.toThrow(/not a size/);
    await expect(ingestJson({ ...workspace, dropDir: path.join(workspace.root, 'nope') })).rejects.toThrow(
      /does not exist/,
    );
  });
});

describe('--dry-run', { tags: ['slow'] }, () => {
  it('plans without writing, not even a database file', async () => {
    const fresh = createWorkspace();
    try {
      const { io, stdout } = captureIo();
      const { ingest } = await import('../../src/commands/ingest.js');
      const context = await commandContext({ cwd: fresh.root, db: fresh.db, io });
      const code = await ingest(fresh.dropDir, { dryRun: true, json: true }, context);
      // The sample's misnamed, empty and non-PDF files are planned as failing; the plan itself succeeded.
      expect(code).toBe(ExitCode.Success);
      const plan = JSON.parse(stdout());
      expect(plan.dry_run).toBe(true);
      expect(plan.counts.invalid).toBe(1);
      expect(plan.counts.failed).toBe(2);
      expect(plan.counts.new).toBeGreaterThan(0); // an empty registry: every valid name would be new
      expect(fs.existsSync(fresh.db)).toBe(false);
    } finally {
      fresh.cleanup();
    }
  });
});
