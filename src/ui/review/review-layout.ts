import type {
  Agreement,
  AttachRisk,
  CandidateEvidence,
  ConfirmPart,
  DocumentIdentity,
  ReviewCase,
  ReviewWalkState,
} from '../../app/review-walk.js';
import { sanitizeForTerminal } from '../../core/text/sanitize-for-terminal.js';
import { formatCalendarDate, formatLocalTimestamp, truncateMiddle } from '../format.js';
import { HELP_KEYS, type KeyHelp, type Messages } from '../i18n/messages.js';
import {
  displayWidth,
  fitLine,
  joinWhileFits,
  lineWidth,
  plain,
  wrapSegments,
  type Line,
  type Segment,
} from '../lines.js';
import { pendingListLines } from './pending-list.js';
import type { ReviewView } from './review-view.js';

export interface ReviewLayoutInput {
  state: ReviewWalkState;
  view: ReviewView;
  /** Columns to use (one short of the terminal's: a full-width row makes some terminals wrap the cursor). */
  width: number;
  /** The terminal's rows: the frame takes one fewer, so that Ink never clears the screen and scrollback. */
  rows: number;
  messages: Messages;
  reviewer?: string;
}

/**
 * The review screen as rows: a header pinned at the top (position, file, expediente, why it was held, the
 * id-conflict banner), a body that scrolls (the evidence and the whole text, or an overlay: help, the
 * pending list, a confirmation, the summary), and key hints pinned at the bottom. Every row is one
 * terminal row and the frame is `rows - 1` tall whatever the content, so it always fits.
 */
export interface ReviewLayout {
  header: Line[];
  /** The visible rows of the body, padded to `bodyHeight`. */
  body: Line[];
  footer: Line[];
  bodyHeight: number;
  /** The body's full length and the largest scroll that still fills it (for the key handler). */
  bodyLength: number;
  maxScroll: number;
  /**
   * Where each candidate's identity row (rank, expediente, name) is among the body's rows: in the case's
   * evidence, or in an attach's confirmation. Empty under the help, the list and the summary.
   */
  candidateRows: ReadonlyMap<number, number>;
  /** The ranks whose identity row is on screen now (see ReviewWalk.markShown). */
  shownCandidates: number[];
  /**
   * The scroll that brings each part of a confirmation (the row naming the candidate, each reason) into view:
   * its first row at the top, or its last at the bottom when it is taller than the body. Empty when no
   * confirmation is open.
   */
  confirmPartScroll: ReadonlyMap<ConfirmPart, number>;
  /** The parts of the confirmation on screen now, whole (see ReviewWalk.markConfirmShown). */
  shownConfirmParts: ConfirmPart[];
}

export function layoutReview(input: ReviewLayoutInput): ReviewLayout {
  const width = Math.max(20, input.width);
  const frame = Math.max(3, input.rows - 1);
  const { header, notice } = fitHeaderAndNotice(
    headerLines(input, width),
    noticeLines(input, width),
    frame,
    width,
  );
  const footerRows = 1 + Math.max(1, notice.length);
  let bodyHeight = Math.max(1, frame - header.length - footerRows);
  let body = bodyOf(input, width, bodyHeight);
  // Where the body is in its length goes on the notice's last row when it fits there, else on a row of its own
  // taken from the body: a notice standing where it is must not hide that there is more below.
  let markerRow = false;
  if (notice.length > 0 && body.lines.length > bodyHeight && bodyHeight > 1) {
    const length = body.lines.length;
    const scroll = Math.min(Math.max(0, body.scroll), length - bodyHeight);
    const marker = scrollMarker({ scroll, bodyHeight, length, heading: body.heading });
    if (lineWidth(notice.at(-1)!) + 2 + displayWidth(marker) > width) {
      markerRow = true;
      bodyHeight--;
      body = bodyOf(input, width, bodyHeight);
    }
  }
  const { lines, heading, candidateRows, confirmParts } = body;
  const maxScroll = Math.max(0, lines.length - bodyHeight);
  const scroll = Math.min(Math.max(0, body.scroll), maxScroll);
  const shown = lines.slice(scroll, scroll + bodyHeight).map((line) => fitLine(line, width));
  while (shown.length < bodyHeight) shown.push([]);
  const footer = footerLines(input, width, notice, markerRow, {
    scroll,
    bodyHeight,
    length: lines.length,
    heading,
  }).map((line) => fitLine(line, width));
  return {
    header: header.map((line) => fitLine(line, width)),
    body: shown,
    footer,
    bodyHeight,
    bodyLength: lines.length,
    maxScroll,
    candidateRows,
    shownCandidates: [...candidateRows]
      .filter(([, row]) => row >= scroll && row < scroll + bodyHeight)
      .map(([rank]) => rank),
    confirmPartScroll: new Map(
      [...confirmParts].map(([part, { start, end }]) => [
        part,
        end - start > bodyHeight ? end - bodyHeight : start,
      ]),
    ),
    // A part taller than the whole body can never be on screen at once: it counts once its last row is, the
    // reader having scrolled through it to get there.
    shownConfirmParts: [...confirmParts]
      .filter(([, { start, end }]) =>
        end - start > bodyHeight
          ? end - 1 >= scroll && end - 1 < scroll + bodyHeight
          : start >= scroll && end <= scroll + bodyHeight,
      )
      .map(([part]) => part),
  };
}

