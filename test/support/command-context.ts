import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCommandContext, type CommandContext } from '../../src/commands/context.js';
import type { TextExtractor } from '../../src/adapters/extraction/types.js';
import type { CommandIo } from '../../src/commands/shared/io.js';
import type { BackendConfig } from '../../src/config/load-config.js';
import { captureIo } from './databases.js';

export interface TestContextOptions {
  cwd: string;
  /** `--db` */
  db?: string;
  /** The environment the configuration reads (default: empty, so the developer's own does not leak in). */
  env?: NodeJS.ProcessEnv;
  io?: CommandIo;
  stdin?: NodeJS.ReadStream;
  signal?: AbortSignal;
  /** The clock the command reads. */
  now?: () => Date;
  /** Injected in place of the configured extractor (see in-process-extractor). */
  extractor?: TextExtractor;
  /** Other configuration flags, as commander would hand them over. */
  flags?: {
    config?: string;
    vectorStore?: string;
    chromaUrl?: string;
    collection?: string;
    embedder?: string;
    embeddingModel?: string;
    embeddingDimensions?: string;
  };
}

/** The context the program's preAction hook would give a command run with these flags. */
export async function commandContext(options: TestContextOptions): Promise<CommandContext> {
  const context = await createCommandContext(
    {
      cwd: options.cwd,
      env: options.env ?? {},
      io: options.io ?? captureIo().io,
      stdin: options.stdin ?? process.stdin,
      ...(options.now ? { now: options.now } : {}),
    },
    { db: options.db, ...options.flags },
    { readConfig: true },
  );
  return {
    ...context,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.extractor ? { extractor: options.extractor } : {}),
  };
}

/** The configuration of a run with no flags, no environment and no config file: the embedded defaults. */
export async function defaultBackends(): Promise<BackendConfig> {
  const { loadBackendConfig } = await import('../../src/config/load-config.js');
  return loadBackendConfig({ cwd: EMPTY_FOLDER, env: {} });
}

const EMPTY_FOLDER = fs.mkdtempSync(path.join(os.tmpdir(), 'tecsalud-no-config-'));
