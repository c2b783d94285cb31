import fs from 'node:fs';
import path from 'node:path';
import { parseFilename } from '../core/filename/parse-filename.js';
import { matchAgainstRegistry } from '../ingest/match-against-registry.js';
import { resolveDatabaseTarget, type DatabaseTarget } from '../db/database-url.js';
import { openDatabase } from '../db/open-database.js';
import { PatientRepository } from '../db/repositories/patient-repository.js';
import { ExitCode, UserError } from '../errors.js';
import { discoverFiles } from '../ingest/discover-files.js';
import type { IngestOptions } from '../ingest/types.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import type { IngestCommandOptions } from './ingest.js';
import { writeJson, writeLine, type CommandIo } from './shared/io.js';

/** `ingest --dry-run`: the parse and match plan for every file. Writes nothing, not even a new database. */
export async function dryRunIngest(options: IngestOptions, raw: IngestCommandOptions, io: CommandIo): Promise<number> {
  if (!fs.existsSync(options.sourceDir) || !fs.statSync(options.sourceDir).isDirectory()) {
    throw new UserError(`the folder '${options.sourceDir}' does not exist`, ExitCode.Usage);
  }
  const target = resolveDatabaseTarget(raw.db, { cwd: raw.cwd, env: raw.env ?? process.env });
  const readTarget: DatabaseTarget =
    target.kind === 'sqlite' && target.path !== ':memory:' && !fs.existsSync(target.path)
      ? { kind: 'sqlite', path: ':memory:', display: ':memory:' }
      : target;
  const database = await openDatabase(readTarget, { migrate: readTarget.display === ':memory:' });
  const plan: Record<string, unknown>[] = [];
  const counts = { auto: 0, review: 0, new: 0, invalid: 0 };
  try {
    const patients = new PatientRepository(database.db);
    const totalPatients = await patients.count();
    const files = await discoverFiles({ sourceDir: options.sourceDir, glob: options.glob });
    for (const file of files.slice(0, options.maxFiles)) {
      const parse = parseFilename(path.basename(file.relativePath));
      if (!parse.ok) {
        counts.invalid++;
        plan.push({ path: file.relativePath, plan: 'invalid_name', error: parse.error.message });
        continue;
      }
      const query = parse.parsed;
      const decision = await matchAgainstRegistry(patients, query, { totalPatients, thresholds: options.thresholds });
      counts[decision.decision]++;
      plan.push({
        path: file.relativePath,
        plan: decision.decision,
        expediente: query.expediente,
        confidence: Math.round(decision.confidence * 1000) / 1000,
        reason: decision.reason,
        patient_expediente: decision.patient?.expediente ?? null,
      });
    }
  } finally {
    await database.close();
  }
  if (raw.json) writeJson(io, { dry_run: true, counts, files: plan });
  else {
    for (const item of plan) {
      const detail = item.plan === 'invalid_name' ? String(item.error) : `${item.reason} (${item.confidence})`;
      writeLine(io.stdout, `${String(item.plan).padEnd(13)} ${sanitizeForTerminal(String(item.path))}  ${sanitizeForTerminal(detail)}`);
    }
    writeLine(
      io.stdout,
      `Dry run: ${counts.auto} would attach, ${counts.review} would wait for review, ${counts.new} would create a patient, ` +
        `${counts.invalid} have invalid names. Nothing was written.`,
    );
  }
  return ExitCode.Success;
}
