import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTextPdf } from '../../fixtures/generator/pdf.js';
import { ExitCode } from '../../src/errors.js';
import { chromaWanted, createScratchChromaDatabase } from '../support/chroma.js';
import { runCli } from '../support/cli-binary.js';
import {
  createTempDir,
  createTestDatabase,
  DATABASE_KINDS,
  type TestDatabase,
} from '../support/databases.js';
import { REGISTRY_CSV, type JsonReport } from '../support/ingest-fixture.js';

// Two registry patients, and one lab report saved under each one's name. Its text names nobody, so the
// content check cannot tell whose it is: only the two file names claim it.
const AS_HUERTA = '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf';
const AS_BONILLA = '3000147773_BONILLA SEPÚLVEDA, ADRIANA_6380098785_LAB.pdf';
const AS_HUERTA_AGAIN = '3000768077_HUERTA SOTO, GABRIELA_9999999999_LAB.pdf';
const EXPEDIENTES = ['3000768077', '3000147773'];
const LAB_TEXT =
  'RESULTADOS DE LABORATORIO\n\nBiometría hemática completa.\n' +
  'Hemoglobina 13.8 g/dL, hematocrito 41 %, leucocitos 7,200 por microlitro.\n' +
  'Plaquetas 250,000 por microlitro. Sin alteraciones en la fórmula diferencial.\n' +
  'Química sanguínea: glucosa 92 mg/dL, creatinina 0.8 mg/dL, urea 28 mg/dL.';

