import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';

/** Two files of registered patients and the sample's id conflict: matched only against the real registry. */
const DROP = [
  '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf',
  '3000147773_BONILLA SEPÚLVEDA, ADRIANA_6459808119_CONS.pdf',
  '3000576011_BONILLA SEPÚLVEDA, ADRIANA_6888240511_LAB.pdf',
];

describe('one configuration for every command (the real CLI)', { tags: ['slow'] }, () => {
  let cwd: string;
  beforeEach(() => {
    cwd = createTempDir('tecsalud-config-');
    fs.mkdirSync(path.join(cwd, 'drop'));
    for (const name of DROP) fs.copyFileSync(path.join(SAMPLE_DIR, name), path.join(cwd, 'drop', name));
    fs.writeFileSync(path.join(cwd, 'tecsalud-batch.config.json'), JSON.stringify({ db: './configured.db' }));
  });
  afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

  const json = async (args: string[]) => {
    const run = await runCli(args, { cwd, env: { TECSALUD_DB: '' } });
    expect(run.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
    return { code: run.code, value: JSON.parse(run.stdout) as Record<string, unknown> };
  };

  it("import, ingest, match, sessions, status and patients all use the config file's db", async () => {
    const imported = await json(['patients', 'import', REGISTRY_CSV, '--json']);
    expect(imported.value).toMatchObject({ inserted: 18 });
    expect(fs.existsSync(path.join(cwd, 'configured.db'))).toBe(true);

    const ingested = await json(['ingest', 'drop', '--non-interactive', '--json']);
    expect(ingested.code).toBe(ExitCode.ReviewPending);
    // Matched against the imported registry: nobody created, the id conflict held for review.
    expect(ingested.value).toMatchObject({ matched_patients: 2, created_patients: 0, review_required: 1 });

    const matched = await json(['match', DROP[2]!, '--json']);
    expect((matched.value as unknown as { decision: string; reason: string }[])[0]).toMatchObject({
      decision: 'review',
      reason: 'id_conflict',
    });
    const sessions = await json(['sessions', '--json']);
    expect((sessions.value as unknown as { session_id: string }[]).map((s) => s.session_id)).toEqual([
      ingested.value.session_id,
    ]);
    const status = await json(['status', '--json']);
    expect(status.value).toMatchObject({ session_id: ingested.value.session_id, total_files: 3 });
    expect((await json(['patients', 'list', '--json'])).value).toMatchObject({ total: 18 });
    expect((await json(['review', '--json'])).value).toMatchObject({ pending: [expect.anything()] });

    // Nothing ever touched the default database.
    expect(fs.existsSync(path.join(cwd, 'tecsalud-batch.db'))).toBe(false);
  });

  it('takes --config and --db on the registry commands: the flag over the file', async () => {
    fs.mkdirSync(path.join(cwd, 'etc'));
    fs.writeFileSync(path.join(cwd, 'etc', 'site.json'), JSON.stringify({ db: './site.db' }));
    await json(['patients', 'import', REGISTRY_CSV, '--config', 'etc/site.json', '--json']);
    expect(fs.existsSync(path.join(cwd, 'site.db'))).toBe(true);
    const shown = await json(['patients', 'show', '3000768077', '--config', 'etc/site.json', '--json']);
    expect(shown.value).toMatchObject({ expediente: '3000768077' });
    await json(['patients', 'import', REGISTRY_CSV, '--db', 'flag.db', '--json']);
    expect(fs.existsSync(path.join(cwd, 'flag.db'))).toBe(true);
    expect(fs.existsSync(path.join(cwd, 'configured.db'))).toBe(false);
  });

  it('a server address without its scheme is refused naming the setting, with the address to write', async () => {
    expect((await runCli(['patients', 'import', REGISTRY_CSV], { cwd, env: { TECSALUD_DB: '' } })).code).toBe(
      0,
    );
    const chroma = await runCli(['search', 'cefalea', '--vector-store', 'chroma'], {
      cwd,
      env: { TECSALUD_DB: '', CHROMA_URL: 'localhost:8000' },
    });
    expect(chroma.code).toBe(ExitCode.Usage);
    expect(chroma.stderr).toMatch(
      /^error: the Chroma URL \(--chroma-url, CHROMA_URL or chroma\.url\) 'localhost:8000' is not an http/m,
    );
    expect(chroma.stderr).toMatch(/^hint: write it with its scheme: http:\/\/localhost:8000$/m);
    const openai = await runCli(['doctor', '--embedder', 'openai', '--json'], {
      cwd,
      env: { TECSALUD_DB: '', OPENAI_BASE_URL: 'localhost:11434/v1', OPENAI_API_KEY: '' },
    });
    expect(openai.stdout).toMatch(
      /OPENAI_BASE_URL or openai\.baseUrl\) 'localhost:11434\/v1' is not an http/,
    );
    expect(openai.stdout).toContain('http://localhost:11434/v1');
  });

  it('warns that a model given without a remote embedder is not used, and goes on (a forgotten TECSALUD_EMBEDDER)', async () => {
    expect((await runCli(['patients', 'import', REGISTRY_CSV], { cwd, env: { TECSALUD_DB: '' } })).code).toBe(
      0,
    );
    const model = { TECSALUD_DB: '', TECSALUD_EMBEDDING_MODEL: 'text-embedding-3-small' };
    const [ingest, search] = await Promise.all([
      runCli(['ingest', 'drop', '--non-interactive', '--quiet'], { cwd, env: model }),
      runCli(['search', 'cefalea', '--embedding-dimensions', '256', '--lang', 'es'], { cwd, env: model }),
    ]);
    const status = await runCli(['status'], { cwd, env: model });
    // The run went on (2: files wait for review).
    expect(ingest.code, ingest.stderr).toBe(ExitCode.ReviewPending);
    expect(ingest.stderr).toBe(
      'warning: TECSALUD_EMBEDDING_MODEL is ignored: the embedder is hashing (the default), the offline one, which ' +
        'has no model or dimensions to choose; for a remote model choose --embedder openai or azure (or TECSALUD_EMBEDDER)\n',
    );
    expect(search.stderr).toMatch(
      /^aviso: se ignoran TECSALUD_EMBEDDING_MODEL y --embedding-dimensions: el embedder es hashing \(el predeterminado\)/m,
    );
    // A command that embeds nothing has nothing to warn of.
    expect([status.code, status.stderr]).toEqual([ExitCode.Success, '']);
  });
});

