import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV } from '../support/ingest-fixture.js';

/** A port on this machine nobody listens on: one the system gave out and that was closed again. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `doctor` in Spanish, as IT reads it on a records office's server (the built CLI). */
describe('doctor --lang es', () => {
  let dir: string;
  beforeAll(() => {
    dir = createTempDir('tecsalud-doctor-es-');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a Chroma server that cannot be reached: why and what to check, both in Spanish', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await runCli(['doctor', '--vector-store', 'chroma', '--chroma-url', url, '--lang', 'es'], {
      cwd: dir,
    });
    expect(run.code).toBe(69);
    expect(run.stdout).toContain(
      `FALLO  índice de búsqueda     no se puede conectar con el servidor Chroma en ${url} para leer la colección ` +
        '"medical_documents": conexión rechazada (compruebe que Chroma esté en marcha (chroma run --path CARPETA ' +
        '--port PUERTO) y --chroma-url / CHROMA_URL)\n',
    );
  });

  it('the nightly run\'s log is "la bitácora", never "el registro" (to a records office, the patient registry)', async () => {
    const env = { TECSALUD_DB: '' };
    expect((await runCli(['patients', 'import', REGISTRY_CSV, '--db', 'r.db'], { cwd: dir, env })).code).toBe(
      0,
    );
    const run = await runCli(
      ['doctor', '--db', 'r.db', '--log-file', 'night.log', '--archive-dir', 'archive', '--lang', 'es'],
      { cwd: dir, env },
    );
    expect(run.stdout).toMatch(
      /^OK {5}archivos de ejecución {2}se puede escribir en la bitácora \(--log-file\) y en las carpetas indicadas$/m,
    );
    expect(run.stdout).not.toMatch(/el registro/);
  });

  it('counts the readable files of an archive in words, one in the singular (it read "1 archivo(s) o carpeta(s)")', async () => {
    const env = { TECSALUD_DB: '' };
    fs.mkdirSync(path.join(dir, 'old-archive'), { mode: 0o700 });
    fs.writeFileSync(path.join(dir, 'old-archive', 'a.pdf'), '%PDF-', { mode: 0o644 });
    if (!fs.existsSync(path.join(dir, 'r.db')))
      await runCli(['patients', 'import', REGISTRY_CSV, '--db', 'r.db'], { cwd: dir, env });
    const doctor = (lang: string) =>
      runCli(['doctor', '--db', 'r.db', '--archive-dir', 'old-archive', '--lang', lang], { cwd: dir, env });
    const [es, en] = await Promise.all([doctor('es'), doctor('en')]);
    expect(es.stdout).toContain('1 archivo o carpeta dentro de ');
    expect(es.stdout).toContain(' puede leerse por otras cuentas: chmod -R go-rwx ');
    expect(en.stdout).toContain(' is readable by other accounts: chmod -R go-rwx ');
    expect(en.stdout).toMatch(/1 file or folder inside \S+old-archive is readable/);
  });

  it('a database an older version left: the migration not applied yet, in Spanish (it was left in English)', async () => {
    const env = { TECSALUD_DB: '' };
    expect(
      (await runCli(['patients', 'import', REGISTRY_CSV, '--db', 'old.db'], { cwd: dir, env })).code,
    ).toBe(0);
    const handle = new Database(path.join(dir, 'old.db'));
    handle.prepare("delete from kysely_migration where name = '0007-queue'").run();
    handle.close();
    const doctor = (lang: string) => runCli(['doctor', '--db', 'old.db', '--lang', lang], { cwd: dir, env });
    const [es, en] = await Promise.all([doctor('es'), doctor('en')]);
    expect(es.stdout).toMatch(
      /^AVISO {2}base de datos {10}\S+old\.db responde; 1 migración sin aplicar \(0007-queue\): la próxima ingesta o importación la aplica$/m,
    );
    expect(en.stdout).toMatch(
      /^WARN {2}database {6}\S+old\.db is reachable; 1 migration not applied yet \(0007-queue\): the next ingest or import applies it$/m,
    );
  });
});
