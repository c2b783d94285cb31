import type { EntryStatus, ReviewWalkState } from '../../app/review-walk.js';
import { sanitizeForTerminal } from '../../core/text/sanitize-for-terminal.js';
import { formatLocalTimestamp } from '../format.js';
import type { Messages } from '../i18n/messages.js';
import { displayWidth, fitLine, plain, type Line } from '../lines.js';

const GAP = '  ';
const STATUSES: readonly EntryStatus[] = ['pending', 'attached', 'created', 'rejected', 'skipped'];
/** The most columns a settling reviewer's name takes in the status column (`settled by …`). */
const MAX_SETTLED_BY = 12;
/** A name cut shorter than this tells nobody apart: the row ends at the type instead. */
const MIN_NAME = 6;
/** Why it was held, and when, only with room to be read. */
const MIN_TAIL = 12;

/**
 * The pending list (`l`) as rows of aligned columns: number, status, expediente, type, name, then why the file
 * was held and its session and date. Each column is as wide as its longest value, so every row lines up
 * whatever the names. A narrow terminal gives up the least telling columns first (session and reason, then
 * the name is cut with an ellipsis, then type and status); the number and the expediente are never cut.
 */
export function pendingListLines(
  state: ReviewWalkState,
  cursor: number,
  width: number,
  height: number,
  m: Messages,
): { lines: Line[]; scroll: number; heading: number } {
  const rows = state.entries.map(({ entry, status, settled }, i) => ({
    number: `${i === state.position ? '▶' : ' '} ${String(i + 1).padStart(Math.max(3, String(state.entries.length).length))}`,
    // Settled by another reviewer meanwhile (another terminal, the HTTP API): by whom, as the case's header says.
    status:
      status === 'settled_elsewhere'
        ? m.entrySettledBy(settled?.by ? cut(sanitizeForTerminal(settled.by), MAX_SETTLED_BY) : null)
        : m.entryStatus(status),
    expediente: entry.expediente ?? '—',
    type: entry.typeCode ?? '',
    // A filename that no longer parses: the file's own name says which it is.
    name: sanitizeForTerminal(entry.name ?? entry.relativePath.split('/').pop() ?? entry.relativePath),
    tail: `${m.reason(entry.reason)} · ${entry.sessionId.slice(0, 8)} ${formatLocalTimestamp(entry.registeredAt, m.lang, 'date')}`,
    style: { inverse: i === cursor, tone: status === 'pending' ? undefined : ('muted' as const) },
  }));
  const widest = (values: string[]) => Math.max(0, ...values.map(displayWidth));
  const numberWidth = widest(rows.map((row) => row.number));
  const expedienteWidth = widest(rows.map((row) => row.expediente));
  // Every status word, not only those shown: a decision must not shift the columns.
  const statusWidth = widest([
    ...STATUSES.map((status) => m.entryStatus(status)),
    ...rows.map((row) => row.status),
  ]);
  const typeWidth = widest(rows.map((row) => row.type));
  const nameWidth = widest(rows.map((row) => row.name));

  let used = numberWidth + GAP.length + expedienteWidth;
  const showStatus =
    used + GAP.length + statusWidth + GAP.length + (typeWidth > 0 ? typeWidth + GAP.length : 0) <= width;
  if (showStatus) used += GAP.length + statusWidth;
  const showType = typeWidth > 0 && used + GAP.length + typeWidth <= width;
  if (showType) used += GAP.length + typeWidth;
  const nameRoom = width - used - GAP.length;
  const nameColumn = nameRoom >= MIN_NAME ? Math.min(nameWidth, nameRoom) : 0;
  const tailRoom = nameRoom - nameColumn - GAP.length;
  const showTail = nameColumn === nameWidth && tailRoom >= MIN_TAIL;

  const body: Line[] = rows.map((row) => {
    let text = `${row.number}${GAP}`;
    if (showStatus) text += `${pad(row.status, statusWidth)}${GAP}`;
    text += pad(row.expediente, expedienteWidth);
    if (showType) text += `${GAP}${pad(row.type, typeWidth)}`;
    if (nameColumn > 0) text += `${GAP}${pad(cut(row.name, nameColumn), showTail ? nameColumn : 0)}`;
    if (showTail) text += `${GAP}${cut(row.tail, tailRoom)}`;
    return plain(text.trimEnd(), row.style);
  });
  // Decided here or settled elsewhere, a case stays listed (to go back to it): the title counts what still waits,
  // as the walk's tally does for the closing summary.
  const title = m.listTitle(state.entries.length, state.tally.remaining);
  const lines = [plain(title, { bold: true, underline: true }), ...body];
  // Keep the highlighted row in view, with the title when it fits.
  const scroll = Math.max(0, Math.min(cursor + 1 - Math.floor(height / 2), lines.length - height));
  // The title is no case: the footer's `first–last / total` counts the rows below it.
  return { lines: lines.map((line) => fitLine(line, width)), scroll, heading: 1 };
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/** `text` in at most `width` columns, ending in `…` when it was cut. */
function cut(text: string, width: number): string {
  return fitLine(plain(text), width)
    .map((segment) => segment.text)
    .join('');
}
