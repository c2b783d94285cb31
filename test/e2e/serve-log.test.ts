// serve's --log-file names no patient unless --no-redact, as ingest's and the workers' logs: the built CLI, real
// uploads whose filenames name a patient, and the lines read back from the file.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { startPipeReader, type PipeReader } from '../support/pipe-reader.js';
import { readJsonLines } from '../support/json-lines.js';
import { REGISTRY_CSV } from '../support/ingest-fixture.js';
import { makeHeaderPdf } from '../support/scans.js';
import { closedPort } from '../support/tcp-faults.js';
import { apiClient, createToken, startServe } from './support/serve-cli.js';

const PATIENT = /GARZA|TIJERINA|MAR[IÍ]A|ESTHER/i;
const named = (numero: string, type = 'CONS') =>
  `3000003799_GARZA TIJERINA, MARIA ESTHER_${numero}_${type}.pdf`;

let root: string;
let db: string;
let token: string;
/** A consultation note of the patient the filenames name; each server gets its own (the registry is shared). */
const consultation = (plan: string) =>
  makeHeaderPdf([
    'TECSALUD  NOTA DE CONSULTA',
    'Paciente: MARIA ESTHER GARZA TIJERINA  Expediente: 3000003799',
    'Fecha: 12/03/2024  Folio: 6001467010  Tipo: CONS',
    `Diagnóstico: control prenatal sin complicaciones. Plan: ${plan}.`,
  ]);

beforeAll(async () => {
  root = createTempDir('tecsalud-serve-log-');
  db = path.join(root, 'registry.db');
  const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: root });
  expect(imported.code, imported.stderr).toBe(0);
  token = await createToken(db, root);
}, 120_000);

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/**
 * One server's life with `flags`: a session of a document, a file that is a PDF only by its header, and a second
 * session with the same document under another name (a duplicate whose message quotes the first name); a client
 * that puts a filename in a URL; then the server stops and its log is read back.
 */
async function serveAndLog(log: string, flags: string[] = []) {
  const document = await consultation(`cita en cuatro semanas (${log})`);
  const server = await startServe(['--db', db, '--upload-dir', 'uploads', '--log-file', log, ...flags], {
    cwd: root,
  });
  try {
    const api = apiClient(server.base, token);
    const first = await api.createSession();
    const broken = Buffer.from(`%PDF-1.4\n${named('0')} is not really a PDF\n`);
    expect(
      (
        await api.upload(first, [
          { name: named('6001467010'), bytes: document },
          { name: named('6001467011', 'LAB'), bytes: broken },
        ])
      ).status,
    ).toBe(200);
    // Refusals, each logged with what the client was told: a name the session holds (409), no token (401).
    expect((await api.upload(first, [{ name: named('6001467010'), bytes: document }])).status).toBe(409);
    expect((await fetch(`${server.base}/processing-types`)).status).toBe(401);
    // …and one Node's parser refuses before any route sees it (431: headers over 16 KB).
    expect(
      (await fetch(`${server.base}/processing-types`, { headers: { 'x-padding': 'a'.repeat(20_000) } }))
        .status,
    ).toBe(431);
    expect((await api.process(first)).status).toBe(200);
    const second = await api.createSession();
    expect((await api.upload(second, [{ name: named('6001467012'), bytes: document }])).status).toBe(200);
    expect((await api.process(second)).status).toBe(200);
    expect((await api.get(`/${encodeURIComponent(named('6001467010'))}/status`)).status).toBe(400);
    expect((await api.get(`/${first}/files/${encodeURIComponent(named('6001467010'))}`)).status).toBe(404);
    // A refusal that quotes back what the client sent, in plain words that name no one.
    const badType = await fetch(`${server.base}/create-session`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ processing_type: 'texto solo', uploaded_by: 'e2e' }),
    });
    expect(badType.status).toBe(400);
    const outcomes = [...(await api.status(first)).files, ...(await api.status(second)).files]
      .map((file) => file.outcome)
      .sort();
    expect(outcomes).toEqual(['corrupt', 'duplicate', 'ingested']);
  } finally {
    expect(await server.stop()).toBe(0);
  }
  return readJsonLines(path.join(root, log));
}

/** Through the API as a client does: one session with one consultation note, processed and ingested. */
async function ingestsOneConsultation(base: string, plan: string, numero: string): Promise<void> {
  const api = apiClient(base, token);
  const session = await api.createSession();
  const document = await consultation(plan);
  expect((await api.upload(session, [{ name: named(numero), bytes: document }])).status).toBe(200);
  expect((await api.process(session)).status).toBe(200);
  expect((await api.status(session)).files.map((file) => file.outcome)).toEqual(['ingested']);
}

