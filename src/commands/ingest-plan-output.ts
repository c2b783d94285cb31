import type { IngestPlan } from '../app/plan-ingest.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import type { Messages } from '../ui/i18n/messages.js';
import { globMatchedNoFileLine, skippedHiddenLine } from '../ui/ingest-summary.js';
import { writeJson, writeLine, type CommandIo } from './shared/io.js';

/**
 * `ingest --dry-run`'s output: one line per file and the counts, or the same as JSON; the hidden and system
 * entries skipped as the run says them (its words, its `skipped_hidden` fields), so the plan predicts the run.
 */
export function printIngestPlan(io: CommandIo, plan: IngestPlan, json: boolean, messages: Messages): void {
  if (json) {
    writeJson(io, {
      dry_run: true,
      counts: plan.counts,
      files: plan.files,
      skipped_hidden: plan.skippedHidden.length,
      skipped_hidden_paths: plan.skippedHidden,
      ...(plan.filesNotMatchingGlob ? { files_not_matching_glob: plan.filesNotMatchingGlob } : {}),
    });
    return;
  }
  for (const item of plan.files) {
    // Counted by the closing line: a folder of 1,532 files planned 1,000 at a time would print 532 such lines.
    if (item.plan === 'deferred') continue;
    writeLine(io.stdout, sanitizeForTerminal(messages.dryRun.row(item.path, item.plan, item)));
  }
  writeLine(io.stdout, messages.dryRun.closing(plan.counts));
  writeLine(io.stdout, `  ${messages.dryRun.checked}`);
  const hidden = skippedHiddenLine(plan.skippedHidden, messages);
  if (hidden) writeLine(io.stdout, `  ${hidden}`);
  const unmatched = globMatchedNoFileLine(plan.glob, plan.filesNotMatchingGlob, messages);
  if (unmatched) writeLine(io.stdout, `  ${unmatched}`);
}
