/**
 * How recently a file that is not yet a whole PDF must have changed for a run to take it as still being
 * copied in (`ingest --still-writing-seconds`). A copy under way changes every moment; a minute leaves room for
 * a network share that updates the time only now and then, and costs nothing for files that are whole.
 */
export const DEFAULT_STILL_WRITING_SECONDS = 60;

/** Where PDF readers look for the closing `%%EOF`: within the last 1 KiB of the file. */
export const EOF_WINDOW = 1024;
const EOF_MARKER = Buffer.from('%%EOF', 'latin1');

/** The size and modification time of a file at one moment (a stat). */
export interface FileState {
  size: number;
  mtimeMs: number;
}

/**
 * Whether the bytes end like a whole PDF: a `%%EOF` within their last 1 KiB. A copy cut short (an export still
 * writing, a file preallocated and still being filled with zeros) does not.
 */
export function endsLikeWholePdf(bytes: Uint8Array): boolean {
  const tail = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).subarray(
    Math.max(0, bytes.byteLength - EOF_WINDOW),
  );
  return tail.includes(EOF_MARKER);
}

/**
 * Why a file looks like a copy still under way, or null when it does not: it changed between two looks at it
 * (the folder's listing and the read, or the read and the end of its extraction), or it changed within the
 * window and is not yet a whole PDF. Pure: the caller brings the stats, the bytes' verdict and the clock.
 *
 * A file that is not whole but has been still for longer than the window is judged as it is (a truncated
 * PDF fails `corrupt`): the window only keeps a copy under way from being failed, and quarantined, half
 * written.
 */
export function stillBeingWritten(
  facts: { before: FileState | null; now: FileState; endsWhole?: boolean },
  clock: { nowMs: number; windowMs: number },
): string | null {
  const { before, now } = facts;
  if (before && (before.size !== now.size || before.mtimeMs !== now.mtimeMs)) {
    return (
      `it changed while the run was reading it (${describeChange(before, now)}): it is still being written; ` +
      'left for the next run'
    );
  }
  if (facts.endsWhole !== false || clock.windowMs <= 0) return null;
  const ageMs = clock.nowMs - now.mtimeMs;
  // A time in the future (a share's clock ahead of this one) counts as recent only within the window too.
  if (Math.abs(ageMs) >= clock.windowMs) return null;
  const seconds = Math.max(0, Math.round(ageMs / 1000));
  return (
    `modified ${seconds} s ago and not yet a whole PDF (no %%EOF at its end): it is still being written; left for ` +
    `the next run (a file unchanged for ${Math.round(clock.windowMs / 1000)} s is read as it is)`
  );
}

/**
 * The names transfer tools give a file until it is complete, renaming it then: WinSCP's `.filepart`, browsers'
 * `.part`, `.crdownload` and `.download`, and the `.partial` / `.tmp` of many exporters and scanners.
 */
const TRANSFER_SUFFIXES = ['.filepart', '.part', '.partial', '.crdownload', '.download', '.tmp'] as const;

/**
 * Why a file is a transfer still under way by its name, or null: named as a tool names a file it is still
 * writing, and changed within the window. Failed as a bad name and quarantined, it would be moved away under
 * the tool that is about to rename it (the upload then fails, the half file sits in the quarantine). One left
 * untouched for longer is an abandoned transfer, judged as any file.
 */
export function transferUnderWay(
  name: string,
  mtimeMs: number | null,
  clock: { nowMs: number; windowMs: number },
): string | null {
  const suffix = TRANSFER_SUFFIXES.find((s) => name.toLowerCase().endsWith(s));
  if (!suffix || mtimeMs === null || clock.windowMs <= 0) return null;
  const ageMs = clock.nowMs - mtimeMs;
  if (Math.abs(ageMs) >= clock.windowMs) return null;
  return (
    `named as a transfer still under way ('${suffix}') and modified ${Math.max(0, Math.round(ageMs / 1000))} s ago: ` +
    'left for the next run, which takes the file under its final name'
  );
}

/**
 * Why a file under a transfer's name that no longer changes fails, or null for a name no transfer tool gives: its
 * transfer was cancelled or cut off, and the tool that would have renamed it never will. Said as such (not only
 * "not a .pdf file"), with the two ways out, so that nobody waits for a rename that is not coming.
 */
export function abandonedTransfer(name: string, mtimeMs: number | null, nowMs: number): string | null {
  const suffix = TRANSFER_SUFFIXES.find((s) => name.toLowerCase().endsWith(s));
  const finalName = transferFinalName(name);
  if (!suffix || finalName === null) return null;
  const unchanged =
    mtimeMs === null ? '' : ` and unchanged for ${describeDuration(Math.max(0, nowMs - mtimeMs))}`;
  return (
    `named as a transfer still under way ('${suffix}')${unchanged}: the transfer seems abandoned (cancelled or cut off), ` +
    `its tool will not rename it; send the file again, or rename it to '${finalName}' if it is complete`
  );
}

/**
 * The name a transfer tool gives the file once it is complete (`x.pdf` for `x.pdf.filepart`), or null for a
 * name no transfer tool gives (or nothing but the suffix).
 */
export function transferFinalName(name: string): string | null {
  const suffix = TRANSFER_SUFFIXES.find((s) => name.toLowerCase().endsWith(s));
  if (!suffix || name.length === suffix.length) return null;
  const finalName = name.slice(0, name.length - suffix.length);
  return finalName.endsWith('/') ? null : finalName;
}

/**
 * Why a file under a transfer's name that left the folder, while its final name is there, is no failure: its
 * transfer renamed it once complete. `registered`: that final name is a file of the same session already; else
 * the folder's next `ingest --enqueue` takes it (a worker does not list the folder).
 */
export function renamedByTransfer(finalName: string, registered: boolean): string {
  return (
    `renamed to '${finalName}' when its transfer completed: nothing was lost; ` +
    (registered
      ? 'that file is processed under its own name'
      : 'the next `ingest --enqueue` of the folder queues it under that name')
  );
}

/**
 * How many still-writing windows a queued file may keep changing before a worker gives it up. A copy under way
 * ends; a file that changes for ten windows (ten minutes by default) is something else writing into the drop
 * (a log, a stuck transfer): looked at for ever, its job would keep `worker --until-idle` from ever ending.
 */
export const STILL_WRITING_WINDOWS_BEFORE_GIVING_UP = 10;

/** Whether a file first found still being written at `sinceMs` has kept changing for too long (see above). */
export function keptChangingTooLong(
  sinceMs: number | null,
  clock: { nowMs: number; windowMs: number },
): boolean {
  if (sinceMs === null || clock.windowMs <= 0) return false;
  return clock.nowMs - sinceMs >= clock.windowMs * STILL_WRITING_WINDOWS_BEFORE_GIVING_UP;
}

/** How long a file kept changing, as people read it: seconds, or minutes from two minutes on. */
export function describeDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}

/** Why a worker gave up a file that never stopped changing, and how it gets in once it does. */
export function keptChanging(forMs: number, looks: number, lastReason: string): string {
  return (
    `it kept changing for ${describeDuration(forMs)}, still being written at each of ${looks} looks (the last: ${lastReason}); ` +
    'given up so that the queue can end, and left where it is: once nothing writes to it, `ingest --enqueue` the folder again'
  );
}

function describeChange(before: FileState, now: FileState): string {
  if (before.size !== now.size) return `${before.size} bytes, then ${now.size}`;
  return 'its modification time moved';
}