/** The rows a part of a confirmation takes among the body's, `end` excluded. */
interface PartRows {
  start: number;
  end: number;
}

/** The body's rows (all of them), where its scroll asks to be, and where each candidate is among them. */
function bodyOf(
  input: ReviewLayoutInput,
  width: number,
  bodyHeight: number,
): {
  lines: Line[];
  scroll: number;
  heading: number;
  candidateRows: Map<number, number>;
  confirmParts: Map<ConfirmPart, PartRows>;
} {
  const { state, view, messages: m } = input;
  const none = {
    scroll: 0,
    heading: 0,
    candidateRows: new Map<number, number>(),
    confirmParts: new Map<ConfirmPart, PartRows>(),
  };
  if (state.phase === 'confirming' && state.confirm && state.current) {
    return { ...none, ...confirmLines(state.current, state.confirm, width, m), scroll: view.confirmScroll };
  }
  if (view.overlay === 'help') return { ...none, lines: helpLines(width, m), scroll: view.helpScroll };
  if (view.overlay === 'list') {
    return { ...none, ...pendingListLines(state, view.listCursor, width, bodyHeight, m) };
  }
  if (state.phase === 'done' || state.phase === 'closed')
    return { ...none, lines: doneLines(state, width, m) };
  if (state.current) {
    return { ...none, ...caseLines(state.current, view.details, width, m), scroll: view.scroll };
  }
  return { ...none, lines: [plain(state.phase === 'loading' ? m.loading : '', { tone: 'muted' })] };
}

/** The fewest body rows a frame keeps: the candidate a key attaches to is scrolled into them. */
const MIN_BODY_ROWS = 3;

/**
 * On a short terminal the header and the notice give up rows before the body and the keys do, in this
 * order: the header's rows between the file's name and the id-conflict banner (least telling first, see
 * HEADER_KEEP), the notice down to one row (its last row marked as cut), the banner down to one row, and only
 * then the file's name, then the banner. The title and the file's name stay longest: whatever a refusal says, the
 * reviewer sees which file a key decides on (at 40×12 a 4-row notice pushed the name off the screen).
 */
function fitHeaderAndNotice(
  { lines, banner, keep }: HeaderRows,
  noticeRows: Line[],
  frame: number,
  width: number,
): { header: Line[]; notice: Line[] } {
  let header = lines;
  let notice = noticeRows;
  const overflows = () => header.length + 1 + Math.max(1, notice.length) + MIN_BODY_ROWS > frame;
  let kept = keep;
  const dropHeaderRow = (index: number) => {
    header = header.filter((_, row) => row !== index);
    kept = kept.filter((_, row) => row !== index);
  };
  // Rows 0 and 1 are the title and the file's name (when the walk is not finished); of the rows between them
  // and the banner, the least telling goes first, the lowest of those when several tell as much.
  while (overflows() && header.length - banner > 2) {
    let least = header.length - banner - 1;
    for (let row = least - 1; row >= 2; row--) if (kept[row]! < kept[least]!) least = row;
    dropHeaderRow(least);
  }
  while (overflows() && notice.length > 1) notice = cutRows(notice, notice.length - 1, width);
  while (overflows() && banner > 1) {
    header = cutRows(header, header.length - 1, width);
    banner--;
  }
  while (overflows() && header.length > 1) {
    const above = header.length - banner;
    if (above <= 1) banner--;
    dropHeaderRow(above > 1 ? above - 1 : header.length - 1);
  }
  return { header, notice };
}

/** The first `count` rows, the last of them marked as cut when rows were left out. */
function cutRows(rows: Line[], count: number, width: number): Line[] {
  if (rows.length <= count) return rows;
  const kept = rows.slice(0, count);
  kept[count - 1] = fitLine([...kept[count - 1]!, { text: ' '.repeat(width) }], width);
  return kept;
}

