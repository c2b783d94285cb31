import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV } from '../support/ingest-fixture.js';
import { closedPort } from '../support/tcp-faults.js';
import net from 'node:net';

/** A refusal a records administrator meets, in the language they chose: message, hint and exit code. */
describe('refusals in Spanish under --lang es or a Spanish locale (the real CLI)', { tags: ['slow'] }, () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = createTempDir('tecsalud-refusals-es-');
    fs.mkdirSync(path.join(cwd, 'drop'));
    fs.mkdirSync(path.join(cwd, 'held'));
    fs.writeFileSync(path.join(cwd, 'bad.json'), '{"embedder": "chroma", "workers": 2}');
    fs.writeFileSync(path.join(cwd, 'misspelt.json'), '{"colection": "x"}');
    const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', 'registry.db'], { cwd });
    expect(imported.code, imported.stderr).toBe(0);
    // A run of this host that is still going on (this very process) holds the folder `held`.
    const handle = new Database(path.join(cwd, 'registry.db'));
    const held = fs.realpathSync(path.join(cwd, 'held'));
    handle
      .prepare(
        'insert into run_locks (lock_key, source_dir, pid, host, session_id, started_at) values (?, ?, ?, ?, null, ?)',
      )
      .run(
        createHash('sha256').update(`tecsalud-batch:${held}`).digest('hex').slice(0, 32),
        held,
        process.pid,
        os.hostname(),
        new Date().toISOString(),
      );
    handle.close();
  });
  afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runCli(args, { cwd, env: { TECSALUD_DB: '', LANG: 'C', LC_ALL: '', LC_MESSAGES: '', ...env } });

  it('says what is wrong and what to do in Spanish, with the same exit codes', async () => {
    const cases: [string[], number, RegExp, RegExp][] = [
      [
        ['review', '--db', '/nonexistent.db', '--lang', 'es'],
        64,
        /^error: la base de datos '\/nonexistent\.db' no existe$/m,
        /^sugerencia: revise --db; un registro nuevo se crea con `tecsalud-batch patients import ARCHIVO\.csv`/m,
      ],
      [
        ['ingest', 'missing', '--db', 'registry.db', '--lang', 'es'],
        64,
        /^error: la carpeta '.*missing' no existe$/m,
        /^sugerencia: indique la carpeta que contiene los PDF$/m,
      ],
      [
        ['ingest', 'drop', '--type', 'foo', '--lang', 'es'],
        64,
        /^error: --type debe ser 'vectorized', 'complete' o 'both', no 'foo'$/m,
        /^sugerencia: escriba una de ellas, p\. ej\. --type vectorized$/m,
      ],
      [
        ['ingest', 'drop', '--extractor', 'pdfum', '--lang', 'es'],
        64,
        /^error: --extractor debe ser 'pdf-parse', 'pdfium' o 'pdftotext', no 'pdfum'$/m,
        /^sugerencia: ¿quiso decir 'pdfium'\? escriba --extractor pdfium$/m,
      ],
      [
        ['status', '--config', 'nowhere.json', '--lang', 'es'],
        64,
        /^error: no se puede leer el archivo de configuración .*nowhere\.json: no existe$/m,
        /^sugerencia: revise la ruta indicada con --config$/m,
      ],
      [
        ['status', '--config', 'bad.json', '--lang', 'es'],
        64,
        /^error: bad\.json: embedder debe ser 'hashing', 'openai' o 'azure', no 'chroma'; clave desconocida 'workers'$/m,
        /^sugerencia: quite 'workers' \(las claves son db, .*\) en .*bad\.json$/m,
      ],
      [
        // A key one letter off: the hint said "escriba that instead of 'colection' en …", half in English.
        ['status', '--config', 'misspelt.json', '--lang', 'es'],
        64,
        /^error: misspelt\.json: clave desconocida 'colection'$/m,
        /^sugerencia: ¿quiso decir 'collection'\? escríbalo en lugar de 'colection' en .*misspelt\.json$/m,
      ],
      [
        ['ingest', 'held', '--db', 'registry.db', '--non-interactive', '--lang', 'es'],
        75,
        new RegExp(
          `^error: otra ejecución ya está procesando .*held en esta base de datos \\(pid ${process.pid} en `,
          'm',
        ),
        /^sugerencia: espere a que termine; el bloqueo que deja una ejecución interrumpida se retoma automáticamente$/m,
      ],
      [
        [
          'ingest',
          'drop',
          '--chunk-size',
          '100',
          '--chunk-overlap',
          '200',
          '--review-threshold',
          '0.9',
          '--auto-threshold',
          '0.5',
          '--lang',
          'es',
        ],
        64,
        /^error: --chunk-overlap debe ser menor que --chunk-size; --review-threshold no debe ser mayor que --auto-threshold$/m,
        /^(?!hint)/,
      ],
      [
        // `--user "$REVIEWER"` with the variable unset: the audit would have named the OS account instead.
        ['ingest', 'drop', '--db', 'registry.db', '--user', ' ', '--non-interactive', '--lang', 'es'],
        64,
        /^error: --user está vacío$/m,
        /^sugerencia: indique el nombre que debe registrar la bitácora de auditoría, u omita --user para registrar el usuario del sistema$/m,
      ],
      [
        ['review', '--db', 'registry.db', '--user', '', '--lang', 'es'],
        64,
        /^error: --user está vacío$/m,
        /^sugerencia: indique el nombre/m,
      ],
      [
        ['cleanup', '--older-than', '1d', '--db', 'registry.db', '--user', ''],
        64,
        /^error: --user is empty$/m,
        /^hint: give the name the audit log should record, or leave --user out to record the OS user$/m,
      ],
      [
        ['status', 'abcd1234', '--db', 'registry.db', '--lang', 'es'],
        64,
        /^error: no hay ninguna sesión 'abcd1234'$/m,
        /^sugerencia: lístelas con `tecsalud-batch sessions`$/m,
      ],
    ];
    const runs = await Promise.all(cases.map(([args]) => run(args)));
    cases.forEach(([args, code, message, hint], i) => {
      const { code: exit, stderr } = runs[i]!;
      expect(stderr, args.join(' ')).toMatch(message);
      expect(stderr, args.join(' ')).toMatch(hint);
      expect(exit, args.join(' ')).toBe(code);
    });
  });

  it('follows LANG / LC_ALL where no --lang is given: an unknown patient, a database of another kind', async () => {
    const es = { LANG: 'es_MX.UTF-8' };
    const [patient, notSqlite] = await Promise.all([
      run(['patients', 'show', '99999999', '--db', 'registry.db'], es),
      run(['status', '--db', 'bad.json'], { LC_ALL: 'es_MX.UTF-8' }),
    ]);
    expect(patient.code).toBe(64);
    expect(patient.stderr).toBe(
      'error: no hay ningún paciente con expediente \'99999999\'\nsugerencia: pruebe `tecsalud-batch patients search "NOMBRE"`\n',
    );
    expect(notSqlite.code).toBe(64);
    expect(notSqlite.stderr).toMatch(
      /^error: '.*bad\.json' no es una base de datos SQLite\nsugerencia: revise --db: indica un archivo de otro tipo\n$/,
    );
  });

  it("puts commander's own refusals in Spanish too: an unknown option, a missing argument, too many", async () => {
    const [unknown, missing, tooMany, english] = await Promise.all([
      run(['ingest', 'drop', '--concurency', '2', '--lang', 'es']),
      run(['ingest'], { LANG: 'es_MX.UTF-8' }),
      run(['ingest', 'drop', 'otra', '--lang=es']),
      run(['ingest', 'drop', '--concurency', '2']),
    ]);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toBe(
      "error: opción desconocida '--concurency'\n(¿quiso decir --concurrency?)\n(ejecute con --help para ver el uso)\n",
    );
    expect(missing.code).toBe(64);
    expect(missing.stderr).toBe(
      "error: falta el argumento obligatorio 'dir'\n(ejecute con --help para ver el uso)\n",
    );
    expect(tooMany.code).toBe(64);
    expect(tooMany.stderr).toMatch(
      /^error: demasiados argumentos para 'ingest': se esperaba 1 y se recibieron 2\n/,
    );
    expect(english.code).toBe(64);
    expect(english.stderr).toBe(
      "error: unknown option '--concurency'\n(Did you mean --concurrency?)\n(run with --help for usage)\n",
    );
  });

  it('every command takes --lang, checked as ingest and review check it, and its refusals follow it', async () => {
    const [patient, revoke, serve, wrong, english] = await Promise.all([
      run(['patients', 'show', '99999999', '--db', 'registry.db', '--lang', 'es']),
      run(['tokens', 'revoke', 'nadie', '--db', 'registry.db', '--lang', 'es']),
      run(['serve', '--no-auth', '--host', '0.0.0.0', '--db', 'registry.db', '--lang', 'es']),
      run(['unlock', 'drop', '--lang', 'fr']),
      run(['documents', 'detach', 'zz', '--db', 'registry.db', '--lang', 'en'], { LANG: 'es_MX.UTF-8' }),
    ]);
    expect(patient.code).toBe(64);
    expect(patient.stderr).toMatch(/^error: no hay ningún paciente con expediente '99999999'\n/);
    expect(revoke.code).toBe(64);
    expect(revoke.stderr).toBe(
      "error: no hay ningún token llamado 'nadie'\nsugerencia: lístelos con `tecsalud-batch tokens list`\n",
    );
    expect(serve.code).toBe(64);
    expect(serve.stderr).toMatch(
      /^error: --no-auth solo se acepta al escuchar en una dirección de loopback, no en 0\.0\.0\.0\n/,
    );
    expect(wrong.code).toBe(64);
    expect(wrong.stderr).toBe(
      "error: --lang must be 'es' or 'en', not 'fr'\nhint: write one of them, e.g. --lang es\n",
    );
    expect(english.code).toBe(64);
    expect(english.stderr).toMatch(/^error: 'zz' is not a document id\nhint: /);
  });

  it('a service that is down (exit 69) or a port taken (exit 64) is said in Spanish too', async () => {
    const chroma = `http://127.0.0.1:${await closedPort()}`;
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      const [down, busy] = await Promise.all([
        run([
          'search',
          'hemoglobina',
          '--vector-store',
          'chroma',
          '--chroma-url',
          chroma,
          '--db',
          'registry.db',
          '--lang',
          'es',
        ]),
        run(['serve', '--port', String(port), '--db', 'registry.db', '--lang', 'es']),
      ]);
      expect(down.code).toBe(69);
      expect(down.stderr).toBe(
        `error: no se puede conectar con el servidor Chroma en ${chroma} para leer la colección "medical_documents": conexión rechazada\n` +
          'sugerencia: compruebe que Chroma esté en marcha (chroma run --path CARPETA --port PUERTO) y --chroma-url / CHROMA_URL\n',
      );
      expect(busy.code).toBe(64);
      expect(busy.stderr).toBe(
        `error: 127.0.0.1:${port} ya está en uso\nsugerencia: detenga lo que escucha ahí, o elija otro --port\n`,
      );
    } finally {
      taken.close();
    }
  });

  it('stays English without them, and --json keeps the English a program compares', async () => {
    const [english, json] = await Promise.all([
      run(['review', '--db', '/nonexistent.db']),
      run(['status', '--db', '/nonexistent.db', '--json', '--lang', 'es']),
    ]);
    // review --reopen's refusals too: the screen in Spanish, the JSON in English.
    const reopen = await run(['review', '--reopen', 'zzzz', '--json', '--db', 'registry.db', '--lang', 'es']);
    expect(reopen.code).toBe(64);
    expect(reopen.stderr).toMatch(/^error: 'zzzz' no es un id de archivo ni un hash de contenido\n/);
    expect(JSON.parse(reopen.stdout)).toMatchObject({
      error: { message: "'zzzz' is not a file id or content hash", exit_code: 64 },
    });
    expect(english.code).toBe(64);
    expect(english.stderr).toBe(
      "error: the database '/nonexistent.db' does not exist\n" +
        'hint: check --db; a new registry is created by `tecsalud-batch patients import FILE.csv` (or by `tecsalud-batch ingest DIR`)\n',
    );
    expect(json.code).toBe(64);
    expect(JSON.parse(json.stdout)).toMatchObject({
      error: { message: "the database '/nonexistent.db' does not exist", exit_code: 64 },
    });
  });
});
