import type { IngestPlan } from '../app/plan-ingest.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import { writeJson, writeLine, type CommandIo } from './shared/io.js';

/** `ingest --dry-run`'s output: one line per file and the counts, or the same as JSON. */
export function printIngestPlan(io: CommandIo, plan: IngestPlan, json: boolean): void {
  if (json) {
    writeJson(io, { dry_run: true, counts: plan.counts, files: plan.files });
    return;
  }
  for (const item of plan.files) {
    const detail = item.plan === 'invalid_name' ? String(item.error) : `${item.reason} (${item.confidence})`;
    writeLine(io.stdout, `${item.plan.padEnd(13)} ${sanitizeForTerminal(item.path)}  ${sanitizeForTerminal(detail)}`);
  }
  const { counts } = plan;
  writeLine(
    io.stdout,
    `Dry run: ${counts.auto} would attach, ${counts.review} would wait for review, ${counts.new} would create a patient, ` +
      `${counts.invalid} have invalid names` +
      (counts.settled ? `; ${counts.settled} unchanged since a run settled them (not listed)` : '') +
      '. Nothing was written.',
  );
}