/**
 * How long each kind of header row stays on a short terminal (higher: longer). The rows saying that the
 * document, or a copy of it, names another patient stay longest: they are why a digit may attach the file to the
 * wrong person. The filename's parsed line goes first, as the file's name above it says the same; then what
 * only repeats what a key would be told (decided here, settled or being decided elsewhere); then today's
 * reading ("Now:"), which the evidence below states too.
 */
const HEADER_KEEP = {
  filename: 1,
  elsewhere: 2,
  now: 3,
  held: 4,
  namesAnother: 5,
  pinned: Number.POSITIVE_INFINITY,
} as const;

/** Held for one of these, the file (or a copy of its content) names, or belongs to, another patient. */
const NAMES_ANOTHER: ReadonlySet<string> = new Set([
  'content_mismatch',
  'taken_back',
  'id_conflict',
  'id_match_name_fits_other',
]);

interface HeaderRows {
  lines: Line[];
  /** How many of the rows, at the end, are the id-conflict banner. */
  banner: number;
  /** How long each row stays on a short terminal (see HEADER_KEEP). */
  keep: number[];
}

/** The header's rows, how many of them, at its end, are the id-conflict banner, and how long each stays. */
function headerLines(input: ReviewLayoutInput, width: number): HeaderRows {
  const rows = headerRows(input, width);
  return {
    lines: rows.lines.map((row) => row.line),
    banner: rows.banner,
    keep: rows.lines.map((row) => row.keep),
  };
}