describe('a config file a person can fix from the message alone (the real CLI)', { tags: ['slow'] }, () => {
  let cwd: string;
  beforeEach(() => {
    cwd = createTempDir('tecsalud-config-file-');
  });
  afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

  const refusal = async (config: string | null, args: string[] = []) => {
    if (config !== null) fs.writeFileSync(path.join(cwd, 'tecsalud-batch.config.json'), config);
    const run = await runCli(['status', ...args], { cwd, env: { TECSALUD_DB: '' } });
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.code).toBe(ExitCode.Usage);
    const [error, hint, ...rest] = run.stderr.trimEnd().split('\n');
    expect(rest, run.stderr).toEqual([]);
    return { error, hint };
  };

  it('an empty file, or --config /dev/null, is called empty, with what to write instead', async () => {
    expect(await refusal('')).toEqual({
      error: `error: the config file ${path.join(cwd, 'tecsalud-batch.config.json')} is empty`,
      hint: 'hint: write {} in it for no settings, or remove it',
    });
    expect(await refusal(' \n')).toMatchObject({ error: expect.stringMatching(/ is empty$/) });
    expect(await refusal(null, ['--config', '/dev/null'])).toEqual({
      error: 'error: the config file /dev/null is empty',
      hint: 'hint: write {} in it for no settings, or leave out --config',
    });
  });

  it('invalid JSON is placed by line and column', async () => {
    expect(await refusal('{\n  "db": "registry.db",\n}\n')).toEqual({
      error:
        'error: tecsalud-batch.config.json is not valid JSON at line 3, column 1: expected double-quoted property name',
      hint: expect.stringMatching(
        /^hint: JSON wants double-quoted keys .*; fix .*tecsalud-batch\.config\.json/,
      ),
    });
    expect((await refusal('{ "embedder": ')).error).toBe(
      'error: tecsalud-batch.config.json is not valid JSON at line 1, column 14: it ends before the JSON does (a missing } or ])',
    );
  });

  it('an unknown key, at the top or in a section, is named by its full path with the nearest known key', async () => {
    const file = path.join(cwd, 'tecsalud-batch.config.json');
    expect(await refusal(JSON.stringify({ chroma: { urll: 'http://localhost:8000' } }))).toEqual({
      error: "error: tecsalud-batch.config.json: unknown key 'chroma.urll'",
      hint: `hint: did you mean 'chroma.url'? write that instead of 'chroma.urll' in ${file}`,
    });
    expect(await refusal(JSON.stringify({ dbb: 'registry.db' }))).toEqual({
      error: "error: tecsalud-batch.config.json: unknown key 'dbb'",
      hint: `hint: did you mean 'db'? write that instead of 'dbb' in ${file}`,
    });
    expect(await refusal(JSON.stringify({ ocr: { language: 'spa' } }))).toEqual({
      error: "error: tecsalud-batch.config.json: unknown key 'ocr.language'",
      hint: `hint: remove 'ocr.language' (the keys of ocr are mode, engine, minConfidence, pageTimeoutSeconds, fileTimeoutSeconds, processes) in ${file}`,
    });
  });

  it('a file or a section that is not an object says what it must be, in words and in Spanish, not zod’s', async () => {
    const file = path.join(cwd, 'tecsalud-batch.config.json');
    expect(await refusal('[]')).toEqual({
      error:
        'error: tecsalud-batch.config.json: the config file must hold one JSON object of settings ({ … }), not a list ([ … ])',
      hint: `hint: write {} for no settings in ${file}`,
    });
    expect((await refusal('null')).error).toMatch(
      /must hold one JSON object of settings \(\{ … \}\), not null$/,
    );
    expect((await refusal(JSON.stringify({ chroma: 'http://localhost:8000' }))).error).toBe(
      'error: tecsalud-batch.config.json: chroma must be an object of settings ({ … }), not a string',
    );
    expect(await refusal(JSON.stringify({ serve: [] }), ['--lang', 'es'])).toEqual({
      error:
        'error: tecsalud-batch.config.json: serve debe ser un objeto de ajustes ({ … }), no una lista ([ … ])',
      hint: `sugerencia: corrija ${file}, o indique otro con --config`,
    });
    expect((await refusal('[]', ['--lang', 'es'])).hint).toBe(
      `sugerencia: escriba {} si no quiere ajustes en ${file}`,
    );
    expect((await refusal(JSON.stringify({ includeHidden: 'yes' }), ['--lang', 'es'])).error).toBe(
      'error: tecsalud-batch.config.json: includeHidden debe ser true o false',
    );
  });
});

