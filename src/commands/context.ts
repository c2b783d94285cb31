import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { checkPathSetting, homeFolder } from '../config/path-setting.js';
import { databaseSettingOf } from '../config/setting-source.js';
import type { TextExtractor } from '../adapters/extraction/types.js';
import type { BackendConfig, BackendFlags } from '../config/load-config.js';
import type { CommandIo } from './shared/io.js';

/** What a run of the program is given by its environment; tests pass their own. */
export interface ProgramEnvironment {
  cwd: string;
  env: NodeJS.ProcessEnv;
  io: CommandIo;
  stdin: NodeJS.ReadStream;
  /** The clock (default: the system's); tests inject one instead of waiting for time to pass. */
  now?: () => Date;
  /**
   * When the run began, as `performance.now()` reads it: 0, the process's start, for the CLI. A bound promised
   * to the user (`doctor --timeout`) counts from there, not from when the command's modules had loaded (up to a
   * second and more on a busy server). Undefined: from when the command starts.
   */
  startedAt?: number;
}

/**
 * What every command handler receives besides its own arguments: the environment and the configuration,
 * resolved once before the action runs (flags > environment > config file > defaults).
 */
export interface CommandContext extends ProgramEnvironment {
  /** The resolved configuration; null for the commands that read no configuration. */
  config: BackendConfig | null;
  /** `--db` as resolved (undefined: TECSALUD_DB, then ./tecsalud-batch.db). */
  db: string | undefined;
  /** Where `db` came from (`--db`, `TECSALUD_DB`, the config file's db), for hints; undefined: the default. */
  dbSetting: string | undefined;
  /**
   * Why the configuration could not be read, for a command that reports it itself (`doctor`: a broken
   * config file is one failed check among others). Other commands never see it: resolving throws.
   */
  configError?: unknown;
  /** Stops a long run (Ctrl-C); the command installs its own handlers when absent. */
  signal?: AbortSignal;
  /**
   * A text extractor to use instead of starting the configured one: a dependency a caller can inject (a
   * test's stand-in for the extraction pool; a long-lived process that keeps one open).
   */
  extractor?: TextExtractor;
}

export function processEnvironment(): ProgramEnvironment {
  return {
    cwd: process.cwd(),
    env: process.env,
    io: { stdout: process.stdout, stderr: process.stderr },
    stdin: process.stdin,
    startedAt: 0,
  };
}

/** The flags a command may carry that choose the configuration and the backends. */
type ConfigFlags = Omit<BackendFlags, 'cwd' | 'env'>;

/**
 * Resolves the configuration of one run. Commands that declare `--config` read it (the config file, the
 * environment and their flags); the others use their `--db` alone.
 */
export async function createCommandContext(
  environment: ProgramEnvironment,
  flags: ConfigFlags & Record<string, unknown>,
  options: { readConfig: boolean; reportsConfigErrors?: boolean },
): Promise<CommandContext> {
  if (!options.readConfig)
    return { ...environment, config: null, db: flags.db, dbSetting: databaseSettingOf(null, flags.db) };
  const { loadBackendConfig } = await import('../config/load-config.js');
  const load = () =>
    loadBackendConfig({
      cwd: environment.cwd,
      env: environment.env,
      config: flags.config,
      db: flags.db,
      vectorStore: flags.vectorStore,
      chromaUrl: flags.chromaUrl,
      chromaToken: flags.chromaToken,
      collection: flags.collection,
      embedder: flags.embedder,
      embeddingModel: flags.embeddingModel,
      embeddingDimensions: flags.embeddingDimensions,
    });
  if (!options.reportsConfigErrors) {
    const config = await load();
    return { ...environment, config, db: config.db, dbSetting: databaseSettingOf(config, flags.db) };
  }
  try {
    const config = await load();
    return { ...environment, config, db: config.db, dbSetting: databaseSettingOf(config, flags.db) };
  } catch (error) {
    return {
      ...environment,
      config: null,
      db: flags.db,
      dbSetting: databaseSettingOf(null, flags.db),
      configError: error,
    };
  }
}

/** The flags that name a file or folder: an empty one, or one starting with `~`, is refused (see checkPathSetting). */
const PATH_FLAGS = new Set([
  '--config',
  '--db',
  '--log-file',
  '--archive-dir',
  '--quarantine-dir',
  '--upload-dir',
]);

const contexts = new WeakMap<CommandUnknownOpts, CommandContext>();
const reportingConfigErrors = new WeakSet<CommandUnknownOpts>();

/** Marks a command that reports a configuration it cannot read itself, instead of failing before it runs. */
export function reportsConfigErrors<C extends CommandUnknownOpts>(command: C): C {
  reportingConfigErrors.add(command);
  return command;
}

/** The context the program's preAction hook gives `command`: its configuration, read once. */
export async function resolveContextFor(
  command: CommandUnknownOpts,
  environment: ProgramEnvironment,
): Promise<CommandContext> {
  for (const option of command.options) {
    const value: unknown =
      option.long && PATH_FLAGS.has(option.long) ? command.getOptionValue(option.attributeName()) : undefined;
    if (typeof value === 'string') checkPathSetting(value, option.long!, homeFolder(environment.env));
  }
  return createCommandContext(environment, command.opts(), {
    readConfig: command.options.some((option) => option.long === '--config'),
    reportsConfigErrors: reportingConfigErrors.has(command),
  });
}
const exitCodes = new WeakMap<CommandUnknownOpts, number>();

/** Called by the program's preAction hook for the command about to run. */
export function setCommandContext(command: CommandUnknownOpts, context: CommandContext): void {
  contexts.set(command, context);
}

/** The context the preAction hook resolved for this command. */
export function contextOf(command: CommandUnknownOpts): CommandContext {
  const context = contexts.get(command);
  if (!context) throw new Error(`no context for the command '${command.name()}'`);
  return context;
}

/** Records a handler's exit code on the program, where `runProgram` reads it. */
export function finish(command: CommandUnknownOpts, exitCode: number): void {
  let root = command;
  while (root.parent) root = root.parent;
  exitCodes.set(root, exitCode);
}

export function exitCodeOf(program: CommandUnknownOpts): number | undefined {
  return exitCodes.get(program);
}