function headerRows(
  input: ReviewLayoutInput,
  width: number,
): { lines: { line: Line; keep: number }[]; banner: number } {
  const { state, messages: m } = input;
  const entry = state.entries[state.position]?.entry;
  const finished = state.phase === 'done' || state.phase === 'closed';
  const title = [
    finished ? m.reviewFinished : m.reviewPosition(state.position + 1, state.total),
    entry && !finished ? m.session(entry.sessionId.slice(0, 8)) : '',
    input.reviewer ? m.reviewer(sanitizeForTerminal(input.reviewer)) : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const right = m.helpHint;
  const gap = Math.max(1, width - displayWidth(title) - displayWidth(right));
  const lines: { line: Line; keep: number }[] = [];
  const add = (keep: number, ...rows: Line[]) => lines.push(...rows.map((line) => ({ line, keep })));
  add(HEADER_KEEP.pinned, [
    { text: title, tone: 'accent', bold: true },
    { text: ' '.repeat(gap) },
    { text: right, tone: 'muted' },
  ]);
  if (finished) return { lines, banner: 0 };
  const current = state.current;
  const path = current?.relativePath ?? entry?.relativePath ?? '';
  add(HEADER_KEEP.pinned, plain(truncateMiddle(sanitizeForTerminal(path), width), { bold: true }));
  const p = current?.parsed;
  if (current && p) {
    add(
      HEADER_KEEP.filename,
      plain(
        sanitizeForTerminal(
          m.filenameLine(
            p.expediente,
            p.nombreCompleto,
            m.documentType(p.documentType),
            p.documentTypeCode,
            p.numero,
          ),
        ),
      ),
    );
  } else if (current && !p) {
    add(
      HEADER_KEEP.filename,
      plain(m.unparsable(sanitizeForTerminal(m.detail(current.parseError ?? ''))), { tone: 'danger' }),
    );
  } else {
    add(HEADER_KEEP.filename, plain(''));
  }
  const reason = current?.heldReason ?? entry?.reason ?? null;
  const heldArgs = [
    m.reason(reason),
    current?.heldConfidence ?? entry?.confidence ?? null,
    current?.pages ?? null,
  ] as const;
  const now = current ? heldReasonNow(current) : null;
  // Taken back over a copy, the TAKEN BACK row below says more (which expediente the copy names), and stays.
  const heldKeep =
    reason !== null && NAMES_ANOTHER.has(reason) && current?.detached?.kind !== 'taken_back'
      ? HEADER_KEEP.namesAnother
      : HEADER_KEEP.held;
  if (now === null) add(heldKeep, plain(m.held(...heldArgs), { tone: 'muted' }));
  else {
    // The reason is the ingest's; the evidence below is today's registry's. Said apart, so that the screen
    // never reads "contradicts" above "agrees" (wrapped: at 60 columns its end is what changed).
    add(heldKeep, plain(m.heldAtIngest(...heldArgs), { tone: 'muted' }));
    add(
      'reason' in now && NAMES_ANOTHER.has(now.reason) ? HEADER_KEEP.namesAnother : HEADER_KEEP.now,
      ...cutRows(
        wrapSegments(
          plain(m.heldNow('reason' in now ? { reason: m.reason(now.reason) } : now), { tone: 'warning' }),
          width,
          { indent: 2 },
        ),
        2,
        width,
      ),
    );
  }
  // Shown again (← or the list) after it was decided here: it says so before a key is refused as "settled".
  const status = state.entries[state.position]?.status;
  if (status === 'attached' || status === 'created' || status === 'rejected') {
    add(HEADER_KEEP.elsewhere, plain(`✓ ${m.decidedInSitting(status)}`, { tone: 'success', bold: true }));
  }
  const back = current?.detached ?? null;
  if (back) {
    // Its own row, marked: the file was attached once, and a person or a copy says it may be another's.
    const by = sanitizeForTerminal(back.by);
    const on = formatLocalTimestamp(back.at, m.lang, 'date');
    // Wrapped (two rows at most): cut at one row, 60 columns lost its end, the expediente the copy names.
    add(
      back.kind === 'taken_back' ? HEADER_KEEP.namesAnother : HEADER_KEEP.held,
      ...cutRows(
        wrapSegments(
          plain(
            back.kind === 'taken_back' && back.copy
              ? m.takenBackBy(by, back.fromExpediente, back.copy.expediente, on)
              : m.detachedBy(by, back.fromExpediente, on),
            { tone: 'warning', bold: true },
          ),
          width,
          { indent: 2 },
        ),
        2,
        width,
      ),
    );
  }
  const settled = current?.settledElsewhere ?? null;
  // Settled by somebody else since the list was read: said before a key is refused (a decision here is).
  if (settled && status !== 'attached' && status !== 'created' && status !== 'rejected') {
    const by = settled.by === null ? null : sanitizeForTerminal(settled.by);
    const line = plain(`⚠ ${m.settledElsewhere(by, settled.status)}`, { tone: 'warning', bold: true });
    add(HEADER_KEEP.elsewhere, ...cutRows(wrapSegments(line, width, { indent: 2 }), 2, width));
  }
  if (current?.decidingElsewhere && !settled) {
    add(
      HEADER_KEEP.elsewhere,
      plain(`⚠ ${m.decidingElsewhere(sanitizeForTerminal(current.decidingElsewhere.by))}`, {
        tone: 'warning',
        bold: true,
      }),
    );
  }
  if (current?.idConflict && current.expedienteOwner && p) {
    const owner = current.expedienteOwner;
    const ownerName = `${owner.apellidoPaterno}${owner.apellidoMaterno ? ` ${owner.apellidoMaterno}` : ''}, ${owner.nombres}`;
    // Wrapped whole, never cut: cut at one row, it lost whose the expediente is (at 60 columns, the owner's name).
    const banner = wrapSegments(
      plain(sanitizeForTerminal(` !! ${m.idConflictBanner(owner.expediente, ownerName, p.nombreCompleto)}`), {
        tone: 'danger',
        inverse: true,
        bold: true,
      }),
      width,
      { indent: 4 },
    );
    // Longer still (huge names): the last row shows that there was more.
    const kept = cutRows(banner, BANNER_ROWS, width);
    // Each row filled to the width, the indent and the end inverse too: one block that cannot be missed.
    const rows = kept.map((row) =>
      row.map((segment) => ({ ...segment, tone: 'danger' as const, inverse: true, bold: true })),
    );
    add(HEADER_KEEP.pinned, ...rows.map(padTo(width)));
    return { lines, banner: rows.length };
  }
  return { lines, banner: 0 };
}

/**
 * What today's registry says where the ingest's reason for holding the file no longer holds: the content check
 * done again (a registry import gave the patient the birth date the document states), or the filename's match
 * done again (the patient the name fitted was created or changed meanwhile). Null when the reason still holds,
 * or when there is nothing to compare it with.
 */
function heldReasonNow(
  current: ReviewCase,
):
  | { verdict: NonNullable<DocumentIdentity['verdict']>; against: 'match' | 'filename' }
  | { reason: string }
  | null {
  const held = current.heldReason;
  if (held === null || held === 'detached' || held === 'taken_back' || held === 'content_confirmed')
    return null;
  if (held === 'content_mismatch') {
    const verdict = current.document?.verdict ?? null;
    return verdict === null || verdict === 'contradicts' || verdict === 'confirmed'
      ? null
      : { verdict, against: current.document!.verdictAgainst };
  }
  const reason = current.decision?.reason ?? null;
  return reason === null || reason === held ? null : { reason };
}

/** The most rows the id-conflict banner takes (a huge name is cut on the last). */
const BANNER_ROWS = 3;

function padTo(width: number): (row: Line) => Line {
  return (row) => {
    const room = width - lineWidth(row);
    const last = row.at(-1);
    return room > 0 && last ? [...row, { ...last, text: ' '.repeat(room) }] : row;
  };
}

/** The most rows a notice takes: a long refusal wraps, but the body keeps its room on a 60×20 terminal. */
const NOTICE_ROWS = 4;

/**
 * The status rows under the key hints: what is going on, or the last decision's notice wrapped to the
 * width (a refusal says why and what to do; cut at one row it said neither), at most NOTICE_ROWS; empty
 * when there is neither.
 */
function noticeLines(input: ReviewLayoutInput, width: number): Line[] {
  const { state, messages: m } = input;
  if (state.closing) return [plain(m.closingAfterWrite, { tone: 'warning', bold: true })];
  if (state.waitingForDatabase) {
    const { seconds, limitSeconds } = state.waitingForDatabase;
    return wrapSegments(plain(m.waitingForDatabase(seconds, limitSeconds), { tone: 'warning' }), width).slice(
      0,
      NOTICE_ROWS,
    );
  }
  if (state.phase === 'working') return [plain(m.working, { tone: 'muted' })];
  if (!state.notice) return [];
  const { tone, notice } = state.notice;
  const mark = tone === 'error' ? '✗' : tone === 'success' ? '✓' : '•';
  const rows = wrapSegments(
    plain(sanitizeForTerminal(`${mark} ${m.notice(notice)}`), {
      tone: tone === 'error' ? 'danger' : tone === 'success' ? 'success' : 'accent',
    }),
    width,
    { indent: 2 },
  );
  // Longer still (a huge name): the last row shows that there was more.
  return cutRows(rows, NOTICE_ROWS, width);
}

function footerLines(
  input: ReviewLayoutInput,
  width: number,
  notice: Line[],
  /** Whether the scroll marker takes a row of its own under the notice (it does not fit on its last row). */
  markerRow: boolean,
  /** `heading`: lines at the top that are no item (the list's title), left out of the count. */
  body: { scroll: number; bodyHeight: number; length: number; heading: number },
): Line[] {
  const { state, view, messages: m } = input;
  let keys: string;
  if (state.phase === 'confirming')
    keys = m.confirmKeys(state.confirm?.action ?? 'attach', body.length > body.bodyHeight);
  else if (view.overlay === 'help') keys = m.helpClose(body.length > body.bodyHeight);
  else if (view.overlay === 'list') keys = m.listKeys;
  else if (state.phase === 'done' || state.phase === 'closed') keys = m.doneKeys(state.canUndo);
  else {
    const candidates = state.current?.evidence.length ?? 0;
    const order: KeyHelp[] = [
      'attach',
      'new_patient',
      'reject',
      'skip',
      'undo',
      'browse',
      'page',
      'help',
      'quit',
      'list',
      'details',
      'scroll',
    ];
    // The most important keys first; what does not fit is in the help. `? help` and `q quit` always are: at
    // 60 columns a reviewer must still see how to leave.
    const hints = order.map((key) => m.keyHint(key, candidates)).filter(Boolean);
    const pinned = [m.keyHint('help', candidates), m.keyHint('quit', candidates)].filter(Boolean);
    const pinnedText = pinned.join(' · ');
    keys = joinWhileFits(hints, width);
    if (!pinned.every((hint) => keys.includes(hint)))
      keys = `${joinWhileFits(
        hints.filter((h) => !pinned.includes(h)),
        width - displayWidth(pinnedText) - 3,
      )} · ${pinnedText}`;
  }
  const keyLine: Line = [
    {
      text: keys,
      tone: state.phase === 'confirming' ? 'warning' : 'muted',
      bold: state.phase === 'confirming',
    },
  ];
  const marker = body.length > body.bodyHeight ? scrollMarker(body) : null;
  const status: Line = marker ? plain(marker, { tone: 'muted' }) : [];
  if (notice.length === 0) return [keyLine, status];
  if (!marker || markerRow) return [keyLine, ...notice, ...(marker ? [status] : [])];
  // On the notice's last row, at the right edge, where it stands without a notice.
  const last = notice.at(-1)!;
  const gap = Math.max(2, width - lineWidth(last) - displayWidth(marker));
  return [keyLine, ...notice.slice(0, -1), [...last, { text: ' '.repeat(gap) }, ...status]];
}

/** Which rows of the body are on screen, of how many, and ▲ ▼ when there are more above or below. */
function scrollMarker(body: { scroll: number; bodyHeight: number; length: number; heading: number }): string {
  const end = Math.min(body.length, body.scroll + body.bodyHeight);
  const more = end < body.length ? ' ▼' : '';
  const first = Math.max(body.scroll, body.heading) - body.heading + 1;
  const last = end - body.heading;
  const total = body.length - body.heading;
  return `${first}–${last} / ${total}${body.scroll > 0 ? ' ▲' : ''}${more}`;
}

function mark(agreement: Agreement): Segment[] {
  switch (agreement) {
    case 'agrees':
      return [{ text: '✓', tone: 'success' }];
    case 'differs':
      return [{ text: '✗', tone: 'danger', bold: true }];
    case 'uncertain':
      return [{ text: '~', tone: 'warning' }];
    case 'unknown':
      return [];
  }
}

function caseLines(
  c: ReviewCase,
  details: boolean,
  width: number,
  m: Messages,
): { lines: Line[]; candidateRows: Map<number, number> } {
  const lines: Line[] = [];
  const candidateRows = new Map<number, number>();
  if (c.detached?.reason) {
    // Who took it back and why, first: the reviewer decides knowing both names.
    lines.push(
      ...wrapSegments(
        [
          { text: `${m.whyBack}: `, bold: true, tone: 'warning' },
          { text: sanitizeForTerminal(m.detail(c.detached.reason)), tone: 'warning' },
        ],
        width,
        { indent: 2 },
      ),
    );
  }
  lines.push(...documentLines(c.document, width, m));
  lines.push([
    { text: m.candidates(c.evidence.length), bold: true, underline: true },
    { text: `  ${m.detailsHint}`, tone: 'muted' },
  ]);
  if (c.evidence.length === 0) lines.push(...wrapSegments(plain(m.noCandidates, { tone: 'muted' }), width));
  for (const candidate of c.evidence.slice(0, 9)) {
    candidateRows.set(candidate.rank, lines.length);
    lines.push(...candidateLines(candidate, c, details, width, m));
  }
  lines.push(plain(m.documentText(c.text.length), { bold: true, underline: true }));
  if (c.textMissing) lines.push(...wrapSegments(plain(m.textMissing, { tone: 'danger' }), width));
  for (const text of c.text) {
    lines.push(...wrapSegments([{ text: '│ ', tone: 'muted' }, { text }], width, { indent: 2 }));
  }
  return { lines, candidateRows };
}

function documentLines(document: DocumentIdentity | null, width: number, m: Messages): Line[] {
  if (!document) return wrapSegments(plain(m.documentStatesNothing, { tone: 'muted' }), width);
  const values: Segment[] = [
    { text: `${m.documentSays} (${m.documentSource(document.source)}): `, bold: true },
  ];
  // Separators only between the values the document states: one that states only a birth date starts with it.
  let stated = 0;
  const sep = () => (stated++ > 0 ? ' · ' : '');
  if (document.name)
    values.push({ text: sep() + sanitizeForTerminal(document.name) }, ...mark(document.agreement.name));
  if (document.expediente) {
    values.push({ text: `${sep()}exp ${document.expediente}` }, ...mark(document.agreement.expediente));
  }
  const born = documentBirthDate(document, m);
  if (born) values.push({ text: `${sep()}${m.bornShort} ${born}` });
  if (document.sex) values.push({ text: `${sep()}${m.sexLabel} ${m.sex(document.sex)}` });
  if (document.verdict && document.verdict !== 'absent') {
    values.push({
      text: ` → ${m.verdict(document.verdict, document.verdictAgainst)}`,
      tone: document.verdict === 'contradicts' ? 'danger' : 'success',
      bold: document.verdict === 'contradicts',
    });
  }
  const lines = wrapSegments(values, width, { indent: 2 });
  const others = [...document.otherExpedientes, ...document.otherNames];
  if (others.length > 0) {
    lines.push(
      ...wrapSegments(plain(`⚠ ${m.otherPatientInFile(others.join('; '))}`, { tone: 'warning' }), width, {
        indent: 2,
      }),
    );
  }
  return lines;
}

function candidateLines(
  candidate: CandidateEvidence,
  c: ReviewCase,
  details: boolean,
  width: number,
  m: Messages,
): Line[] {
  const head: Segment[] = [
    { text: `${String(candidate.rank).padStart(2)} `, bold: true },
    { text: candidate.expediente, bold: candidate.holdsExpediente },
    ...mark(candidate.agreement.expediente),
    { text: ' ' },
  ];
  const confidence: Segment = { text: ` ${candidate.confidence.toFixed(2)}`, bold: true };
  const tags: Segment[] = [];
  for (const risk of candidate.risks) {
    tags.push(
      { text: ' ' },
      {
        text: m.riskTag(risk, c.thresholds.review),
        tone: risk === 'id_conflict' ? 'danger' : 'warning',
        bold: true,
        inverse: risk === 'id_conflict',
      },
    );
  }
  if (candidate.holdsExpediente && !candidate.risks.includes('id_conflict')) {
    tags.push({ text: ' ' }, { text: m.holdsExpediente, tone: 'accent' });
  }
  const nameMark = mark(candidate.agreement.name);
  const fixed = lineWidth(head) + lineWidth(nameMark) + lineWidth([confidence]);
  // The tags go beside the name only if the whole name still fits; else they open the next row (a risk
  // is never cut off, nor is the name cut to make room for it).
  const fullName = Math.min(40, displayWidth(sanitizeForTerminal(candidate.name)));
  const tagsFit = fixed + fullName + lineWidth(tags) <= width;
  const nameWidth = Math.max(10, Math.min(40, width - fixed - (tagsFit ? lineWidth(tags) : 0)));
  const name = truncateMiddle(sanitizeForTerminal(candidate.name), nameWidth);
  const main: Line = [
    ...head,
    { text: name },
    ...nameMark,
    { text: ' '.repeat(Math.max(0, nameWidth - displayWidth(name))) },
    confidence,
    ...(tagsFit ? tags : []),
  ];
  const identity: Segment[] = [
    ...(tagsFit ? [] : [...tags.slice(1), { text: ' · ' }]),
    { text: `${m.bornShort} ${candidate.birthDate ? formatCalendarDate(candidate.birthDate, m.lang) : '—'}` },
    ...mark(candidate.agreement.birthDate),
    { text: ` · ${m.sexLabel} ${m.sex(candidate.sex)}` },
    ...mark(candidate.agreement.sex),
    {
      text: ` · ${m.docs(candidate.documents.count, candidate.documents.latestTypes.map(sanitizeForTerminal))}`,
    },
    { text: ` · ${reasonText(candidate, m)}`, tone: 'muted' },
  ];
  const lines = [main, ...wrapSegments(identity, width, { indent: 4, indentFirst: true })];
  if (details) {
    const numbers = m.signalScores(candidate.scores);
    lines.push(...wrapSegments(plain(numbers, { tone: 'muted' }), width, { indent: 4, indentFirst: true }));
  }
  return lines;
}

/**
 * The matcher's comparison in plain words: the expediente, then each name field that differs. It is the
 * filename's, and says so: "name identical" beside a document that names someone else must not read as
 * the document agreeing.
 */
export function reasonText(candidate: CandidateEvidence, m: Messages): string {
  const parts = [`${m.versusFilename} ${m.expedienteRelation(candidate.expedienteRelation)}`];
  if (candidate.nameExact) parts.push(m.nameIdentical);
  else {
    if (candidate.alignment === 'swapped') parts.push(m.surnamesSwapped);
    for (const field of ['paterno', 'materno', 'nombres'] as const) {
      const f = candidate.nameFields[field];
      if (f.kind === 'exact') continue;
      const words = f.kind === 'missing' ? '' : ` (${f.filename || '∅'} / ${f.candidate || '∅'})`;
      parts.push(`${m.fieldLabel(field)}: ${m.fieldKind(f.kind)}${words}`);
    }
  }
  return sanitizeForTerminal(parts.join(' · '));
}

/** The document's birth date; both readings when its day and month could be either way round. */
function documentBirthDate(document: DocumentIdentity, m: Messages): string | null {
  if (!document.birthDate) return null;
  const date = (value: string) => formatCalendarDate(value, m.lang);
  return document.birthDateAlternative
    ? m.eitherDate(date(document.birthDate), date(document.birthDateAlternative))
    : date(document.birthDate);
}

function identityText(
  parts: {
    name: string | null;
    expediente: string | null;
    birthDate?: string | null;
    sex?: string | null;
    extra?: string;
  },
  m: Messages,
): string {
  return [
    parts.name ? sanitizeForTerminal(parts.name) : '—',
    parts.expediente ? `exp ${parts.expediente}` : '',
    parts.birthDate ? `${m.bornShort} ${parts.birthDate}` : '',
    parts.sex ? `${m.sexLabel} ${m.sex(parts.sex)}` : '',
    parts.extra ?? '',
  ]
    .filter(Boolean)
    .join(' · ');
}

function confirmLines(
  c: ReviewCase,
  confirm: NonNullable<ReviewWalkState['confirm']>,
  width: number,
  m: Messages,
): { lines: Line[]; candidateRows: Map<number, number>; confirmParts: Map<ConfirmPart, PartRows> } {
  const candidate = confirm.candidate;
  const confirmParts = new Map<ConfirmPart, PartRows>();
  const labelWidth =
    Math.max(
      displayWidth(m.confirmFile),
      displayWidth(m.confirmDocument),
      displayWidth(m.confirmCandidate(candidate.rank)),
    ) + 2;
  const row = (label: string, text: string, style: Omit<Segment, 'text'> = {}) =>
    wrapSegments(
      [
        { text: `${label}:`.padEnd(labelWidth), bold: true },
        { text, ...style },
      ],
      width,
      {
        indent: labelWidth,
      },
    );
  const title =
    confirm.action === 'new_patient'
      ? m.confirmNewPatientTitle(confirm.risks[0] ?? 'document_names_registry_patient')
      : m.confirmTitle(candidate.rank);
  const lines: Line[] = [...wrapSegments(plain(title, { tone: 'warning', bold: true }), width)];
  lines.push(
    ...row(
      m.confirmFile,
      identityText({ name: c.parsed?.nombreCompleto ?? null, expediente: c.parsed?.expediente ?? null }, m),
    ),
  );
  if (c.document) {
    lines.push(
      ...row(
        m.confirmDocument,
        identityText(
          {
            name: c.document.name,
            expediente: c.document.expediente,
            birthDate: documentBirthDate(c.document, m),
            sex: c.document.sex,
          },
          m,
        ),
      ),
    );
  } else {
    lines.push(...row(m.confirmDocument, m.documentStatesNothing, { tone: 'muted' }));
  }
  // Only an attach is to this candidate (a new patient's confirmation shows them as whom it would duplicate).
  const candidateRows = new Map<number, number>(
    confirm.action === 'attach' ? [[candidate.rank, lines.length]] : [],
  );
  const candidateStart = lines.length;
  lines.push(
    ...row(
      m.confirmCandidate(candidate.rank),
      identityText(
        {
          name: candidate.name,
          expediente: candidate.expediente,
          birthDate: candidate.birthDate && formatCalendarDate(candidate.birthDate, m.lang),
          sex: candidate.sex,
          extra: m.docs(candidate.documents.count, candidate.documents.latestTypes),
        },
        m,
      ),
      { bold: true },
    ),
  );
  confirmParts.set('candidate', { start: candidateStart, end: lines.length });
  lines.push(plain(m.confirmWhy, { bold: true }));
  for (const risk of confirm.risks) {
    const start = lines.length;
    const { documentValue, registryValue } = riskValues(risk, c.document, candidate, m);
    lines.push(
      ...wrapSegments(
        plain(
          `⚠ ${m.riskExplained(risk, {
            expediente: candidate.expediente,
            confidence: candidate.confidence,
            threshold: c.thresholds.review,
            documentValue,
            registryValue,
          })}`,
          { tone: risk === 'id_conflict' ? 'danger' : 'warning' },
        ),
        width,
        { indent: 4, indentFirst: true },
      ),
    );
    confirmParts.set(risk, { start, end: lines.length });
  }
  // The keys (y / anything else) are on the pinned key line below.
  return { lines, candidateRows, confirmParts };
}

function helpLines(width: number, m: Messages): Line[] {
  const lines: Line[] = [plain(m.helpTitle, { bold: true, underline: true })];
  for (const key of HELP_KEYS) lines.push(...wrapSegments(plain(m.keyHelp(key)), width, { indent: 5 }));
  // How to close it is on the pinned key line below.
  return lines;
}

function doneLines(state: ReviewWalkState, width: number, m: Messages): Line[] {
  const lines = wrapSegments(plain(m.walkSummary(state.tally), { bold: true }), width);
  if (state.tally.skipped > 0)
    lines.push(...wrapSegments(plain(m.skippedStayPending, { tone: 'muted' }), width));
  return lines;
}

/** The two values a risk sets side by side: what the document states, what the registry holds. */
function riskValues(
  risk: AttachRisk,
  document: DocumentIdentity | null,
  candidate: CandidateEvidence,
  m: Messages,
): { documentValue: string | null; registryValue: string | null } {
  switch (risk) {
    case 'birth_date_contradicts':
      return {
        documentValue: document ? documentBirthDate(document, m) : null,
        registryValue: candidate.birthDate && formatCalendarDate(candidate.birthDate, m.lang),
      };
    case 'sex_contradicts':
      return { documentValue: document?.sex ?? null, registryValue: candidate.sex };
    case 'expediente_contradicts':
      return { documentValue: document?.expediente ?? null, registryValue: candidate.expediente };
    case 'name_contradicts':
      return { documentValue: document?.name ?? null, registryValue: candidate.name };
    case 'second_patient_in_file':
      return {
        documentValue: document ? [...document.otherExpedientes, ...document.otherNames].join('; ') : null,
        registryValue: candidate.name,
      };
    case 'document_names_registry_patient':
    case 'same_identity_registered':
      return { documentValue: document?.name ?? null, registryValue: candidate.name };
    default:
      return { documentValue: null, registryValue: null };
  }
}