describe("serve's log", { tags: ['slow'] }, () => {
  it('keeps patient names out by default: requests, file outcomes, failures and duplicates quoting filenames', async () => {
    const logged = await serveAndLog('logs/serve.log');
    const text = JSON.stringify(logged);
    expect(text).not.toMatch(PATIENT);
    // The lines are there, identifying files without names: by session, file id, expediente and content hash.
    const files = logged.filter((line) => line.event === 'file_finished');
    expect(files.map((line) => line.outcome).sort()).toEqual(['corrupt', 'duplicate', 'ingested']);
    for (const line of files) {
      expect(line).toMatchObject({
        session_id: expect.any(String),
        file_id: expect.any(String),
        expediente: '3000003799',
      });
      expect(line).not.toHaveProperty('path');
    }
    // Only the name part goes: the document number and type name no one, and IT tells files apart by them.
    expect(files.find((line) => line.outcome === 'duplicate')!.message).toMatch(
      /as '3000003799_\[redacted\]_6001467010_CONS\.pdf'/,
    );
    expect(logged.filter((line) => line.event === 'session_finished')).toHaveLength(2);
    // Fastify's request lines keep their URLs, with the name a client put in one taken out.
    const urls = logged.map((line) => (line.req as { url?: string } | undefined)?.url).filter(Boolean);
    expect(urls).toContainEqual(expect.stringMatching(/\/upload$/));
    expect(urls).toContainEqual(
      expect.stringMatching(/3000003799_\[redacted\]_6001467010_CONS\.pdf\/status$/),
    );

    // Every 4xx, and nothing else, has a line saying the status, the route and what the client was told.
    const refused = logged.filter((line) => line.msg === 'request refused');
    const API = '/api/v1/documents/batch';
    expect(refused.map((line) => [line.statusCode, line.method, line.route])).toEqual([
      [409, 'POST', `${API}/:session_id/upload`],
      [401, 'GET', `${API}/processing-types`],
      [431, undefined, undefined],
      [400, 'GET', `${API}/:session_id/status`],
      [404, 'GET', null],
      [400, 'POST', `${API}/create-session`],
    ]);
    const [duplicate, noToken, tooLong, notAnId, noRoute, badType] = refused;
    expect(tooLong).toMatchObject({
      code: 'HPE_HEADER_OVERFLOW',
      client: '127.0.0.1',
      message: expect.stringMatching(/over 16 KB/),
    });
    expect(duplicate).toMatchObject({
      token: 'e2e',
      client: '127.0.0.1',
      error: 'Conflict',
      message:
        "no file was taken: the session already holds a file named '3000003799_[redacted]_6001467010_CONS.pdf': the one uploaded first stands; " +
        'a different document needs a name of its own (its numero tells it apart)',
    });
    expect(noToken).toMatchObject({
      error: 'Unauthorized',
      message: 'this call needs a token: send it as `Authorization: Bearer <token>`',
    });
    expect(noToken).not.toHaveProperty('token');
    expect(notAnId).toMatchObject({ error: 'Bad Request', message: expect.stringMatching(/session_id/) });
    expect(noRoute).toMatchObject({ error: 'Not Found', url: expect.stringMatching(/\/files\//) });
    // Quoted plain words are not a name: only the registry's form (`APELLIDOS, NOMBRES`) or the file's name goes.
    expect(badType).toMatchObject({
      message: "processing_type in the JSON body must be one of vectorized, complete, both, not 'texto solo'",
    });
  }, 120_000);

  it('names files with --no-redact, for a log only its readers may see', async () => {
    const logged = await serveAndLog('logs/named.log', ['--no-redact']);
    const files = logged.filter((line) => line.event === 'file_finished');
    expect(files.map((line) => line.path)).toContain(named('6001467010'));
    expect(JSON.stringify(logged)).toMatch(PATIENT);
    const duplicate = logged.find((line) => line.msg === 'request refused' && line.statusCode === 409);
    expect(duplicate?.message).toContain(named('6001467010'));
  }, 120_000);
});

// As `ingest` and `worker`: JSON lines only where --log-file says, never mixed with the lines people read.
describe("serve's stderr", { tags: ['slow'] }, () => {
  it('without --log-file holds lines for people only: its notes and the log’s warnings, no JSON', async () => {
    const chroma = `http://127.0.0.1:${await closedPort()}`;
    const fresh = path.join(root, 'no-tokens.db');
    const server = await startServe(
      ['--db', fresh, '--upload-dir', 'uploads-human', '--vector-store', 'chroma', '--chroma-url', chroma],
      { cwd: root },
    );
    try {
      // Public, and a warning in the log: Chroma is down.
      expect((await fetch(`${server.base}/health`)).status).toBe(503);
      expect((await fetch(`${server.base}/processing-types`)).status).toBe(401);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    const lines = server.stderr().trimEnd().split('\n');
    expect(lines.filter((line) => line.startsWith('{'))).toEqual([]);
    expect(lines).toContain('warning: there are no usable tokens: every call will be refused (401)');
    expect(lines).toContainEqual(
      expect.stringMatching(/^warning: health check found problems: chroma: cannot reach the Chroma server/),
    );
    // Redaction takes names out, not whatever is quoted: the collection is named.
    expect(server.stderr()).toContain(
      `cannot reach the Chroma server at ${chroma} to read collection "medical_documents"`,
    );
    expect(server.stderr()).not.toMatch(/\n\s+at /);
    expect(server.stdout()).toMatch(/^Stopping/m);
  }, 120_000);

  it('in Spanish, says each line in Spanish throughout: the label, the log’s message, the error and the hint', async () => {
    const chroma = `http://127.0.0.1:${await closedPort()}`;
    const server = await startServe(
      [
        ...['--db', path.join(root, 'no-tokens-es.db'), '--upload-dir', 'uploads-es', '--lang', 'es'],
        ...['--vector-store', 'chroma', '--chroma-url', chroma],
      ],
      { cwd: root },
    );
    try {
      expect((await fetch(`${server.base}/health`)).status).toBe(503);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    const lines = server.stderr().trimEnd().split('\n');
    expect(lines).toContain('aviso: no hay tokens utilizables: se rechazará toda llamada (401)');
    expect(lines).toContain(
      `aviso: la comprobación de estado encontró problemas: chroma: no se puede conectar con el servidor Chroma en ${chroma} ` +
        'para leer la colección "medical_documents": conexión rechazada',
    );
    // No English left after a Spanish label.
    expect(server.stderr()).not.toMatch(/health check|cannot reach|connection refused|there are no/);
  }, 120_000);

  it('names each failed file and why, as ingest does, with no patient name (in English and in Spanish)', async () => {
    const broken = Buffer.from(`%PDF-1.4\n${named('0')} is not really a PDF\n`);
    const offPattern = 'GARZA TIJERINA MARIA ESTHER consulta.pdf';
    const stderrOf = async (lang: string) => {
      const server = await startServe(
        ['--db', db, '--upload-dir', `uploads-failed-${lang}`, '--lang', lang],
        { cwd: root },
      );
      try {
        const api = apiClient(server.base, token);
        const session = await api.createSession();
        const uploads = [
          { name: named('6001467040', 'LAB'), bytes: broken },
          { name: offPattern, bytes: await consultation(`nombre sin formato (${lang})`) },
        ];
        expect((await api.upload(session, uploads)).status).toBe(200);
        expect((await api.process(session)).status).toBe(200);
        const files = (await api.status(session)).files as { file_id: string; outcome: string }[];
        expect(files.map((file) => file.outcome).sort()).toEqual(['corrupt', 'invalid_name']);
        return { stderr: server.stderr(), files };
      } finally {
        expect(await server.stop()).toBe(0);
      }
    };
    const english = await stderrOf('en');
    const failed = english.stderr.split('\n').filter((line) => line.startsWith('warning: file failed'));
    const idOf = (outcome: string) => english.files.find((file) => file.outcome === outcome)!.file_id;
    expect(failed.sort()).toEqual([
      expect.stringMatching(
        new RegExp(
          String.raw`^warning: file failed: 3000003799_\[redacted\]_6001467040_LAB\.pdf \(file ${idOf('corrupt')}\): corrupt PDF — the PDF is damaged`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          String.raw`^warning: file failed: \[redacted\]\.pdf \(file ${idOf('invalid_name')}\): filename does not follow the TecSalud pattern — `,
        ),
      ),
    ]);
    expect(english.stderr).not.toMatch(PATIENT);

    const spanish = await stderrOf('es');
    expect(spanish.stderr).toMatch(
      /^aviso: el archivo falló: 3000003799_\[redacted\]_6001467040_LAB\.pdf \(archivo [0-9a-f-]{36}\): PDF dañado — el PDF está dañado/m,
    );
    expect(spanish.stderr).not.toMatch(PATIENT);
  }, 120_000);

  it("with --log-file - holds JSON lines only: the server's notes become lines of the log", async () => {
    const fresh = path.join(root, 'no-tokens-json.db');
    const server = await startServe(['--db', fresh, '--upload-dir', 'uploads-json', '--log-file', '-'], {
      cwd: root,
    });
    try {
      expect((await fetch(`${server.base}/processing-types`)).status).toBe(401);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    const logged = server
      .stderr()
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toContainEqual(
      expect.objectContaining({ level: 40, event: 'no_tokens', msg: expect.stringMatching(/tokens create/) }),
    );
    expect(logged).toContainEqual(expect.objectContaining({ msg: 'request refused', statusCode: 401 }));
    // stdout keeps the lines for people: the ready line a supervisor waits for, and the stop.
    expect(server.stdout()).toMatch(/listening on http[^]*\nStopping/);
  }, 120_000);
});

describe('a log on a full disk (/dev/full: every write fails with ENOSPC)', { tags: ['slow'] }, () => {
  it('serve: answers and processes as before, says once that its log is lost, and stops promptly', async () => {
    const server = await startServe(['--db', db, '--upload-dir', 'uploads-full', '--log-file', '/dev/full'], {
      cwd: root,
    });
    let code: number | null = null;
    try {
      await ingestsOneConsultation(server.base, 'control en seis semanas (disco lleno)', '6001467020');
    } finally {
      code = await server.stop();
    }
    expect(code).toBe(0);
    const warnings = server
      .stderr()
      .match(/^warning: cannot write the log '\/dev\/full' \(the disk is full\): going on without it/gm);
    expect(warnings).toHaveLength(1);
    expect(server.stderr()).not.toMatch(/ENOSPC|\n\s+at /);
  });

  it('into a named pipe whose reader stopped: a SIGHUP wedges neither it nor its stop; a new reader gets the lines', async () => {
    const pipe = path.join(root, 'serve-log.pipe');
    execFileSync('mkfifo', [pipe]);
    const first = await startPipeReader(pipe);
    let second: PipeReader | null = null;
    const server = await startServe(['--db', db, '--upload-dir', 'uploads-pipe', '--log-file', pipe], {
      cwd: root,
    });
    first.letGo(); // serve holds its own write end once it listens
    try {
      // The log shipper stops (restarted, crashed); logrotate's SIGHUP comes before a new one reads.
      first.reader.kill();
      await first.done;
      server.child.kill('SIGHUP');
      await sleep(300);
      await ingestsOneConsultation(server.base, 'control en ocho semanas (tubería)', '6001467030');
      // A new reader, then the next SIGHUP: the log goes on into the pipe.
      second = await startPipeReader(pipe);
      server.child.kill('SIGHUP');
      await vi.waitFor(() => expect(second!.lines()).toContain('"event":"log_reopened"'), {
        timeout: 10_000,
        interval: 50,
      });
      // That one stops too, a SIGHUP comes, and then the service is stopped: it stops at once all the same.
      second.reader.kill();
      await second.done;
      server.child.kill('SIGHUP');
      await sleep(300);
    } finally {
      const stopped = await Promise.race([
        server.stop(),
        sleep(15_000).then(() => 'still running after 15 s'),
      ]);
      if (stopped !== 0) server.child.kill('SIGKILL');
      first.reader.kill();
      second?.letGo();
      second?.reader.kill();
      expect(stopped, server.stderr()).toBe(0);
    }
    expect(server.stderr()).not.toMatch(/\n\s+at /);
  });

  it('ingest: finishes the run (it hung at its last flush), reports every file, warns once', async () => {
    const drop = path.join(root, 'drop-full');
    fs.mkdirSync(drop);
    fs.writeFileSync(
      path.join(drop, named('6001467030')),
      await consultation('revisión anual (disco lleno)'),
    );
    const run = await runCli(
      ['ingest', drop, '--db', db, '--log-file', '/dev/full', '--non-interactive', '--json'],
      {
        cwd: root,
        timeoutMs: 60_000,
      },
    );
    expect(run.signal).toBeNull();
    expect(run.code, run.stderr).toBe(0);
    expect(
      (JSON.parse(run.stdout) as { files: { outcome: string }[] }).files.map((file) => file.outcome),
    ).toEqual(['ingested']);
    expect(
      run.stderr.match(/^warning: cannot write the log '\/dev\/full' \(the disk is full\)/gm),
    ).toHaveLength(1);

    // In the operator's language, as the run's other lines (the log itself stays English).
    fs.writeFileSync(
      path.join(drop, named('6001467031')),
      await consultation('revisión anual (disco lleno, otra)'),
    );
    const spanish = await runCli(
      ['ingest', drop, '--db', db, '--log-file', '/dev/full', '--non-interactive', '--lang', 'es'],
      {
        cwd: root,
        timeoutMs: 60_000,
      },
    );
    expect(spanish.code, spanish.stderr).toBe(0);
    expect(
      spanish.stderr.match(
        /^aviso: no se puede escribir la bitácora '\/dev\/full' \(el disco está lleno\): se sigue sin ella/gm,
      ),
    ).toHaveLength(1);
  });
});
