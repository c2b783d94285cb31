// A worker or a server whose PostgreSQL goes away stays up and says so to its operator: which backend, what to check
// and (a worker) that it takes its jobs again by itself — in Spanish throughout under --lang es, the driver's own
// words explained and kept, never "run the same command again". The built CLI against the test's own database
// behind a TCP proxy of its own, which first drops every connection and then closes (a closed port: refused).
import fs from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { finishedRun, spawnCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { createScratchPostgresDatabase, postgresWanted } from '../support/postgres.js';
import { startProxyFor } from '../support/tcp-faults.js';
import { startServe } from './support/serve-cli.js';

let root: string;
let database: { url: string; drop(): Promise<void> };

/** Resolves once the child's stderr has matched `pattern` (all of it so far), or fails after `ms`. */
function stderrMatches(child: ChildProcess, read: () => string, pattern: RegExp, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${ms} ms:\n${read()}`)), ms);
    const look = () => {
      if (!pattern.test(read())) return;
      clearTimeout(timer);
      child.stderr!.off('data', look);
      resolve();
    };
    child.stderr!.on('data', look);
    look();
  });
}

/**
 * A worker (`lang`) with nothing to do, whose database drops every connection, then stops listening; its stderr once
 * it has said both outages, and its exit code after SIGTERM.
 */
async function workerThroughOutage(lang: 'en' | 'es') {
  const { proxy, viaProxy } = await startProxyFor(database.url);
  // A short --job-timeout: the queue's maintenance runs every 2 s, and its failures are said too.
  const child = spawnCli(['worker', '--lang', lang, '--job-timeout', '8', '--concurrency', '1'], {
    cwd: root,
    env: { TECSALUD_DB: viaProxy.toString() },
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const run = finishedRun(child);
  const read = () => stderr;
  try {
    await stderrMatches(child, read, lang === 'es' ? /iniciado/ : /started/, 30_000);
    proxy.refuse(true);
    proxy.cut();
    await stderrMatches(child, read, /PostgreSQL[^\n]*: (Connection terminated|read ECONNRESET)/, 30_000);
    await proxy.close();
    await stderrMatches(child, read, /ECONNREFUSED[^\n]*\): /, 60_000);
    // Its maintenance fails every 2 s all along: said once (then at most every 10 minutes), not at each attempt.
    await stderrMatches(
      child,
      read,
      /^(aviso: falló el mantenimiento|warning: job queue maintenance failed)/m,
      30_000,
    );
  } finally {
    child.kill('SIGTERM');
    await proxy.close().catch(() => undefined);
  }
  const { code } = await run;
  expect(
    stderr.match(/^(aviso: falló el mantenimiento|warning: job queue maintenance failed)/gm),
    stderr,
  ).toHaveLength(1);
  return { code, stderr };
}

describe.runIf(postgresWanted())('a database that goes away', { tags: ['slow'] }, () => {
  beforeAll(async () => {
    root = createTempDir('tecsalud-worker-down-');
    database = await createScratchPostgresDatabase();
  }, 60_000);

  afterAll(async () => {
    await database.drop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('in Spanish: says which backend, what to check and that it goes on by itself, with no English but the library’s words', async () => {
    const { code, stderr } = await workerThroughOutage('es');
    expect(code, stderr).toBe(ExitCode.Interrupted);
    expect(stderr).toMatch(
      /^un servicio no responde \(se perdió la conexión con la base de datos PostgreSQL postgres:\/\/tecsalud:\*\*\*@127\.0\.0\.1:\d+\/\w+: (Connection terminated unexpectedly|read ECONNRESET)\): las tareas vuelven a la cola; pausa de \d+ s$/m,
    );
    expect(stderr).toMatch(
      /^un servicio no responde \(no se puede conectar con la base de datos PostgreSQL \S+: connect ECONNREFUSED 127\.0\.0\.1:\d+\)/m,
    );
    expect(stderr).toMatch(
      /^sugerencia: revise el servidor \(un reinicio, un apagado, un administrador que cerró sesiones, idle_session_timeout\); el proceso de trabajo sigue en marcha: retoma sus tareas por sí solo cuando el servicio vuelva, sin reiniciarlo; /m,
    );
    expect(stderr).toMatch(
      /^sugerencia: compruebe que el servidor esté en marcha y que la URL, el usuario y la contraseña sean correctos; el proceso de trabajo sigue en marcha/m,
    );
    // The queue's maintenance failing: pg's bare words explained, then kept.
    expect(stderr).toMatch(
      /^aviso: falló el mantenimiento de la cola de tareas \(se avisa una vez cada 10 minutos mientras dure; el proceso de trabajo lo reintenta solo\): (la base de datos PostgreSQL cortó la conexión|el servidor cortó la conexión a medias|el servicio en 127\.0\.0\.1:\d+ rechazó la conexión); compruebe [^\n]+ \(texto original: [^\n]+\)$/m,
    );
    // English only inside the library's own words and the URL, never the CLI's advice.
    const spanishOnly = stderr
      .replace(/\(texto original: [^\n]*?\)(?=\)|$)/gm, '')
      .replace(
        /PostgreSQL \S+: (Connection terminated unexpectedly|read ECONNRESET|connect ECONNREFUSED \S+)\)/g,
        '',
      );
    expect(spanishOnly).not.toMatch(/\b(the|check|again|lost|cannot|worker|backend|warning|hint)\b/i);
    expect(stderr).not.toMatch(/mismo comando/);
  }, 180_000);

  it('in English: the hint says what to check and that it goes on by itself, not "run the same command again"', async () => {
    const { code, stderr } = await workerThroughOutage('en');
    expect(code, stderr).toBe(ExitCode.Interrupted);
    expect(stderr).toMatch(
      /^a backend is down \(lost the connection to the PostgreSQL database \S+: (Connection terminated unexpectedly|read ECONNRESET)\): jobs go back to the queue; pausing \d+ s\nhint: check the server \(a restart, a shutdown, an administrator ending sessions, idle_session_timeout\); the worker stays up: it takes its jobs again by itself once the service is back, with no restart; the files of the jobs it put back are not failed$/m,
    );
    expect(stderr).toMatch(
      /^hint: check that the server is running and the URL, user and password are right; the worker stays up/m,
    );
    expect(stderr).not.toMatch(/same command/);
  }, 180_000);

  it('serve in Spanish: the health check names the database in Spanish and explains the driver’s words, keeping them', async () => {
    const { proxy, viaProxy } = await startProxyFor(database.url);
    const server = await startServe(
      ['--db', viaProxy.toString(), '--upload-dir', 'uploads', '--lang', 'es'],
      {
        cwd: root,
      },
    );
    try {
      expect((await fetch(`${server.base}/health`)).status).toBe(200);
      proxy.refuse(true);
      proxy.cut();
      expect((await fetch(`${server.base}/health`)).status).toBe(503);
      await proxy.close();
      expect((await fetch(`${server.base}/health`)).status).toBe(503);
    } finally {
      expect(await server.stop()).toBe(0);
      await proxy.close().catch(() => undefined);
    }
    const lines = server.stderr().trimEnd().split('\n');
    const problems = lines.filter((line) =>
      line.startsWith('aviso: la comprobación de estado encontró problemas: '),
    );
    expect(problems, server.stderr()).toHaveLength(2);
    expect(problems[0]).toMatch(
      /^aviso: la comprobación de estado encontró problemas: base de datos: (la base de datos PostgreSQL cortó la conexión|el servidor cortó la conexión a medias); compruebe que [^\n]+ \(texto original: (Connection terminated unexpectedly|read ECONNRESET|connect ECONNRESET \S+)\)$/,
    );
    expect(problems[1]).toBe(
      `aviso: la comprobación de estado encontró problemas: base de datos: el servicio en 127.0.0.1:${proxy.port} ` +
        'rechazó la conexión; compruebe que esté en marcha y que esa sea la dirección de la configuración ' +
        `(texto original: connect ECONNREFUSED 127.0.0.1:${proxy.port})`,
    );
    expect(server.stderr()).not.toMatch(/database:|health check|\n\s+at /);
  }, 120_000);
});
