import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { runCli, type RunResult } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { chromaWanted, createScratchChromaDatabase } from '../support/chroma.js';
import { startFakeOpenAiServer } from '../support/fake-openai-server.js';
import { REGISTRY_CSV, SAMPLE_DIR, type JsonReport } from '../support/ingest-fixture.js';
import { startTlsPostgres, tlsPostgresAvailable, type TlsPostgres } from '../support/tls-postgres.js';
import { copyDelivered } from '../support/delivered-files.js';

/**
 * PostgreSQL over TLS, against a server of the test's own started with ssl=on and a certificate for
 * 127.0.0.1 signed by a CA made here: sslmode means what it means to psql (require encrypts without
 * checking, verify-full checks the certificate against sslrootcert and the host), every command connects
 * the same way, and doctor says what was negotiated (pg_stat_ssl) and whether it was verified.
 */
describe.runIf(tlsPostgresAvailable())('PostgreSQL over TLS', { tags: ['slow'] }, () => {
  let server: TlsPostgres;
  let cwd: string;

  beforeAll(async () => {
    server = await startTlsPostgres();
    cwd = createTempDir('tecsalud-pg-tls-');
  });
  afterAll(async () => {
    await server?.stop();
    if (cwd) fs.rmSync(cwd, { recursive: true, force: true });
  });

  const withParams = (params: Record<string, string>) => {
    const url = new URL(server.url);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return url.toString();
  };
  const cli = (args: string[], db: string): Promise<RunResult> =>
    runCli(args, { cwd, env: { TECSALUD_DB: db }, timeoutMs: 60_000 });

  function databaseLine(run: RunResult): string {
    return run.stdout.split('\n').find((line) => /^\w+\s+database\s/.test(line)) ?? '';
  }

  it('verify-full with sslrootcert: import, list and doctor all connect encrypted and verified', async () => {
    const db = withParams({ sslmode: 'verify-full', sslrootcert: server.caFile });
    const imported = await cli(['patients', 'import', REGISTRY_CSV], db);
    expect(imported.code, imported.stderr).toBe(0);
    const listed = await cli(['patients', 'list'], db);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/3000016374/);
    const sessions = await cli(['sessions'], db);
    expect(sessions.code, sessions.stderr).toBe(0);

    const doctor = await cli(['doctor'], db);
    expect(databaseLine(doctor)).toMatch(
      /^OK\s+database\s.*encrypted \(TLSv1\.[23].*\), server certificate and host name verified/,
    );
    expect(doctor.stdout).not.toContain('tecsalud:tecsalud@');
  });

  it.runIf(chromaWanted())(
    "verify-full: ingest (the pool and the run lock's own connection) runs over TLS",
    async () => {
      const db = withParams({ sslmode: 'verify-full', sslrootcert: server.caFile });
      const embeddings = await startFakeOpenAiServer({ dimension: 16, apiKey: 'sk-tls' });
      const chroma = await createScratchChromaDatabase();
      const drop = path.join(cwd, 'drop');
      copyDelivered(SAMPLE_DIR, drop);
      try {
        const run = await runCli(
          [
            'ingest',
            drop,
            '--json',
            '--non-interactive',
            '--vector-store',
            'chroma',
            '--embedder',
            'openai',
            '--embedding-dimensions',
            '16',
          ],
          {
            cwd,
            env: {
              TECSALUD_DB: db,
              CHROMA_URL: chroma.url,
              CHROMA_DATABASE: chroma.database,
              OPENAI_API_KEY: 'sk-tls',
              OPENAI_BASE_URL: `${embeddings.url}/v1`,
            },
            timeoutMs: 110_000,
          },
        );
        expect(run.code, run.stderr).not.toBe(ExitCode.ServiceUnavailable);
        const report = JSON.parse(run.stdout) as JsonReport;
        expect(report.files.filter((f) => f.outcome === 'ingested')).toHaveLength(18);
      } finally {
        fs.rmSync(drop, { recursive: true, force: true });
        await chroma.drop();
        await embeddings.close();
      }
    },
  );

  it('require: encrypted though the certificate is not checked (as psql does), and doctor says it is not verified', async () => {
    const doctor = await cli(['doctor'], withParams({ sslmode: 'require' }));
    expect(databaseLine(doctor)).toMatch(
      /encrypted \(TLSv1\.[23].*\), server certificate NOT verified \(sslmode=require\)/,
    );
  });

  it('prefer: doctor names the sslmode the URL gives, in English and in Spanish, not require', async () => {
    const db = withParams({ sslmode: 'prefer' });
    expect(databaseLine(await cli(['doctor'], db))).toMatch(
      /server certificate NOT verified \(sslmode=prefer\)/,
    );
    expect((await cli(['doctor', '--lang', 'es'], db)).stdout).toMatch(
      /cifrada \(TLSv1\.[23].*\), certificado del servidor SIN verificar \(sslmode=prefer\)/,
    );
  });

  it('no sslmode: doctor says the connection is not encrypted', async () => {
    const doctor = await cli(['doctor'], server.url);
    expect(databaseLine(doctor)).toMatch(/not encrypted/);
  });

  it('verify-full against a CA that did not sign the server: refused as unreachable (69) with a hint, no stack trace', async () => {
    const run = await cli(
      ['patients', 'list'],
      withParams({ sslmode: 'verify-full', sslrootcert: server.otherCaFile }),
    );
    expect(run.code, run.stderr).toBe(ExitCode.ServiceUnavailable);
    expect(run.stderr).toMatch(/^error: cannot reach the PostgreSQL database .*certificate/m);
    expect(run.stderr).toMatch(/^hint: .*sslrootcert/m);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stderr).not.toContain('tecsalud:tecsalud@');
  });

  it('doctor, against a CA that did not sign the server: the database line says what failed and how to fix it (69)', async () => {
    const doctor = await cli(
      ['doctor'],
      withParams({ sslmode: 'verify-full', sslrootcert: server.otherCaFile }),
    );
    expect(doctor.code, doctor.stderr).toBe(ExitCode.ServiceUnavailable);
    expect(databaseLine(doctor)).toMatch(
      /^FAIL\s+database\s+cannot reach the PostgreSQL database .*certificate.*sslrootcert/,
    );
    expect(doctor.stdout).not.toContain('tecsalud:tecsalud@');
  });

  it('an sslrootcert that cannot be read is the configuration to fix (64), named in the message', async () => {
    const missing = path.join(cwd, 'no-such-ca.pem');
    const run = await cli(['patients', 'list'], withParams({ sslmode: 'verify-full', sslrootcert: missing }));
    expect(run.code, run.stderr).toBe(ExitCode.Usage);
    expect(run.stderr).toContain(missing);
    expect(run.stderr).toMatch(/^hint: .*sslrootcert/m);
  });
});