describe(
  'a setting of a few words, written in another case or with a typo (the real CLI)',
  { tags: ['slow'] },
  () => {
    let cwd: string;
    beforeEach(() => {
      cwd = createTempDir('tecsalud-config-choice-');
      fs.mkdirSync(path.join(cwd, 'drop'));
      fs.copyFileSync(path.join(SAMPLE_DIR, DROP[0]!), path.join(cwd, 'drop', DROP[0]!));
    });
    afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

    // Flag, environment and config file alike: refused (one spelling everywhere), the word meant in the hint.
    it.each([
      [
        ['--vector-store', 'Chroma'],
        {},
        null,
        "--vector-store must be 'embedded' or 'chroma', not 'Chroma'",
        "did you mean 'chroma'? write --vector-store chroma",
      ],
      [
        [],
        { TECSALUD_VECTOR_STORE: 'Chroma' },
        null,
        "TECSALUD_VECTOR_STORE must be 'embedded' or 'chroma', not 'Chroma'",
        "did you mean 'chroma'? write TECSALUD_VECTOR_STORE=chroma",
      ],
      [
        [],
        {},
        { vectorStore: 'Chroma' },
        "tecsalud-batch.config.json: vectorStore must be 'embedded' or 'chroma', not 'Chroma'",
        `did you mean 'chroma'? write "vectorStore": "chroma" in `,
      ],
      [
        ['--extractor', 'PDFium'],
        {},
        null,
        "--extractor must be 'pdf-parse', 'pdfium' or 'pdftotext', not 'PDFium'",
        "did you mean 'pdfium'? write --extractor pdfium",
      ],
      [
        ['--ocr-engine', 'tesseract-js'],
        {},
        null,
        "--ocr-engine must be 'tesseract.js' or 'tesseract', not 'tesseract-js'",
        "did you mean 'tesseract.js'? write --ocr-engine tesseract.js",
      ],
      [
        [],
        { TECSALUD_OCR_ENGINE: 'Tesseract' },
        null,
        "TECSALUD_OCR_ENGINE must be 'tesseract.js' or 'tesseract', not 'Tesseract'",
        "did you mean 'tesseract'? write TECSALUD_OCR_ENGINE=tesseract",
      ],
      [
        [],
        {},
        { ocr: { mode: 'Force' } },
        "tecsalud-batch.config.json: ocr.mode must be 'auto', 'off' or 'force', not 'Force'",
        `did you mean 'force'? write "mode": "force" in `,
      ],
      [
        [],
        { TECSALUD_EMBEDDER: 'OpenAI' },
        null,
        "TECSALUD_EMBEDDER must be 'hashing', 'openai' or 'azure', not 'OpenAI'",
        "did you mean 'openai'? write TECSALUD_EMBEDDER=openai",
      ],
      [
        ['--type', 'Both'],
        {},
        null,
        "--type must be 'vectorized', 'complete' or 'both', not 'Both'",
        "did you mean 'both'? write --type both",
      ],
      [
        ['--type', 'vectors'],
        {},
        null,
        "--type must be 'vectorized', 'complete' or 'both', not 'vectors'",
        'write one of them, e.g. --type vectorized',
      ],
    ])(
      'ingest %j (env %j, config file %j) is refused (64) before anything is read',
      async (args, env, file, error, hint) => {
        if (file) fs.writeFileSync(path.join(cwd, 'tecsalud-batch.config.json'), JSON.stringify(file));
        const run = await runCli(['ingest', 'drop', '--non-interactive', ...args], {
          cwd,
          env: { TECSALUD_DB: '', ...env },
        });
        expect(run.code, run.stderr).toBe(ExitCode.Usage);
        const [errorLine, hintLine, ...rest] = run.stderr.trimEnd().split('\n');
        expect(errorLine).toBe(`error: ${error}`);
        expect(hintLine).toContain(`hint: ${hint}`);
        expect(rest).toEqual([]);
        expect(fs.readdirSync(path.join(cwd, 'drop'))).toEqual([DROP[0]]);
        expect(fs.existsSync(path.join(cwd, 'tecsalud-batch.db'))).toBe(false);
      },
    );
  },
);

