import { judgeSamePerson } from '../matching/same-person.js';
import type { NameFields } from '../matching/types.js';
import { LABEL_SCANS, LETTERHEAD_OPENING, OTHER_PEOPLE, labelOf, type LabelKind } from './labels.js';
import { nameFromFields, readNameWords } from './read-name-words.js';
import {
  cleanName,
  findDateIn,
  findExpedienteIn,
  findSexIn,
  nameExtent,
  readDateAt,
  readExpedienteAt,
  readSexAt,
  type ReadValue,
} from './read-values.js';
import type { NumericDateOrder } from './read-date.js';
import { labelView, splitLines, type Line } from './text-view.js';
import type {
  ContentEvidence,
  ContentField,
  ContentIdentity,
  ContentName,
  ReadContentIdentityOptions,
} from './types.js';

const DEFAULT_MAX_PAGES = 3;
const DEFAULT_MAX_CHARS_PER_PAGE = 6_000;
/** Later pages repeat the header at their top, or start another patient's document there. */
const DEFAULT_MAX_CHARS_LATER_PAGES = 1_200;
/**
 * The first page is read this far first (to the end of that line), and further only when its top does
 * not state both the expediente and the name: a header sits at the top, and most of a page is narrative.
 */
const HEAD_CHARS = 1_500;
/** A value may sit up to this many lines below its label (a blank line between them). */
const LINES_BELOW = 2;

interface Label {
  kind: LabelKind;
  strength: 1 | 2;
  /** An English label: a numeric date under it may be month first (see NumericDateOrder). */
  english: boolean;
  /** The order of a numeric date that the label's own format hint states (`(DD/MM/AAAA)`), if it gives one. */
  dateOrder?: NumericDateOrder;
  start: number;
  end: number;
  line: number;
}

/** A value read under a label: the raw text of a name, or a typed value. */
interface Found {
  kind: LabelKind;
  strength: 1 | 2;
  page: number;
  offset: number;
  line: number;
  value: string;
  /** A birth date's other reading, when a numeric date under an English label reads both ways round. */
  alternative: string | null;
  /** Built only for the values chosen: most values found are repeats on later pages. */
  evidence: () => string;
}

/** A name's text and, once needed, its reading (null: not a name after all). */
interface NameFound extends Found {
  parsed?: ContentName | null;
  /** A bare `Nombre:` that heads its page as a patient's header does (see headsItsPage). */
  headsPage?: boolean;
}

/** What one page yields, before the pages are weighed against each other. */
interface PageValues {
  expedientes: Found[];
  names: NameFound[];
  birthDates: Found[];
  sexes: Found[];
}

interface Page {
  number: number;
  text: string;
  view: string;
  lines: Line[];
  labels: Label[];
  /** Labels per line index. */
  byLine: Map<number, Label[]>;
  referenceYear: number | undefined;
}

const SEPARATOR = /^[ \t]*([:=\-–—>|]+|\.{2,}[:]?)?[ \t]*/;

