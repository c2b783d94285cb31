import path from 'node:path';
import { parseFilename } from '../core/filename/parse-filename.js';
import type { MatchDecision } from '../core/matching/types.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import { PatientRepository } from '../db/repositories/patient-repository.js';
import { ExitCode, UsageError } from '../errors.js';
import { matchAgainstRegistry } from '../ingest/match-against-registry.js';
import { withDatabase, type DatabaseOptions } from './shared/database.js';
import { processIo, writeJson, writeLine, type CommandIo } from './shared/io.js';

export interface MatchCommandOptions extends DatabaseOptions {
  filenames: string[];
  json?: boolean;
  autoThreshold?: string;
  reviewThreshold?: string;
  io?: CommandIo;
}

/** Explains, for admins and for debugging, how each filename would match against the registry now. */
export async function matchCommand(options: MatchCommandOptions): Promise<number> {
  const io = options.io ?? processIo;
  const thresholds = {
    auto: parseThreshold(options.autoThreshold, 0.95, '--auto-threshold'),
    review: parseThreshold(options.reviewThreshold, 0.6, '--review-threshold'),
  };
  if (thresholds.review > thresholds.auto) throw new UsageError('--review-threshold must not be above --auto-threshold');
  const results = await withDatabase(options, async ({ db }) => {
    const patients = new PatientRepository(db);
    const totalPatients = await patients.count();
    const out: { filename: string; error?: string; decision?: MatchDecision }[] = [];
    for (const name of options.filenames) {
      const filename = path.basename(name);
      const parse = parseFilename(filename);
      if (!parse.ok) out.push({ filename, error: parse.error.message });
      else out.push({ filename, decision: await matchAgainstRegistry(patients, parse.parsed, { totalPatients, thresholds }) });
    }
    return out;
  });
  if (options.json) {
    writeJson(
      io,
      results.map((r) =>
        r.decision
          ? {
              filename: r.filename,
              decision: r.decision.decision,
              confidence: r.decision.confidence,
              reason: r.decision.reason,
              patient: r.decision.patient
                ? { id: r.decision.patient.id, expediente: r.decision.patient.expediente }
                : null,
              candidates: r.decision.candidates,
              matching_details: r.decision.matchingDetails,
            }
          : { filename: r.filename, error: r.error },
      ),
    );
  } else {
    for (const r of results) {
      writeLine(io.stdout, sanitizeForTerminal(r.filename));
      if (!r.decision) {
        writeLine(io.stdout, `  ✗ invalid name: ${sanitizeForTerminal(r.error ?? '')}`);
        continue;
      }
      const d = r.decision;
      writeLine(io.stdout, `  decision   ${d.decision.toUpperCase()} (confidence ${d.confidence.toFixed(3)}) — ${d.reason}`);
      if (d.patient) writeLine(io.stdout, `  patient    ${d.patient.expediente} ${sanitizeForTerminal(fullName(d.patient))}`);
      d.candidates.forEach((c, i) => {
        writeLine(
          io.stdout,
          `  ${i + 1}. ${c.patient.expediente} ${sanitizeForTerminal(fullName(c.patient))}  ${c.scores.combined.toFixed(3)}`,
        );
        for (const reason of c.reasons) writeLine(io.stdout, `       · ${sanitizeForTerminal(reason)}`);
      });
      if (d.candidates.length === 0) writeLine(io.stdout, '  no candidates in the registry');
    }
  }
  return results.some((r) => !r.decision) ? ExitCode.SomeFailed : ExitCode.Success;
}

function fullName(p: { apellidoPaterno: string; apellidoMaterno: string; nombres: string }): string {
  return `${p.apellidoPaterno}${p.apellidoMaterno ? ` ${p.apellidoMaterno}` : ''}, ${p.nombres}`;
}

function parseThreshold(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`${flag} must be a number between 0 and 1`);
  return n;
}