describe(
  'a database setting that is wrong: the hint names the one place it was set (the real CLI)',
  { tags: ['slow'] },
  () => {
    let cwd: string;
    beforeEach(() => {
      cwd = createTempDir('tecsalud-config-db-');
      fs.writeFileSync(path.join(cwd, 'notes.txt'), 'minutes of the meeting, not a database\n');
    });
    afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

    const refusal = async (args: string[], env: NodeJS.ProcessEnv = {}, file?: object) => {
      if (file) fs.writeFileSync(path.join(cwd, 'site.json'), JSON.stringify(file));
      const run = await runCli([...args, ...(file ? ['--config', 'site.json'] : [])], {
        cwd,
        env: { TECSALUD_DB: '', ...env },
      });
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.code, run.stderr).toBe(ExitCode.Usage);
      const [error, hint, ...rest] = run.stderr.trimEnd().split('\n');
      expect(rest, run.stderr).toEqual([]);
      return { error, hint };
    };

    it.each([
      ['--db', ['--db', 'notes.txt'], {}, undefined, 'hint: check --db: it names a file of another kind'],
      [
        'TECSALUD_DB',
        [],
        { TECSALUD_DB: 'notes.txt' },
        undefined,
        'hint: check TECSALUD_DB: it names a file of another kind',
      ],
      [
        "the config file's db",
        [],
        {},
        { db: 'notes.txt' },
        "hint: check the config file's db (CONFIG): it names a file of another kind",
      ],
    ])('a file of another kind given by %s', async (_from, args, env, file, hint) => {
      const refused = await refusal(['status', ...args], env, file);
      expect(refused.error).toBe(`error: '${path.join(cwd, 'notes.txt')}' is not a SQLite database`);
      expect(refused.hint).toBe(hint.replace('CONFIG', path.join(cwd, 'site.json')));
    });

    it('a missing file or folder, and doctor, name it too; with none set, any of the three is the place', async () => {
      expect((await refusal(['status'], { TECSALUD_DB: 'missing.db' })).hint).toMatch(
        /^hint: check TECSALUD_DB; a new registry is created by /,
      );
      expect((await refusal(['patients', 'list'], {}, { db: 'no-such-folder/registry.db' })).hint).toBe(
        `hint: create it first, or change the config file's db (${path.join(cwd, 'site.json')})`,
      );
      expect((await refusal(['status'])).hint).toMatch(
        /^hint: check --db, TECSALUD_DB or the config file's db; /,
      );
      const doctor = await runCli(['doctor', '--json'], { cwd, env: { TECSALUD_DB: 'notes.txt' } });
      const checks = (JSON.parse(doctor.stdout) as { checks: { name: string; detail: string }[] }).checks;
      expect(checks.find((check) => check.name === 'database')?.detail).toContain(
        '(check TECSALUD_DB: it names a file of another kind)',
      );
    });

    it.each([
      [['--db', 'sqlite:'], {}, undefined, "error: --db is 'sqlite:', with no database file after it"],
      [
        [],
        { TECSALUD_DB: 'sqlite://' },
        undefined,
        "error: TECSALUD_DB is 'sqlite://', with no database file after it",
      ],
      [
        [],
        {},
        { db: 'file:' },
        "error: the config file's db (CONFIG) is 'file:', with no database file after it",
      ],
      // Not echoed: the password of a URL that does not parse cannot be told from the rest of it.
      [
        [],
        { TECSALUD_DB: 'postgres://tecsalud:s3cr@t@db.hospital.local:notaport/tecsalud' },
        undefined,
        'error: TECSALUD_DB is not a valid postgres:// URL',
      ],
    ])(
      'a malformed database URL %j (env %j, config file %j) is named by its setting, not read as a folder',
      async (args, env, file, error) => {
        const refused = await refusal(['status', ...args], env, file);
        expect(refused.error).toBe(error.replace('CONFIG', path.join(cwd, 'site.json')));
        expect(refused.hint).toMatch(
          /^hint: (write the file's path after it, e\.g\. sqlite:\.\/tecsalud-batch\.db|write it as postgres:\/\/)/,
        );
        expect(fs.readdirSync(cwd).sort()).toEqual(['notes.txt', ...(file ? ['site.json'] : [])]);
      },
    );
  },
);

