import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir, SESSION_OPTIONS } from '../support/databases.js';
import { runCli, spawnCli } from '../support/cli-binary.js';
import { REGISTRY_CSV, REPO_ROOT, SAMPLE_DIR } from '../support/ingest-fixture.js';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { openDatabase } from '../../src/db/open-database.js';
import { BatchRepository } from '../../src/db/repositories/batch-repository.js';
import { copyDelivered } from '../support/delivered-files.js';
import { startPipeReader } from '../support/pipe-reader.js';

let cwd: string;
beforeAll(() => {
  cwd = createTempDir('tecsalud-cli-');
});
afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

describe('the tecsalud-batch binary', { tags: ['slow'] }, () => {
  it('lists every command with an example and the exit codes in --help', async () => {
    const { code, stdout } = await runCli(['--help'], { cwd });
    expect(code).toBe(0);
    for (const command of [
      'parse',
      'patients',
      'ingest',
      'match',
      'status',
      'sessions',
      'processing-types',
      'cleanup',
      'search',
    ]) {
      expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain('Exit codes:');
  });

  it('loads nothing heavy for --help: no database driver, pdf.js, Ink, SDK or schema library', async () => {
    const { code, stderr } = await runCli(['--help'], {
      cwd,
      nodeOptions: ['--import', path.join(REPO_ROOT, 'test/support/trace-module-loads.mjs')],
    });
    expect(code).toBe(0);
    const packages = new Set(
      [...stderr.matchAll(/^loaded file:\/\/.*?\/node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map((m) => m[1]),
    );
    expect([...packages].sort()).toEqual(['@commander-js/extra-typings', 'commander']);
    expect(stderr).toMatch(/loaded file:.*dist\/cli\.js/);
  });

  it('prints its version', async () => {
    const { code, stdout } = await runCli(['--version'], { cwd });
    const { version } = JSON.parse(fs.readFileSync(`${REPO_ROOT}/package.json`, 'utf8')) as {
      version: string;
    };
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(version);
  });

  it('parses the canonical example as JSON', async () => {
    const { code, stdout } = await runCli(
      ['parse', '3000003799_GARZA TIJERINA, MARIA ESTHER_6001467010_CONS.pdf', '--json'],
      { cwd },
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
      expect.objectContaining({
        ok: true,
        expediente: '3000003799',
        apellido_paterno: 'GARZA',
        apellido_materno: 'TIJERINA',
        nombres: 'MARIA ESTHER',
        numero: '6001467010',
        document_type: 'consultation',
      }),
    ]);
  });

  it('answers user errors with a message and exit 64, never a stack trace', async () => {
    for (const args of [
      ['frobnicate'],
      ['ingest', 'no-such-folder'],
      ['patients', 'import', 'missing.csv'],
      ['ingest', '.', '--type', 'x'],
      ['status', '--db', 'mistyped.db'],
    ]) {
      const { code, stderr } = await runCli(args, { cwd });
      expect(code, args.join(' ')).toBe(64);
      expect(stderr, args.join(' ')).toMatch(/error/);
      expect(stderr, args.join(' ')).not.toMatch(/\n\s+at /);
    }
    const missing = await runCli(['sessions', '--db', 'mistyped.db'], { cwd });
    expect(missing.stderr).toMatch(/^error: the database '.*mistyped\.db' does not exist\nhint: /);
    // A folder as the log, an empty collection name: errors of the user's, not internal ones (exit 70).
    const folderLog = await runCli(['ingest', '.', '--non-interactive', '--log-file', '.'], { cwd });
    expect([folderLog.code, folderLog.stderr]).toEqual([
      64,
      expect.stringMatching(/^error: cannot write the log '\.': it is a folder\nhint: /),
    ]);
    const emptyCollection = await runCli(['search', 'x', '--collection', ''], { cwd });
    expect([emptyCollection.code, emptyCollection.stderr]).toEqual([
      64,
      expect.stringMatching(/^error: --collection must not be empty\n/),
    ]);
    // A name Chroma would refuse with a 400 mid-run (an internal error before): refused before anything starts.
    const shortCollection = await runCli(
      ['ingest', '.', '--non-interactive', '--vector-store', 'chroma', '--collection', 'c2'],
      { cwd },
    );
    expect([shortCollection.code, shortCollection.stderr]).toEqual([
      64,
      expect.stringMatching(
        /^error: --collection 'c2' is not a name Chroma accepts\nhint: use 3 to 512 letters/,
      ),
    ]);
    expect(fs.existsSync(`${cwd}/mistyped.db`)).toBe(false);
    // An empty file is no registry either: it is not migrated into an empty one behind the user's back.
    fs.writeFileSync(`${cwd}/empty.db`, '');
    const empty = await runCli(['patients', 'list', '--db', 'empty.db'], { cwd });
    expect([empty.code, empty.stderr]).toEqual([
      64,
      expect.stringMatching(/^error: the database '.*empty\.db' is an empty file \(0 bytes\)/),
    ]);
    expect(fs.statSync(`${cwd}/empty.db`).size).toBe(0);
    // `--db data/` is a folder, not a file called `data`.
    const folder = await runCli(['patients', 'import', REGISTRY_CSV, '--db', 'data/'], { cwd });
    expect([folder.code, folder.stderr]).toEqual([
      64,
      expect.stringMatching(/^error: the database 'data\/' names a folder, not a file\nhint: /),
    ]);
    expect(fs.existsSync(`${cwd}/data`)).toBe(false);
    // A named pipe is no database: SQLite's "disk I/O error" sent the reader after the disk. Nothing opens it.
    execFileSync('mkfifo', [`${cwd}/pipe.db`]);
    for (const args of [
      ['patients', 'import', REGISTRY_CSV, '--db', 'pipe.db'],
      ['status', '--db', 'pipe.db', '--lang', 'es'],
    ]) {
      const pipe = await runCli(args, { cwd });
      expect([pipe.code, pipe.stderr]).toEqual([
        64,
        args.includes('es')
          ? expect.stringMatching(
              /^error: la base de datos 'pipe\.db' es una tubería con nombre \(FIFO\), no un archivo\nsugerencia: indique la ruta del archivo de la base de datos en --db\n$/,
            )
          : expect.stringMatching(
              /^error: the database 'pipe\.db' is a named pipe \(FIFO\), not a file\nhint: give the database file's path in --db\n$/,
            ),
      ]);
    }
    // With --json, stdout holds only JSON: a refusal too, for the script reading it; the text stays on stderr.
    const refusedJson = await runCli(['sessions', '--db', 'mistyped.db', '--json'], { cwd });
    expect(refusedJson.code).toBe(64);
    expect(refusedJson.stderr).toMatch(/^error: the database '.*mistyped\.db' does not exist\n/);
    expect(JSON.parse(refusedJson.stdout)).toEqual({
      error: {
        message: expect.stringMatching(/^the database '.*mistyped\.db' does not exist$/),
        hint: expect.stringMatching(/--db/),
        exit_code: 64,
      },
    });
    const badOption = await runCli(['sessions', '--json', '--bogus'], { cwd });
    expect(badOption.code).toBe(64);
    expect(JSON.parse(badOption.stdout)).toMatchObject({
      error: { message: expect.stringMatching(/unknown option '--bogus'/), exit_code: 64 },
    });
  });

  it('refuses at once (exit 64) a --log-file that is a named pipe nothing reads, and logs into one a program reads', async () => {
    const dir = createTempDir('tecsalud-log-pipe-');
    try {
      const drop = path.join(dir, 'drop');
      fs.mkdirSync(drop);
      const sample = fs.readdirSync(SAMPLE_DIR).find((name) => name.endsWith('.pdf'))!;
      fs.copyFileSync(path.join(SAMPLE_DIR, sample), path.join(drop, sample));
      execFileSync('mkfifo', [path.join(dir, 'log.pipe')]);
      const log = ['--db', 'registry.db', '--log-file', 'log.pipe'];
      const refusal =
        "error: cannot write the log 'log.pipe': it is a named pipe (FIFO) that no program reads: writing to it " +
        'would wait for ever\nhint: give a file path (or - for stderr); to log into the pipe, start the program ' +
        'that reads it first\n';
      // Opening it waited for a reader for ever: the nightly run hung before its first line.
      for (const args of [
        ['ingest', 'drop', '--non-interactive'],
        ['ingest', 'drop', '--enqueue'],
        ['worker'],
        ['serve', '--port', '0'],
      ]) {
        const refused = await runCli([...args, ...log], { cwd: dir, timeoutMs: 20_000 });
        expect([refused.code, refused.stderr], args.join(' ')).toEqual([
          64,
          refusal.replace(
            /'log\.pipe'/,
            `'${args[0] === 'serve' ? path.join(dir, 'log.pipe') : 'log.pipe'}'`,
          ),
        ]);
      }
      const spanish = await runCli(['--lang', 'es', 'ingest', 'drop', '--non-interactive', ...log], {
        cwd: dir,
        timeoutMs: 20_000,
      });
      expect([spanish.code, spanish.stderr]).toEqual([
        64,
        "error: no se puede escribir la bitácora 'log.pipe' (--log-file): es una tubería con nombre (FIFO) que " +
          'ningún programa lee: escribir en ella esperaría para siempre\nsugerencia: indique la ruta de un archivo ' +
          '(o - para stderr); para escribir la bitácora en la tubería, inicie antes el programa que la lee\n',
      ]);
      const doctor = await runCli(['doctor', ...log], { cwd: dir, timeoutMs: 20_000 });
      expect(doctor.stdout).toMatch(
        /^FAIL +run files +--log-file log\.pipe is a named pipe \(FIFO\) that no program reads: the run would wait for ever$/m,
      );
      expect(fs.existsSync(path.join(dir, 'registry.db'))).toBe(false);

      // A program that reads the pipe gets the run's lines, and the run ends as usual.
      const reader = await startPipeReader(path.join(dir, 'log.pipe'));
      const logged = await runCli(['ingest', 'drop', '--non-interactive', ...log], {
        cwd: dir,
        timeoutMs: 30_000,
      });
      reader.letGo(); // the last write end: the reader's input ends
      expect(logged.code, logged.stderr).toBe(0);
      await reader.done;
      expect(reader.lines()).toContain('"event":"session_started"');
      expect(reader.lines()).toContain('"event":"session_finished"');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says when the registry was empty and every patient came from a filename (a mistyped --db, the wrong folder)', async () => {
    const dir = createTempDir('tecsalud-cli-empty-');
    try {
      const drop = path.join(dir, 'drop');
      copyDelivered(SAMPLE_DIR, drop);
      // Run from the wrong folder: the registry imported elsewhere is not this one's.
      const run = await runCli(['ingest', drop, '--non-interactive', '--lang', 'en'], { cwd: dir });
      const database = path.join(dir, 'tecsalud-batch.db');
      expect(run.stdout).toContain(`the registry (${database}) held no patient before this run: all `);
      expect(run.stdout).toMatch(
        /patients were created from filenames\. If the hospital's registry should be there, check --db or TECSALUD_DB/,
      );
      const es = await runCli(
        ['ingest', drop, '--non-interactive', '--lang', 'es', '--json', '--db', 'otra.db'],
        {
          cwd: dir,
        },
      );
      expect(JSON.parse(es.stdout)).toMatchObject({ registry_empty_at_start: true });
      // The README's cron line (--quiet, a log file) said nothing at all, exit 0: stderr and the log say it.
      const cron = await runCli(
        [
          'ingest',
          drop,
          '--non-interactive',
          '--quiet',
          '--db',
          'typo.db',
          '--log-file',
          'run.log',
          '--lang',
          'es',
        ],
        { cwd: dir },
      );
      expect(cron.stdout).toBe('');
      expect(cron.stderr).toMatch(
        /^aviso: el registro \(.*typo\.db\) no tenía pacientes antes de esta ejecución: /m,
      );
      const logged = fs
        .readFileSync(path.join(dir, 'run.log'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { event?: string; level: number; created_patients?: number });
      expect(logged.find((line) => line.event === 'registry_empty_at_start')).toMatchObject({
        level: 40,
        created_patients: expect.any(Number),
      });
      // With the registry there, nothing is said.
      const imported = path.join(dir, 'imported.db');
      expect((await runCli(['patients', 'import', REGISTRY_CSV, '--db', imported], { cwd: dir })).code).toBe(
        0,
      );
      const known = await runCli(['ingest', drop, '--non-interactive', '--db', imported, '--lang', 'es'], {
        cwd: dir,
      });
      expect(known.stdout).toMatch(/pacientes: /);
      expect(known.stdout).not.toMatch(/no tenía pacientes|held no patient/);
      const knownQuiet = await runCli(['ingest', drop, '--non-interactive', '--quiet', '--db', imported], {
        cwd: dir,
      });
      expect(knownQuiet.stderr).not.toMatch(/held no patient/);
      const json = await runCli(['ingest', drop, '--non-interactive', '--db', imported, '--json'], {
        cwd: dir,
      });
      expect(JSON.parse(json.stdout)).toMatchObject({ registry_empty_at_start: false });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('imports the registry, then shows and searches it', async () => {
    expect((await runCli(['patients', 'import', REGISTRY_CSV], { cwd })).code).toBe(0);
    const show = await runCli(['patients', 'show', '3000768077', '--json'], { cwd });
    expect(JSON.parse(show.stdout)).toMatchObject({ expediente: '3000768077', apellido_paterno: 'HUERTA' });
    const search = await runCli(['patients', 'search', 'huerta', '--json'], { cwd });
    expect(JSON.parse(search.stdout).patients.map((p: { expediente: string }) => p.expediente)).toContain(
      '3000768077',
    );
    const missing = await runCli(['patients', 'show', '1111111111'], { cwd });
    expect(missing.code).toBe(64);
    expect(missing.stderr).toMatch(/no patient with expediente/);
    // A name or a short number is not an expediente: said so, with where names are looked up.
    const byName = await runCli(['patients', 'show', 'HUERTA'], { cwd });
    expect([byName.code, byName.stderr]).toEqual([
      64,
      'error: \'HUERTA\' is not an expediente (8 to 12 digits)\nhint: to find a patient by name: tecsalud-batch patients search "NAME"\n',
    ]);
    // Digits are part of an expediente: the hint is the search that finds them inside one, and it does.
    const short = await runCli(['patients', 'show', '768077'], { cwd });
    expect([short.code, short.stderr]).toEqual([
      64,
      "error: '768077' is not an expediente (8 to 12 digits)\n" +
        'hint: to find the expedientes that contain these digits: tecsalud-batch patients search 768077\n',
    ]);
    const hinted = await runCli(['patients', 'search', '768077', '--json'], { cwd });
    expect(JSON.parse(hinted.stdout).patients.map((p: { expediente: string }) => p.expediente)).toEqual([
      '3000768077',
    ]);
    const shortEs = await runCli(['patients', 'show', '768077', '--lang', 'es'], { cwd });
    expect(shortEs.stderr).toContain(
      'sugerencia: para buscar los expedientes que contienen estos dígitos: tecsalud-batch patients search 768077\n',
    );

    // The group's shared options before the subcommand's name, as `git -C DIR status` reads: taken, not refused.
    fs.mkdirSync(`${cwd}/elsewhere`, { recursive: true });
    const first = await runCli(
      ['patients', '--db', '../tecsalud-batch.db', '--lang', 'es', '--json', 'show', '3000768077'],
      {
        cwd: `${cwd}/elsewhere`,
      },
    );
    expect([first.code, first.stderr]).toEqual([0, '']);
    expect(JSON.parse(first.stdout)).toMatchObject({ expediente: '3000768077' });
    const spanish = await runCli(['patients', '--lang', 'es', 'show', '1111111111'], { cwd });
    expect([spanish.code, spanish.stderr]).toEqual([
      64,
      expect.stringMatching(/^error: no hay ningún paciente/),
    ]);
    // Given after the name too, the subcommand's own wins.
    const own = await runCli(
      ['patients', '--db', 'nope.db', 'show', '3000768077', '--db', 'tecsalud-batch.db'],
      { cwd },
    );
    expect(own.code).toBe(0);
    const tokens = await runCli(['tokens', '--db', '../tecsalud-batch.db', 'list', '--json'], {
      cwd: `${cwd}/elsewhere`,
    });
    expect([tokens.code, tokens.stdout]).toEqual([0, expect.stringMatching(/^\[/)]);
  });

  it('ingests with --extractor pdfium and --ocr off as given, records both, and refuses an unknown extractor', async () => {
    const dir = createTempDir('tecsalud-cli-extractor-');
    try {
      copyDelivered(SAMPLE_DIR, path.join(dir, 'drop'));
      expect((await runCli(['patients', 'import', REGISTRY_CSV], { cwd: dir })).code).toBe(0);
      const run = await runCli(
        [
          'ingest',
          'drop',
          '--extractor',
          'pdfium',
          '--ocr',
          'off',
          '--type',
          'complete',
          '--non-interactive',
          '--json',
        ],
        { cwd: dir },
      );
      expect(run.code, run.stderr).toBe(3);
      const report = JSON.parse(run.stdout) as { files: { outcome: string }[] };
      expect(report.files.filter((f) => f.outcome === 'ingested')).toHaveLength(18);
      const database = await openDatabase(resolveDatabaseTarget('tecsalud-batch.db', { cwd: dir }), {
        migrate: false,
      });
      try {
        const [row] = await database.db.selectFrom('batchUploads').select('optionsJson').execute();
        expect(JSON.parse(row!.optionsJson)).toMatchObject({ extractor: 'pdfium', ocr: { mode: 'off' } });
      } finally {
        await database.close();
      }
      const refused = await runCli(['ingest', 'drop', '--extractor', 'tika'], { cwd: dir });
      expect(refused.code).toBe(64);
      expect(refused.stderr).toMatch(
        /^error: --extractor must be 'pdf-parse', 'pdfium' or 'pdftotext', not 'tika'$/m,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists the sessions an ambiguous id prefix matches, newest first, so that the reader can pick one', async () => {
    const dir = createTempDir('tecsalud-cli-prefix-');
    try {
      const database = await openDatabase(resolveDatabaseTarget('tecsalud-batch.db', { cwd: dir }));
      try {
        const batches = new BatchRepository(database.db);
        for (const [id, sourceDir] of [
          ['3a000000-0000-4000-8000-000000000001', '/srv/drop/lunes'],
          ['4b000000-0000-4000-8000-000000000002', '/srv/drop/martes'],
          ['3c000000-0000-4000-8000-000000000003', '/srv/drop/miercoles'],
        ] as const) {
          await batches.createSession({
            id,
            uploadedBy: 'tester',
            processingType: 'both',
            sourceDir,
            options: SESSION_OPTIONS,
          });
        }
      } finally {
        await database.close();
      }
      const ambiguous = await runCli(['status', '3'], { cwd: dir });
      expect(ambiguous.code).toBe(64);
      expect(ambiguous.stderr).toMatch(
        /^error: '3' matches several sessions\nhint: give more of the id; it matches:\n {2}3c000000 {2}\S+ \S+ {2}pending {2}\/srv\/drop\/miercoles\n {2}3a000000 {2}\S+ \S+ {2}pending {2}\/srv\/drop\/lunes\n$/,
      );
      // Times as `sessions` shows them: local (Monterrey, UTC−6 in December), day first in Spanish.
      const spanish = await runCli(['review', '--lang', 'es', '3'], {
        cwd: dir,
        env: { TZ: 'America/Monterrey' },
      });
      expect(spanish.code).toBe(64);
      const listed = await runCli(['sessions', '--lang', 'es'], {
        cwd: dir,
        env: { TZ: 'America/Monterrey' },
      });
      const shownAt = /^3a000000 {2}(\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2})/m.exec(listed.stdout)![1]!;
      expect(spanish.stderr).toMatch(
        /^sugerencia: indique más caracteres del id; coincide con:\n {2}3c000000 .*\n {2}3a000000 /m,
      );
      expect(spanish.stderr).toContain(`  3a000000  ${shownAt}  pending  /srv/drop/lunes`);
      expect((await runCli(['status', '3a', '--json'], { cwd: dir })).code).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints its progress lines in the language of the screens, as cron mails them (LANG=es_MX)', async () => {
    const dir = createTempDir('tecsalud-cli-lang-');
    try {
      copyDelivered(SAMPLE_DIR, path.join(dir, 'drop'));
      expect((await runCli(['patients', 'import', REGISTRY_CSV], { cwd: dir })).code).toBe(0);
      const spanish = await runCli(['ingest', 'drop', '--non-interactive'], {
        cwd: dir,
        env: { LANG: 'es_MX.UTF-8', LC_ALL: '' },
      });
      expect(spanish.code, spanish.stderr).toBe(3);
      expect(spanish.stderr).toMatch(/^Ingresando 23 archivos de .*drop …$/m);
      expect(spanish.stderr).toMatch(/^ {2}23\/23 archivos · 3 fallidos · 2 en revisión · 0 duplicados$/m);
      expect(spanish.stderr).toMatch(/✗ .*_URG\.pdf: no es un PDF/);
      expect(spanish.stderr).not.toMatch(/\bfiles\b|\bfailed\b/);
      // --lang wins over the locale, both ways.
      const english = await runCli(['ingest', 'drop', '--non-interactive', '--force', '--lang', 'en'], {
        cwd: dir,
        env: { LANG: 'es_MX.UTF-8', LC_ALL: '' },
      });
      expect(english.stderr).toMatch(/^Ingesting 23 files from .*drop …$/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says what went wrong with each file in Spanish too (LANG=es_MX), and in English as before (LANG=C)', async () => {
    const dir = createTempDir('tecsalud-cli-details-');
    try {
      const drop = path.join(dir, 'drop');
      fs.mkdirSync(drop);
      const badName = 'RIOS CORONADO CESAR CONS.pdf';
      const encrypted = '3000768077_HUERTA SOTO, GABRIELA_9000000001_LAB.pdf';
      fs.copyFileSync(path.join(SAMPLE_DIR, badName), path.join(drop, badName));
      fs.copyFileSync(
        path.join(REPO_ROOT, 'fixtures/problem-pdfs/encrypted.pdf'),
        path.join(drop, encrypted),
      );
      expect((await runCli(['patients', 'import', REGISTRY_CSV], { cwd: dir })).code).toBe(0);
      const locale = (lang: string) => ({ LANG: lang, LC_ALL: '', LC_MESSAGES: '' });
      const line = (file: string, rest: string) => new RegExp(`^ {2}✗ ${file}: ${rest}$`, 'm');
      const quote = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

      const spanish = await runCli(['ingest', 'drop', '--non-interactive'], {
        cwd: dir,
        env: locale('es_MX.UTF-8'),
      });
      expect(spanish.code, spanish.stderr).toBe(3);
      expect(spanish.stderr).toMatch(
        line(
          quote(badName),
          quote(
            "el nombre del archivo no sigue el formato de TecSalud — no hay separadores '_': se esperan el expediente, " +
              "el nombre, el NUMERO (opcional) y el tipo separados por '_'",
          ),
        ),
      );
      // The extractor's own detail in parentheses depends on the engine; the sentence does not.
      expect(spanish.stderr).toMatch(
        line(
          quote(encrypted),
          `${quote('PDF protegido con contraseña — el PDF está protegido con contraseña (cifrado); pida al remitente una copia sin protección')}( \\(.+\\))?`,
        ),
      );
      expect(spanish.stderr).not.toMatch(/password-protected|separators|expected|ask the sender/);

      const english = await runCli(['ingest', 'drop', '--non-interactive', '--force'], {
        cwd: dir,
        env: locale('C'),
      });
      expect(english.code, english.stderr).toBe(3);
      expect(english.stderr).toMatch(
        line(
          quote(badName),
          quote(
            "filename does not follow the TecSalud pattern — no '_' separators: expected expediente, name, optional " +
              "numero and type separated by '_'",
          ),
        ),
      );
      expect(english.stderr).toMatch(
        line(
          quote(encrypted),
          `${quote('password-protected PDF — the PDF is password-protected (encrypted); ask the sender for an unprotected copy')}( \\(.+\\))?`,
        ),
      );

      // A third run settles the encrypted file from what the last one remembered, and says since when.
      const remembered = await runCli(['ingest', 'drop', '--non-interactive'], {
        cwd: dir,
        env: locale('es_MX.UTF-8'),
      });
      expect(remembered.stderr).toMatch(
        line(
          quote(encrypted),
          '.*; pida al remitente una copia sin protección.* \\(sin cambios desde \\d{2}/\\d{2}/\\d{4}; no se volvió a leer\\)',
        ),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ends quietly when the reader closes the pipe early (| head)', async () => {
    // Far more output than a pipe buffers, so the writer is still writing when the reader leaves.
    const names = Array.from(
      { length: 3000 },
      (_, i) => `${3000000000 + i}_GARZA TIJERINA, MARIA ESTHER_CONS.pdf`,
    );
    const child = spawnCli(['parse', '--json', ...names], { cwd });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout!.once('data', () => child.stdout!.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(code).toBe(0);
  });
});
