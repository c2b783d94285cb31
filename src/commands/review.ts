import type { MatchingDetails } from '../core/matching/types.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import type { OpenDatabase } from '../db/open-database.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import type { BatchFile } from '../db/schema.js';
import { ExitCode, UsageError } from '../errors.js';
import { withDatabase, type DatabaseOptions } from './shared/database.js';
import { loadBackendConfig, type BackendFlags } from '../config/load-config.js';
import { processIo, writeJson, writeLine, type CommandIo } from './shared/io.js';
import { currentUser } from './shared/current-user.js';

export interface ReviewCommandOptions extends DatabaseOptions, BackendFlags {
  /** Session id or its first characters; all sessions when absent. */
  session?: string;
  user?: string;
  json?: boolean;
  io?: CommandIo;
  stdin?: NodeJS.ReadStream;
}

/**
 * `review [SESSION]`: walks the review-required files in the terminal (Ink), or lists them (`--json`,
 * or when there is no terminal). Exit code 2 while reviews remain pending, 0 when none do.
 */
export async function reviewCommand(options: ReviewCommandOptions): Promise<number> {
  const io = options.io ?? processIo;
  const stdin = options.stdin ?? process.stdin;
  const reviewer = options.user?.trim() || currentUser();
  // The same backends as the ingest that held these files: flags > env > config file > defaults.
  const backends = await loadBackendConfig(options);
  return withDatabase({ ...options, db: backends.db }, async (database) => {
    const sessionId = options.session ? await resolveSession(database, options.session) : undefined;
    const batches = new BatchRepository(database.db);
    const pending = await batches.pendingReviews(sessionId);
    if (options.json) {
      writeJson(io, { session_id: sessionId ?? null, pending: pending.map(toPendingJson) });
      return pending.length > 0 ? ExitCode.ReviewPending : ExitCode.Success;
    }
    if (pending.length === 0) {
      writeLine(
        io.stdout,
        sessionId ? `No reviews pending in session ${sessionId.slice(0, 8)}.` : 'No reviews pending.',
      );
      return ExitCode.Success;
    }
    const interactive = isTty(io.stdout) && stdin.isTTY === true;
    if (!interactive) {
      printPendingList(io, pending);
      writeLine(io.stderr, 'Settling reviews needs a terminal: run `tecsalud-batch review` in one.');
      return ExitCode.ReviewPending;
    }
    const [{ ReviewService }, { ReviewWalk }, { renderReview }, { openSearchAdapters }] = await Promise.all([
      import('../review/review-service.js'),
      import('../review/review-walk.js'),
      import('../ui/render-review.js'),
      import('./shared/adapters.js'),
    ]);
    const service = new ReviewService({
      database,
      reviewer,
      openVectors: (collection) =>
        openSearchAdapters({ database, backends, collection: options.collection ?? collection }),
    });
    const walk = new ReviewWalk(
      service,
      pending.map((file) => file.id),
    );
    try {
      await renderReview(walk, {
        stdout: io.stdout as NodeJS.WriteStream,
        stdin,
        reviewer,
        env: options.env,
      });
    } finally {
      await service.close();
    }
    const left = await batches.pendingReviews(sessionId);
    const t = walk.getState().tally;
    writeLine(io.stdout, ''); // Ink leaves the cursor at the end of its last frame
    writeLine(
      io.stdout,
      `Review: ${t.attached} attached, ${t.created} new patients, ${t.rejected} rejected, ${t.skipped} skipped · ` +
        `${left.length} still pending.`,
    );
    return left.length > 0 ? ExitCode.ReviewPending : ExitCode.Success;
  });
}

async function resolveSession(database: OpenDatabase, prefix: string): Promise<string> {
  const found = await new BatchRepository(database.db).findSessionByPrefix(prefix.trim());
  if (found.length === 0) {
    throw new UsageError(
      `no session starts with '${sanitizeForTerminal(prefix)}'`,
      'list them with `tecsalud-batch sessions`',
    );
  }
  if (found.length > 1) {
    throw new UsageError(
      `'${sanitizeForTerminal(prefix)}' matches several sessions`,
      'give more characters of the id',
    );
  }
  return found[0]!.id;
}

function toPendingJson(file: BatchFile) {
  const details = parseDetails(file.matchingDetails);
  return {
    file_id: file.id,
    session_id: file.batchId,
    filename: file.filename,
    relative_path: file.relativePath,
    expediente: file.expediente,
    document_type: file.documentType,
    numero: file.numero,
    outcome: file.outcome,
    match_confidence: file.matchConfidence,
    reason: details?.reason ?? null,
    suggestions: details?.suggestions ?? [],
  };
}

function printPendingList(io: CommandIo, pending: BatchFile[]): void {
  writeLine(io.stdout, `${pending.length} file${pending.length === 1 ? '' : 's'} waiting for review:`);
  for (const file of pending) {
    const details = parseDetails(file.matchingDetails);
    writeLine(
      io.stdout,
      `  ${file.batchId.slice(0, 8)}  ${sanitizeForTerminal(file.relativePath)}  ` +
        `(${details?.reason ?? file.outcome ?? 'review'}, confidence ${file.matchConfidence?.toFixed(2) ?? '–'})`,
    );
  }
}

function parseDetails(json: string | null): Partial<MatchingDetails> | null {
  if (!json) return null;
  try {
    return JSON.parse(json) as Partial<MatchingDetails>;
  } catch {
    return null;
  }
}

function isTty(stream: NodeJS.WritableStream): boolean {
  return (stream as Partial<NodeJS.WriteStream>).isTTY === true;
}