describe(
  'a number written any other way than plain decimal digits (the real CLI)',
  { tags: ['slow'] },
  () => {
    let cwd: string;
    beforeEach(() => {
      cwd = createTempDir('tecsalud-config-number-');
      fs.mkdirSync(path.join(cwd, 'drop'));
      fs.copyFileSync(path.join(SAMPLE_DIR, DROP[0]!), path.join(cwd, 'drop', DROP[0]!));
    });
    afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

    // Number() reads 0x10 as 16, 1e3 as 1000, ' 4' as 4 and '' as 0: a run with a number nobody wrote.
    it.each([
      [
        ['ingest', 'drop', '--max-files', '0x10'],
        {},
        "--max-files must be a whole number in plain decimal digits, not '0x10'",
        'hint: write it in plain digits (no spaces, sign, exponent or 0x), e.g. --max-files 16',
      ],
      [
        ['ingest', 'drop', '--concurrency', ' 4'],
        {},
        "--concurrency must be a whole number in plain decimal digits, not ' 4'",
        'hint: write it in plain digits (no spaces, sign, exponent or 0x), e.g. --concurrency 4',
      ],
      [
        ['ingest', 'drop', '--max-files', '1e3'],
        {},
        "--max-files must be a whole number in plain decimal digits, not '1e3'",
        'hint: write it in plain digits (no spaces, sign, exponent or 0x), e.g. --max-files 1000',
      ],
      [
        ['ingest', 'drop', '--concurrency', '4.5'],
        {},
        "--concurrency must be a whole number in plain decimal digits, not '4.5'",
        'hint: write digits only (a whole number)',
      ],
      [
        ['ingest', 'drop', '--chunk-size', ''],
        {},
        "--chunk-size must be a whole number in plain decimal digits, not ''",
        'hint: write digits only (a whole number)',
      ],
      [
        ['ingest', 'drop', '--auto-threshold', '9e-1'],
        {},
        "--auto-threshold must be a number in plain decimal digits, not '9e-1'",
        'hint: write it in plain digits (no spaces, sign, exponent or 0x), e.g. --auto-threshold 0.9',
      ],
      [
        ['ingest', 'drop'],
        { TECSALUD_EMBEDDING_DIMENSIONS: '0x100' },
        "TECSALUD_EMBEDDING_DIMENSIONS must be a whole number in plain decimal digits, not '0x100'",
        'hint: write it in plain digits (no spaces, sign, exponent or 0x), e.g. TECSALUD_EMBEDDING_DIMENSIONS=256',
      ],
      [
        ['sessions', '--limit', '1e3'],
        {},
        "--limit must be a whole number in plain decimal digits, not '1e3'",
        'hint: write it in plain digits (no spaces, sign, exponent or 0x), e.g. --limit 1000',
      ],
    ])('%j (env %j) is refused (64) naming the value given', async (args, env, error, hint) => {
      const run = await runCli([...args, ...(args[0] === 'ingest' ? ['--non-interactive'] : [])], {
        cwd,
        env: { TECSALUD_DB: '', ...env },
      });
      expect(run.code, run.stderr).toBe(ExitCode.Usage);
      expect(run.stderr.trimEnd().split('\n')).toEqual([`error: ${error}`, hint]);
      expect(fs.readdirSync(path.join(cwd, 'drop'))).toEqual([DROP[0]]);
      expect(fs.existsSync(path.join(cwd, 'tecsalud-batch.db'))).toBe(false);
    });

    it('a value outside its range says which value was given', async () => {
      const run = await runCli(['ingest', 'drop', '--non-interactive', '--max-files', '0'], {
        cwd,
        env: { TECSALUD_DB: '' },
      });
      expect(run.code).toBe(ExitCode.Usage);
      expect(run.stderr).toMatch(/^error: --max-files must be a whole number from 1 up; got 0$/m);
    });
  },
);