describe.each(DATABASE_KINDS)(
  'one content named for two patients in one batch (%s)',
  { tags: ['slow'] },
  (kind) => {
    let cwd: string;
    let database: TestDatabase;
    let env: NodeJS.ProcessEnv = {};
    let dropVectors: () => Promise<void> = async () => undefined;
    let lab: Buffer;

    beforeEach(async () => {
      cwd = createTempDir('tecsalud-two-patients-');
      fs.mkdirSync(path.join(cwd, 'drop'));
      lab = await makeTextPdf([LAB_TEXT], { title: 'LAB', date: '2026-11-02' });
      database = await createTestDatabase(kind);
      env = { TECSALUD_DB: database.url };
      // PostgreSQL keeps no embedded vectors: its vectors go to Chroma, where `search` must not find them either.
      if (kind === 'postgres' && chromaWanted()) {
        const vectors = await createScratchChromaDatabase();
        env = {
          ...env,
          TECSALUD_VECTOR_STORE: 'chroma',
          CHROMA_URL: vectors.url,
          CHROMA_DATABASE: vectors.database,
        };
        dropVectors = vectors.drop;
      }
      expect((await runCli(['patients', 'import', REGISTRY_CSV], { cwd, env })).code).toBe(0);
    });
    afterEach(async () => {
      await database.cleanup();
      await dropVectors().catch(() => undefined);
      fs.rmSync(cwd, { recursive: true, force: true });
    });

    const drop = (...names: string[]) =>
      names.forEach((name) => fs.writeFileSync(path.join(cwd, 'drop', name), lab));
    const ingest = async (concurrency: string) => {
      const args = ['ingest', 'drop', '--json', '--non-interactive', '--concurrency', concurrency];
      if (kind === 'postgres' && !chromaWanted()) args.push('--type', 'complete');
      const run = await runCli(args, { cwd, env });
      return { code: run.code, stderr: run.stderr, report: JSON.parse(run.stdout) as JsonReport };
    };
    /** What `search --patient` finds of the lab report, for each of the two patients. */
    const searchable = async () => {
      if (kind === 'postgres' && !chromaWanted()) return [];
      const found: string[] = [];
      for (const expediente of EXPEDIENTES) {
        const search = await runCli(
          ['search', 'hemoglobina hematocrito', '--patient', expediente, '--json'],
          { cwd, env },
        );
        expect(search.code, search.stderr).toBe(0);
        if ((JSON.parse(search.stdout) as { results: unknown[] }).results.length > 0) found.push(expediente);
      }
      return found;
    };

    it.each(['1', '4'])(
      'attaches it to neither: the one the run took up first goes back to review, the other fails naming it (--concurrency %s)',
      async (concurrency) => {
        drop(AS_HUERTA, AS_BONILLA);
        const { code, report, stderr } = await ingest(concurrency);
        expect(code, stderr).toBe(ExitCode.SomeFailed);
        const held = report.files.find((file) => file.outcome === 'review_required')!;
        const failed = report.files.find((file) => file.outcome === 'duplicate_other_patient')!;
        expect(held, JSON.stringify(report.files)).toBeDefined();
        expect(failed, JSON.stringify(report.files)).toBeDefined();
        const other = (name: string) => (name === AS_HUERTA ? AS_BONILLA : AS_HUERTA);
        const expedienteOf = (name: string) => name.slice(0, 10);
        // Which file was attached first depends only on order: the report says both are held, and why.
        expect(held.document_id).toBeNull();
        expect(held.processing_status).toBe('pending');
        expect(held.error).toContain(`taken back to review: '${other(held.filename)}'`);
        expect(held.error).toContain(
          `names expediente ${expedienteOf(other(held.filename))}, while this file names ${expedienteOf(held.filename)}`,
        );
        expect(failed.processing_status).toBe('failed');
        expect(failed.error).toContain(`identical content to '${held.filename}' in this session`);
        expect(failed.error).toContain('taken back to review');
        expect(report).toMatchObject({ review_required: 1, failed_files: 1, duplicates: 0, chunks: 0 });

        // Nothing stays attached, nor searchable under either patient.
        for (const expediente of EXPEDIENTES) {
          const shown = await runCli(['patients', 'show', expediente, '--json'], { cwd, env });
          expect(shown.code, shown.stderr).toBe(0);
          expect(JSON.parse(shown.stdout).documents ?? []).toEqual([]);
        }
        expect(await searchable()).toEqual([]);

        // `status --files` shows both outcomes with their reasons.
        const status = await runCli(['status', report.session_id.slice(0, 8), '--files'], { cwd, env });
        expect(status.code, status.stderr).toBe(0);
        expect(status.stdout).toMatch(/review_required\s+\S.*\n\s+↳ taken back to review: /);
        expect(status.stdout).toMatch(
          /duplicate_other_patient\s+\S.*\n\s+↳ identical content to '.+' in this session/,
        );
      },
    );

    it('with the same patient named twice besides, holds all three and attaches nothing (--concurrency 4)', async () => {
      drop(AS_HUERTA, AS_BONILLA, AS_HUERTA_AGAIN);
      const { report, stderr } = await ingest('4');
      const outcomes = report.files.map((file) => file.outcome);
      expect(
        outcomes.filter((outcome) => outcome === 'review_required'),
        stderr,
      ).toHaveLength(1);
      expect(outcomes).toContain('duplicate_other_patient');
      expect(outcomes).not.toContain('ingested');
      expect(report).toMatchObject({ chunks: 0 });
      expect(await searchable()).toEqual([]);
    });

    it('keeps a document an earlier session attached: the copy fails naming it, as before', async () => {
      drop(AS_HUERTA);
      expect((await ingest('1')).report.files[0]!.outcome).toBe('ingested');
      fs.rmSync(path.join(cwd, 'drop', AS_HUERTA));
      drop(AS_BONILLA);
      const { code, report } = await ingest('1');
      expect(code).toBe(ExitCode.SomeFailed);
      expect(report.files[0]).toMatchObject({ outcome: 'duplicate_other_patient' });
      expect(report.files[0]!.error).toContain(`as '${AS_HUERTA}' for expediente 3000768077`);
      if (kind === 'sqlite' || chromaWanted()) expect(await searchable()).toEqual(['3000768077']);
    });

    it('the same patient named twice stays a plain duplicate', async () => {
      drop(AS_HUERTA, AS_HUERTA_AGAIN);
      const { code, report } = await ingest('4');
      expect(code).toBe(ExitCode.Success);
      expect(report.files.map((file) => file.outcome).sort()).toEqual(['duplicate_in_batch', 'ingested']);
    });
  },
);
