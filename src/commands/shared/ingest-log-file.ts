import type { IngestLog } from '../../app/ingest-log.js';
import type { Lang } from '../../ui/i18n/language.js';
import type { CommandContext } from '../context.js';

/**
 * `--log-file` as `ingest` and `ingest --enqueue` both open it: a nightly cron line with --enqueue added keeps
 * its record of the night in the same log, kept the same way. Names stay out of every log unless --no-redact
 * says otherwise (--redact is kept for old scripts); `null` without --log-file.
 */
export async function openIngestLogFile(
  options: { logFile?: string; redact?: boolean },
  context: Pick<CommandContext, 'cwd' | 'config'>,
  lang: Lang,
): Promise<IngestLog | null> {
  if (!options.logFile) return null;
  const { openIngestLog } = await import('../../app/ingest-log.js');
  return openIngestLog(options.logFile, {
    cwd: context.cwd,
    redact: options.redact !== false,
    fileMode: context.config?.fileMode,
    lang,
  });
}