describe('doctor on a configuration written wrong (the real CLI)', { tags: ['slow'] }, () => {
  let cwd: string;
  beforeEach(() => {
    cwd = createTempDir('tecsalud-doctor-config-');
  });
  afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

  const doctor = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runCli(['doctor', '--db', 'registry.db', ...args], { cwd, env: { TECSALUD_DB: '', ...env } });

  it('exits 64, as every other command does, not 69 as if a server were down', async () => {
    expect((await runCli(['patients', 'import', REGISTRY_CSV, '--db', 'registry.db'], { cwd })).code).toBe(0);
    fs.writeFileSync(path.join(cwd, 'site.json'), JSON.stringify({ embedding: { timeoutSecond: 5 } }));
    const typo = await doctor(['--config', 'site.json']);
    expect(typo.stdout).toMatch(
      /^FAIL +config +site\.json: unknown key 'embedding\.timeoutSecond' \(did you mean 'embedding\.timeoutSeconds'\?/m,
    );
    expect(typo.code).toBe(ExitCode.Usage);
    expect((await doctor(['--config', 'site.json', '--json'])).code).toBe(ExitCode.Usage);

    const noScheme = await doctor(['--embedder', 'openai'], {
      OPENAI_BASE_URL: 'localhost:11434/v1',
      OPENAI_API_KEY: 'sk-test',
    });
    expect(noScheme.stdout).toMatch(
      /^FAIL +embedder +the OpenAI base URL .* 'localhost:11434\/v1' is not an http/m,
    );
    expect(noScheme.code).toBe(ExitCode.Usage);

    // A server that is down is still 69: there is nothing to fix in the configuration.
    const closedPort = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const down = await doctor(['--vector-store', 'chroma', '--chroma-url', `http://127.0.0.1:${closedPort}`]);
    expect(down.stdout).toMatch(/^FAIL +vector store/m);
    expect(down.code).toBe(ExitCode.ServiceUnavailable);
  });
});