function lineIndexAt(lines: readonly Line[], offset: number): number {
  let lo = 0;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (lines[mid]!.start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * A date's format written after its label, in the label view (upper case): (DD/MM/AAAA), (MM-DD-YYYY),
 * (dd.mm.aa). Its day and month say which comes first; a hint without both says nothing and is not taken.
 */
const DATE_FORMAT_HINT =
  /^[ \t]*\(\s*((?=[DMAY/\-. ]*D)(?=[DMAY/\-. ]*M)[DMAY]{1,4}(?:\s*[/\-.]\s*[DMAY]{1,4}){2})\s*\)/;

function scanLabels(view: string, lines: readonly Line[], scan: RegExp): Label[] {
  const labels: Label[] = [];
  // A match never overlaps the one before it, and the longer label wins where two start alike.
  for (const m of view.matchAll(scan)) {
    const { kind, strength, english } = labelOf(m.groups!);
    const start = m.index;
    let end = start + m[0].length;
    const label: Label = {
      kind,
      strength,
      english: english === true,
      start,
      end,
      // A label a narrow cell wrapped ("Nombre del" / "paciente:") belongs to the line it ends on, where its value is.
      line: lineIndexAt(lines, end - 1),
    };
    if (kind === 'birthDate') {
      // `Fecha de nacimiento (dd/mm/aaaa): 05/03/1985`: the hint is part of the label, and says the order.
      const hint = DATE_FORMAT_HINT.exec(view.slice(end, end + 40));
      if (hint !== null) {
        end += hint[0].length;
        const written = hint[1]!;
        label.end = end;
        label.dateOrder = written.indexOf('D') < written.indexOf('M') ? 'day_first' : 'month_first';
      }
    }
    labels.push(label);
  }
  return labels;
}

function findLabels(view: string, lines: readonly Line[]): Label[] {
  const main = scanLabels(view, lines, LABEL_SCANS[0]);
  const english = scanLabels(view, lines, LABEL_SCANS[1]);
  if (english.length === 0) return main;
  // Merged as within one regex: the label that starts first wins, the first scan's at a tie.
  const all = [...main, ...english].sort(
    (a, b) => a.start - b.start || Number(a.english) - Number(b.english),
  );
  const kept: Label[] = [];
  for (const label of all) {
    const previous = kept[kept.length - 1];
    if (previous === undefined || label.start >= previous.end) kept.push(label);
  }
  return kept;
}

function preparePage(text: string, number: number, limit: number, options: ReadContentIdentityOptions): Page {
  const clipped = text.slice(0, limit).replace(/\r\n?/g, '\n');
  const view = labelView(clipped);
  const lines = splitLines(clipped);
  const labels = findLabels(view, lines);
  const byLine = new Map<number, Label[]>();
  for (const label of labels) {
    const list = byLine.get(label.line);
    if (list === undefined) byLine.set(label.line, [label]);
    else list.push(label);
  }
  return { number, text: clipped, view, lines, labels, byLine, referenceYear: options.referenceYear };
}

const isBlank = (text: string): boolean => /^[\s:=\-–—>.|#/]*$/.test(text);

/** A line made of labels only (a table header, or one label above its value). */
function isLabelOnly(page: Page, line: number): boolean {
  const labels = page.byLine.get(line);
  if (labels === undefined) return false;
  const { start, end } = page.lines[line]!;
  let at = start;
  for (const label of labels) {
    if (!isBlank(page.view.slice(at, label.start))) return false;
    at = label.end;
  }
  return isBlank(page.view.slice(at, end));
}

function nextContentLine(page: Page, after: number): number | null {
  for (let i = after + 1; i <= Math.min(page.lines.length - 1, after + LINES_BELOW); i++) {
    const { start, end } = page.lines[i]!;
    if (page.view.slice(start, end).trim() !== '') return i;
  }
  return null;
}

function evidenceText(page: Page, from: number, to: number): string {
  const text = page.text.slice(from, to).replace(/\s+/g, ' ').trim();
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

const NAME_KINDS: ReadonlySet<LabelKind> = new Set([
  'patient',
  'genericName',
  'paterno',
  'materno',
  'surnames',
  'givenNames',
]);

/**
 * A bare `Nombre:` is the patient's unless the line before it, or the same line just before it, names
 * another role (`Médico:`, `DATOS DEL FAMILIAR RESPONSABLE`). The letterhead above a patient's header
 * (`HOSPITAL TECSALUD`, `CENTRO MÉDICO …`) names no role: its `Nombre:` is the patient's.
 */
function genericNameIsOthers(page: Page, label: Label): boolean {
  const line = page.lines[label.line]!;
  if (namesAnotherRole(page.view.slice(Math.max(line.start, label.start - 60), label.start))) return true;
  for (let i = label.line - 1; i >= Math.max(0, label.line - 2); i--) {
    const previous = page.view.slice(page.lines[i]!.start, page.lines[i]!.end);
    if (previous.trim() === '') continue;
    // A heading (no `label: value` in it) sets the context of the lines under it.
    return !previous.includes(':') && namesAnotherRole(previous);
  }
  return false;
}

/** A section about the baby a patient gave birth to: its birth date and sex are the baby's. */
const NEWBORN_HEADING = /\b(?:REC[IL]EN\s+NAC[IL]DO|NEONATO|PRODUCTO|R\.?\s?N\.?)\b/;
/** How far above its fields a section's heading may be (Peso, Talla, Apgar… one per line). */
const SECTION_LINES = 8;

/**
 * A birth date or sex in a newborn's section (`DATOS DEL RECIÉN NACIDO`) below the patient's own header on
 * the page: a mother's postpartum note, whose baby's birth date and sex were read as hers and held every
 * such note for review. A newborn's own sheet (`HOJA DEL RECIÉN NACIDO` above its `Paciente:`) is not one.
 */
function isNewbornsAfterPatient(page: Page, label: Label): boolean {
  for (let i = label.line - 1; i >= Math.max(0, label.line - SECTION_LINES); i--) {
    const text = lineText(page, i);
    if (text === '' || text.includes(':')) continue;
    if (!NEWBORN_HEADING.test(text)) return false;
    const heading = page.lines[i]!.start;
    return page.labels.some(
      (l) =>
        l.start < heading && (l.kind === 'patient' || l.kind === 'expediente' || l.kind === 'genericName'),
    );
  }
  return false;
}

function namesAnotherRole(context: string): boolean {
  const opening = LETTERHEAD_OPENING.exec(context);
  return OTHER_PEOPLE.test(opening === null ? context : context.slice(opening[0].length));
}

/** Reads the value a label announces, in [from, to) of the page; a name's text may go on after a comma. */
function readValue(
  page: Page,
  label: Label,
  from: number,
  to: number,
  typedSearch: boolean,
): (ReadValue<string> & { alternative?: string | null }) | null {
  const { view } = page;
  switch (label.kind) {
    case 'expediente':
      return typedSearch ? findExpedienteIn(view, from, to) : readExpedienteAt(view, from, to);
    case 'birthDate': {
      const order = label.dateOrder ?? (label.english ? 'either' : 'day_first');
      return typedSearch
        ? findDateIn(view, from, to, page.referenceYear, order)
        : readDateAt(view, from, to, page.referenceYear, order);
    }
    case 'sex':
      return typedSearch ? findSexIn(view, from, to) : readSexAt(view, from, to);
    default: {
      let end = nameExtent(view, page.text, from, to);
      let raw = page.text.slice(from, end);
      // `Paciente: GARZA TIJERINA,` (or OCR's `;`) with the given names on the next line.
      const lineIndex = lineIndexAt(page.lines, from);
      const line = page.lines[lineIndex]!;
      if (/^[,;]$/.test(view.slice(end, line.end).trim()) || /[,;]$/.test(raw.trimEnd())) {
        const next = nextContentLine(page, lineIndex);
        if (next !== null && !page.byLine.has(next)) {
          const nextLine = page.lines[next]!;
          end = nameExtent(view, page.text, nextLine.start, nextLine.end);
          raw = `${raw.replace(/[,;]?\s*$/, ',')} ${page.text.slice(nextLine.start, end)}`;
        }
      }
      const minWords = label.kind === 'patient' || label.kind === 'genericName' ? 2 : 1;
      const cleaned = cleanName(raw, { minWords, rejectDoctors: label.kind === 'genericName' });
      return cleaned === null ? null : { value: cleaned, start: from, end };
    }
  }
}

interface Cell {
  start: number;
  end: number;
}

function cellsOf(view: string, line: Line): Cell[] {
  const cells: Cell[] = [];
  const pattern = /\S+(?: \S+)*/g;
  const text = view.slice(line.start, line.end);
  for (const m of text.matchAll(pattern)) {
    cells.push({ start: line.start + m.index, end: line.start + m.index + m[0].length });
  }
  return cells;
}

/**
 * A header row of labels with the values on the next line: by column when the columns are kept (tabs,
 * runs of spaces), otherwise by type (the expediente is the number, the birth date the date…; the name
 * only when it is the first column).
 */
function readRow(page: Page, row: Label[], valueLine: number, out: Found[]): void {
  const line = page.lines[valueLine]!;
  const cells = cellsOf(page.view, line);
  const headerStart = page.lines[row[0]!.line]!.start;
  row.forEach((label, k) => {
    let cell: Cell | undefined;
    if (cells.length === row.length) cell = cells[k];
    else if (cells.length > 1) {
      const column = label.start - headerStart;
      const nextColumn = k + 1 < row.length ? row[k + 1]!.start - headerStart : Infinity;
      const inColumn = cells.filter(
        (c) => c.start - line.start >= column - 2 && c.start - line.start < nextColumn,
      );
      if (inColumn.length === 1) cell = inColumn[0];
    }
    let value: ReadValue<string> | null;
    if (cell !== undefined) value = readValue(page, label, cell.start, cell.end, false);
    else if (NAME_KINDS.has(label.kind))
      value = k === 0 ? readValue(page, label, line.start, line.end, false) : null;
    else value = readValue(page, label, line.start, line.end, true);
    if (value !== null) out.push(found(page, label, value));
  });
}

function found(page: Page, label: Label, value: ReadValue<string> & { alternative?: string | null }): Found {
  const valueStart = value.start;
  const sameLine = valueStart < page.lines[label.line]!.end;
  return {
    kind: label.kind,
    strength: label.strength,
    page: page.number,
    offset: label.start,
    line: label.line,
    value: value.value,
    alternative: value.alternative ?? null,
    evidence: () =>
      sameLine
        ? evidenceText(page, label.start, value.end)
        : `${evidenceText(page, label.start, label.end)} ${evidenceText(page, valueStart, value.end)}`,
  };
}

/** Every labelled value on a page. */
function readLabelledValues(page: Page): Found[] {
  const out: Found[] = [];
  const rowsDone = new Set<number>();
  for (let index = 0; index < page.labels.length; index++) {
    const label = page.labels[index]!;
    if (rowsDone.has(label.line)) continue;
    if (label.kind === 'genericName' && genericNameIsOthers(page, label)) continue;
    if ((label.kind === 'birthDate' || label.kind === 'sex') && isNewbornsAfterPatient(page, label)) continue;
    const line = page.lines[label.line]!;
    const onLine = page.byLine.get(label.line)!;
    const nextOnLine = onLine.find((l) => l.start > label.start);
    const segmentEnd = nextOnLine?.start ?? line.end;
    const separator = SEPARATOR.exec(page.view.slice(label.end, segmentEnd))!;
    const valueStart = label.end + separator[0].length;
    const rest = page.view.slice(valueStart, segmentEnd);

    if (rest.trim() !== '') {
      // Without a colon a name is prose (`Paciente refiere…`) unless the label heads a column of its own.
      const before = page.view.slice(line.start, label.start);
      const ownCell =
        (before.trim() === '' || /(?:\t| {2})$/.test(before)) &&
        /^(?:\t| {2})/.test(page.view.slice(label.end, segmentEnd));
      if (NAME_KINDS.has(label.kind) && separator[1] === undefined && !ownCell) continue;
      const value = readValue(page, label, valueStart, segmentEnd, false);
      if (value !== null) out.push(found(page, label, value));
      continue;
    }

    // Nothing after the label on its line: the value is below it.
    if (!isLabelOnly(page, label.line)) {
      const before = page.view.slice(line.start, label.start);
      if (!(before.trim() === '' || /(?:\t| {2})$/.test(before))) continue;
    }
    if (onLine.length >= 2 && isLabelOnly(page, label.line)) {
      rowsDone.add(label.line);
      const below = nextContentLine(page, label.line);
      if (below !== null && !page.byLine.has(below)) readRow(page, onLine, below, out);
      continue;
    }
    // A stack of single labels, one per line, then their values in the same order (a table extracted cell by cell).
    const stack: Label[] = [label];
    let last = label.line;
    for (let next = nextContentLine(page, last); next !== null; next = nextContentLine(page, last)) {
      const labels = page.byLine.get(next);
      if (labels === undefined || labels.length !== 1 || !isLabelOnly(page, next)) break;
      stack.push(labels[0]!);
      last = next;
    }
    let valueLine = nextContentLine(page, last);
    for (const stacked of stack) {
      if (valueLine === null || page.byLine.has(valueLine)) break;
      const { start, end } = page.lines[valueLine]!;
      const value = readValue(page, stacked, start, end, false);
      if (value !== null) out.push(found(page, stacked, value));
      rowsDone.add(stacked.line);
      valueLine = nextContentLine(page, valueLine);
    }
  }
  return out;
}

/** Separate name fields on a page (`Apellido paterno:` … `Nombre(s):`) make one name. */
function assembleFieldNames(page: Page, values: Found[]): NameFound[] {
  const paterno = values.find((f) => f.kind === 'paterno');
  const surnames = values.find((f) => f.kind === 'surnames');
  const anchor = paterno ?? surnames;
  if (anchor === undefined) return [];
  const near = (f: Found) => Math.abs(f.line - anchor.line) <= 3;
  const given =
    values.find((f) => f.kind === 'givenNames' && near(f)) ??
    values.find((f) => f.kind === 'genericName' && near(f));
  if (given === undefined) return [];
  const materno = values.find((f) => f.kind === 'materno' && near(f));
  const name = nameFromFields({
    ...(paterno ? { paterno: paterno.value } : {}),
    ...(materno ? { materno: materno.value } : {}),
    ...(surnames ? { surnames: surnames.value } : {}),
    given: given.value,
  });
  if (name === null) return [];
  // The given names were read under a bare `Nombre:`: they are part of this name, not a name of their own.
  given.kind = 'givenNames';
  const parts = [anchor, materno, given].filter((f): f is Found => f !== undefined);
  return [
    {
      ...anchor,
      kind: 'patient',
      strength: 2,
      value: name.written,
      evidence: () => parts.map((f) => f.evidence()).join(' · '),
      parsed: name,
    },
  ];
}

/** A page's header sits within its first lines; a signature block's `Nombre:` under the text is the doctor's. */
const PAGE_TOP_LINES = 6;
const SIGNATURE_WORDS = /\b(?:S[IL]GN(?:ATURE|ED)\b|F[IL]RMA|CEDU[IL]A|CED\b|PROFES[IL]ONA[IL]|SE[IL][IL]O)/;

function lineText(page: Page, index: number): string {
  return page.view.slice(page.lines[index]!.start, page.lines[index]!.end).trim();
}

/**
 * Whether a bare `Nombre:` heads its page, as another patient's lab sheet or note is headed
 * (`RESULTADOS DE LABORATORIO` / `Nombre: LOPEZ HERNANDEZ ROSA`): among the page's first lines, and not a
 * signature block's — beside a signature or a cédula, under a rule, a bare `Elaboró:` or a line naming a
 * doctor or another role, or over the signer's title (`Médico Internista`) — which a short last page has at
 * its top too.
 */
function headsItsPage(page: Page, f: Found): boolean {
  const above: string[] = [];
  for (let i = 0; i < f.line; i++) {
    const text = lineText(page, i);
    if (text !== '') above.push(text);
  }
  if (above.length >= PAGE_TOP_LINES || SIGNATURE_WORDS.test(lineText(page, f.line))) return false;
  const previous = above[above.length - 1];
  const signerAbove = (text: string) =>
    /^[_\-.=\s]+$|:$/.test(text) || SIGNATURE_WORDS.test(text) || namesAnotherRole(text);
  if (previous !== undefined && signerAbove(previous)) return false;
  const below = nextContentLine(page, f.line);
  if (below === null) return true;
  const next = lineText(page, below);
  return !SIGNATURE_WORDS.test(next) && !(next.includes(':') === false && namesAnotherRole(next));
}

function readPage(page: Page): PageValues {
  const values = readLabelledValues(page);
  const names: NameFound[] = assembleFieldNames(page, values);
  const assembled = names.length > 0;
  for (const f of values) {
    if (f.kind === 'patient' || (f.kind === 'givenNames' && !assembled))
      names.push({ ...f, strength: f.kind === 'patient' ? 2 : 1 });
    else if (f.kind === 'genericName') names.push({ ...f, strength: 1, headsPage: headsItsPage(page, f) });
  }
  return {
    expedientes: values.filter((f) => f.kind === 'expediente'),
    names,
    birthDates: values.filter((f) => f.kind === 'birthDate'),
    sexes: values.filter((f) => f.kind === 'sex'),
  };
}

/** First page first; on a page the label that names the patient outright, then the first in reading order. */
function byPriority(a: Found, b: Found): number {
  return a.page - b.page || b.strength - a.strength || a.offset - b.offset;
}

function best<T extends Found>(candidates: readonly T[]): T | undefined {
  let chosen: T | undefined;
  for (const c of candidates) if (chosen === undefined || byPriority(c, chosen) < 0) chosen = c;
  return chosen;
}

function parsed(f: NameFound): ContentName | null {
  if (f.parsed === undefined) f.parsed = readNameWords(f.value);
  return f.parsed;
}

/** The best candidate that reads as a name; names are read only as far as needed. */
function bestName(candidates: NameFound[]): (NameFound & { parsed: ContentName }) | undefined {
  for (const c of [...candidates].sort(byPriority))
    if (parsed(c) !== null) return c as NameFound & { parsed: ContentName };
  return undefined;
}

function readings(name: ContentName): NameFields[] {
  return name.alternative === null ? [name] : [name, name.alternative];
}

/**
 * Not the same person under any reading of both names: clearly another, or uncertain (a sibling's given names
 * under the same surnames, a shared given name under other surnames), as the document's own name against the
 * filename's patient is a contradiction when it is not the same person (DECISIONS 5).
 */
function notTheSamePerson(a: ContentName, b: ContentName): boolean {
  return readings(a).every((x) => readings(b).every((y) => judgeSamePerson(x, y) !== 'same'));
}

function evidenceOf(field: ContentField, f: Found): ContentEvidence {
  return { field, page: f.page, text: f.evidence() };
}

/** A text split into pages: form feeds (pdftotext) when it has them, else one page. */
function toPages(text: string | readonly string[]): readonly string[] {
  if (typeof text !== 'string') return text;
  return text.includes('\f') ? text.split('\f') : [text];
}

/** The values atop the pages after the first `from`, but for those that repeat `known` (the expediente). */
function readLaterHeaders(
  pages: readonly string[],
  from: number,
  known: string | undefined,
  limit: number,
  options: ReadContentIdentityOptions,
): Pick<PageValues, 'expedientes' | 'names'> {
  const found: Pick<PageValues, 'expedientes' | 'names'> = { expedientes: [], names: [] };
  for (let index = from; index < pages.length; index++) {
    const top = pages[index]!.slice(0, limit);
    if (top.trim() === '' || (known !== undefined && top.includes(known))) continue;
    const values = readPage(preparePage(pages[index]!, index + 1, limit, options));
    found.expedientes.push(...values.expedientes);
    found.names.push(...values.names);
  }
  return found;
}

/**
 * The identity a document states about its patient, read from its text (first pages first): the
 * expediente, the name, the birth date and the sex under the labels Mexican clinical documents use.
 * Tolerant of line breaks, tables, accents, case and OCR's look-alike characters. Pure and synchronous.
 */
export function readContentIdentity(
  text: string | readonly string[],
  options: ReadContentIdentityOptions = {},
): ContentIdentity {
  const all: PageValues = { expedientes: [], names: [], birthDates: [], sexes: [] };
  const allPages = toPages(text);
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const pages = allPages.slice(0, maxPages);
  const firstLimit = options.maxCharsPerPage ?? DEFAULT_MAX_CHARS_PER_PAGE;
  const laterLimit = options.maxCharsLaterPages ?? DEFAULT_MAX_CHARS_LATER_PAGES;
  pages.forEach((pageText, index) => {
    if (pageText.trim() === '') return;
    let values: PageValues;
    if (index === 0) {
      const newline = pageText.indexOf('\n', Math.min(HEAD_CHARS, firstLimit));
      const head = Math.min(firstLimit, newline < 0 ? pageText.length : newline);
      values = readPage(preparePage(pageText, 1, head, options));
      const complete = values.expedientes.length > 0 && bestName(values.names) !== undefined;
      if (!complete && head < Math.min(firstLimit, pageText.length))
        values = readPage(preparePage(pageText, 1, firstLimit, options));
    } else {
      // A later page that repeats the expediente already read is the same patient's header: nothing new.
      const known = best(all.expedientes)?.value;
      if (known !== undefined && pageText.slice(0, laterLimit).includes(known)) return;
      values = readPage(preparePage(pageText, index + 1, laterLimit, options));
    }
    all.expedientes.push(...values.expedientes);
    all.names.push(...values.names);
    all.birthDates.push(...values.birthDates);
    all.sexes.push(...values.sexes);
  });

  const firstExpediente = best(all.expedientes);
  const firstName = bestName(all.names);
  // Past the pages read, only a patient's header counts (strong labels: Paciente, Expediente…) — a second
  // document scanned onto the end of the file. Against what the first pages stated, it is another patient;
  // where they stated no expediente or no name (a cover sheet, narrative, a blank scan), the first header
  // states it: a file whose first identity, on page 4, names another patient is that patient's document.
  const beyond = readLaterHeaders(allPages, maxPages, firstExpediente?.value, laterLimit, options);
  const strong = (f: Found) => f.strength === 2;
  const expediente = firstExpediente ?? best(beyond.expedientes.filter(strong));
  const name = firstName ?? bestName(beyond.names.filter(strong));
  const birthDate = best(all.birthDates);
  const sex = best(all.sexes);
  const evidence: ContentEvidence[] = [];
  if (expediente) evidence.push(evidenceOf('expediente', expediente));
  if (name) evidence.push(evidenceOf('name', name));
  if (birthDate) evidence.push(evidenceOf('birthDate', birthDate));
  if (sex) evidence.push(evidenceOf('sex', sex));

  const otherExpedientes = [
    ...new Set(
      [...all.expedientes, ...(expediente ? beyond.expedientes : [])]
        .filter((f) => strong(f) && f.value !== expediente?.value)
        .map((f) => f.value),
    ),
  ];
  const otherNames =
    name === undefined
      ? []
      : [
          ...new Set(
            [
              ...all.names.filter((f) => strong(f) || laterPatientName(f, name)),
              ...beyond.names.filter(strong),
            ]
              .filter((f) => f.value !== name.value)
              .map(parsed)
              .filter((other): other is ContentName => other !== null && notTheSamePerson(other, name.parsed))
              .map((other) => other.written),
          ),
        ];
  return {
    expediente: expediente?.value ?? null,
    name: name?.parsed ?? null,
    birthDate: birthDate?.value ?? null,
    birthDateAlternative: birthDate?.alternative ?? null,
    sex: sex === undefined ? null : (sex.value as 'F' | 'M'),
    evidence,
    otherExpedientes,
    otherNames,
  };
}

/**
 * A bare `Nombre:` heading a page read whole after the page that named the patient: not under another
 * role (see genericNameIsOthers) nor a signature's (see headsItsPage), it is the patient's name of that page. A lab sheet or a note of another
 * patient that heads its page with `Nombre: LOPEZ HERNANDEZ ROSA` is a second patient's page; counted only
 * from `Paciente:` and the like, it was attached with the file's patient, unchecked. Past the pages read
 * whole a bare `Nombre:` stays no header: there only a page's top is read, without its context.
 */
function laterPatientName(f: NameFound, name: NameFound): boolean {
  return f.kind === 'genericName' && f.page > name.page && f.headsPage === true;
}

/** True when the document states no identity at all. */
export function isIdentityAbsent(identity: ContentIdentity): boolean {
  return (
    identity.expediente === null &&
    identity.name === null &&
    identity.birthDate === null &&
    identity.sex === null
  );
}
