// Lives in test/ because the project keeps its top level to the essentials; `npm run lint` passes it with -c.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layer map (README, "Layout"): who may import whom, per folder of src/.
 *   core       nothing outside core: no I/O, no SDKs, no database
 *   adapters   core                       (text extraction, embedders, vector stores, the CSV reader)
 *   db         core                       (schema, migrations, repositories: all SQL)
 *   config     core
 *   documents  core, db, ports            (a document's storage, shared by ingest and review)
 *   ingest     core, db, ports, documents (the pipeline)
 *   review     core, db, ports, documents (settling held files)
 *   queue      core, db, ports, documents, ingest (the job queue: enqueue, the worker loop over the pipeline)
 *   app        all of the above           (opening backends, sessions: what commands and the UI call)
 *   ui         core, and app state        (the review walk); never a database or an adapter
 *   server     app, config, core          (the HTTP API's wiring, like commands; types from anywhere)
 *   commands   app, ui, server, config, core (wiring; types from anywhere)
 * Ports are the adapters' interface modules (`adapters/<kind>/types.ts`). errors.ts is shared by all;
 * private-files.ts (creating files and folders owner-only) by all but core.
 */
const LAYERS = [
  'adapters',
  'db',
  'config',
  'documents',
  'ingest',
  'review',
  'queue',
  'app',
  'ui',
  'server',
  'commands',
];
/** Folders are at most this deep inside a layer. */
const MAX_DEPTH = 4;

/**
 * The rules for the files of `folder` at one depth: from there, another layer is exactly `../` × depth
 * away, which tells `ui/review/` (a folder of the UI) from `review/` (the layer).
 */
function layerAtDepth(folder, depth, layers, options) {
  const up = '../'.repeat(depth);
  const patterns = [];
  for (const name of layers) {
    if (name === 'adapters' && options.ports) patterns.push(`${up}adapters/*/*`, `!${up}adapters/*/types.js`);
    else if (name === 'app' && options.appState) patterns.push(`${up}app/*`, `!${up}app/review-walk.js`);
    else patterns.push(`${up}${name}/**`);
  }
  const message = `src/${folder} may not import these layers (see the layer map in test/eslint.config.js)`;
  const dynamic = layers
    .map((name) =>
      name === 'adapters' && options.ports
        ? 'adapters\\/(?:[a-z-]+\\/)(?!types\\.js$)'
        : name === 'app' && options.appState
          ? 'app\\/(?!review-walk\\.js$)'
          : `${name}\\/`,
    )
    .join('|');
  return {
    files: [`src/${folder}/${'*/'.repeat(depth - 1)}*.{ts,tsx}`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: patterns, message, allowTypeImports: options.allowTypeImports ?? false },
            ...(options.extraGroups ?? []),
          ],
        },
      ],
      // no-restricted-imports sees static imports only; handlers load their layers with import().
      'no-restricted-syntax': [
        'error',
        {
          selector: `ImportExpression[source.value=/^(\\.\\.\\/){${depth}}(${dynamic})/]`,
          message: `${message} (loaded lazily here)`,
        },
      ],
    },
  };
}

function layer(folder, layers, options = {}) {
  return Array.from({ length: MAX_DEPTH }, (_, i) => layerAtDepth(folder, i + 1, layers, options));
}

const others = (...allowed) => LAYERS.filter((name) => !allowed.includes(name));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tmp/**', '.venv/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  ...layer('core', LAYERS, {
    extraGroups: [
      {
        group: [
          '**/errors.js',
          '**/private-files.js',
          'node:fs',
          'node:fs/*',
          'node:child_process',
          'node:net',
          'node:http',
          'node:os',
          'node:worker_threads',
        ],
        message: 'src/core is pure: no I/O, no process state, no exit codes',
      },
      {
        group: [
          'kysely',
          'better-sqlite3',
          'pg',
          'chromadb',
          'openai',
          'ink',
          'react',
          'pino',
          'pdf-parse',
          'sqlite-vec',
          'tinypool',
          'zod',
        ],
        message: 'src/core imports no SDK, no database driver and no UI library',
      },
    ],
  }),
  ...layer('adapters', others()),
  ...layer('db', others()),
  ...layer('config', others()),
  ...layer('documents', others('db'), { ports: true }),
  ...layer('ingest', others('db', 'documents'), { ports: true }),
  ...layer('review', others('db', 'documents'), { ports: true }),
  ...layer('queue', others('db', 'documents', 'ingest'), { ports: true }),
  ...layer('app', ['ui', 'server', 'commands']),
  ...layer('ui', others('ui'), { appState: true }),
  ...layer('server', ['adapters', 'db', 'documents', 'ingest', 'review', 'queue', 'ui', 'commands'], {
    allowTypeImports: true,
  }),
  ...layer('commands', ['adapters', 'db', 'documents', 'ingest', 'review', 'queue'], {
    allowTypeImports: true,
  }),
  {
    files: ['bin/**/*.js', '.ci/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
