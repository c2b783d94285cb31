/**
 * The words the registry and administration commands print for a person (patients, documents, sessions,
 * unlock, tokens, serve, match, cleanup, search, processing-types, parse, doctor) and before any command (a
 * misspelled variable), in one language. Ids, expedientes, names, paths, dates and command lines are passed
 * in and kept as they are; `--json` and the logs never come here (they stay English, for programs).
 */
import type { ContentVerdict } from '../../core/content/types.js';
import type { FieldMatchKind } from '../../core/matching/types.js';
import type { BatchStatus, ProcessingType } from '../../core/pipeline/statuses.js';
import { resolveLanguage, type Lang } from './language.js';
import { translateCandidateReason } from './match-reasons-es.js';
import { translateImportReason } from './registry-import-es.js';
import { ES_SESSION_STATUSES } from './session-statuses-es.js';
import { formatLocalTimestamp } from '../../core/text/local-timestamp.js';
import { durationInWords, formatCalendarDate, formatCount, formatSeconds } from '../format.js';

/** The fields of a detail change the import's report shows (app/import-registry's DetailChangeRow). */
interface DetailChangeLine {
  line: number;
  expediente: string;
  documents: number;
  before: { fechaNacimiento: string | null; sexo: string | null };
  after: { fechaNacimiento: string | null; sexo: string | null };
}

/** The first line of an import's report. */
interface ImportCounts {
  rows: number;
  file: string;
  inserted: number;
  updated: number;
  unchanged: number;
  repeated: number;
  rejected: number;
}

/** `birth date A → B; sex C → D`, each only when it changed; dates as the language writes them. */
function detailChanges(row: DetailChangeLine, lang: Lang, names: { born: string; sex: string }): string {
  const shown = (value: string | null) => (value === null ? '—' : formatCalendarDate(value, lang));
  const parts: string[] = [];
  if (row.before.fechaNacimiento !== row.after.fechaNacimiento) {
    parts.push(`${names.born} ${shown(row.before.fechaNacimiento)} → ${shown(row.after.fechaNacimiento)}`);
  }
  if (row.before.sexo !== row.after.sexo)
    parts.push(`${names.sex} ${row.before.sexo ?? '—'} → ${row.after.sexo ?? '—'}`);
  return parts.join('; ');
}

/** One search result as its line shows it; every text already made safe for the terminal. */
export interface SearchHitWords {
  rank: number;
  file: string;
  expediente: string;
  patientName: string;
  filenameExpediente: string | null;
  type: string;
  typeWords: string;
  chunk: number;
  chunks: unknown;
  distance: string;
}

export interface CommandWords {
  patients: {
    /** `patients show`'s row labels. */
    label(
      row:
        | 'expediente'
        | 'paterno'
        | 'materno'
        | 'nombres'
        | 'born'
        | 'sex'
        | 'source'
        | 'created'
        | 'updated'
        | 'documents',
    ): string;
    listed(shown: number, total: number, offset: number): string;
    matched(count: number, query: string): string;
    /** More patients match than `--limit` lets the search show. */
    matchedMore(shown: number, query: string): string;
    imported(report: ImportCounts & { seconds: number }): string;
    /** `patients import --dry-run`'s first line: what the import would do. */
    wouldImport(report: ImportCounts): string;
    /** Its last line: nothing was written, and how to import. */
    nothingImported: string;
    unreadColumns(columns: string): string;
    /** With `wouldBe`, a dry run's: nothing was written. */
    renamed(count: number, wouldBe?: boolean): string;
    /** Registry patients the file did not name, kept (see ImportReport.notInFile). */
    notInFile(count: number): string;
    /** An added patient sharing name and birth date with another expediente (see ImportReport.sameDetailsRows). */
    sameDetails(row: {
      expediente: string;
      otherExpediente: string;
      name: string;
      fechaNacimiento: string;
    }): string;
    moreSameDetails(listed: number): string;
    /** A birth date or sex changed for a patient with documents (see ImportReport.detailChangeRows). */
    detailChanged(row: DetailChangeLine, wouldBe?: boolean): string;
    moreDetailChanges(count: number): string;
    /** Patients an ingest or a review had created, now registry patients (see ImportReport.confirmed). */
    confirmed(count: number, wouldBe?: boolean): string;
    repeatedRow(line: number, firstLine: number): string;
    moreRepeated(count: number): string;
    rejectedRow(line: number, reason: string): string;
    moreRejected(count: number): string;
    /** How the patient came into the registry (`patients show`'s source row). */
    source(code: string): string;
  };
  documents: {
    /** `remade`: its chunks were made again from its text, some having gone missing from the store. */
    alreadyThere(id: string, patient: string, chunks: number, remade: boolean): string;
    moved(id: string, filename: string, from: string, to: string, chunks: number, remade: boolean): string;
    detached(id: string, filename: string, expediente: string, chunks: number, session: string): string;
    /** After a move to a patient clearly another person than the name its filename gives (`back`: the undoing move). */
    namesAnotherPerson(filenameName: string, to: string, back: string): string;
    /** `patients show`'s line under a document whose move or detach did not finish (`finish`: the command). */
    unfinished(change: {
      kind: 'move' | 'detach';
      to: string | null;
      at: string;
      actor: string;
      finish: string;
    }): string;
  };
  sessions: {
    none: string;
    /** The session's exact status, padded to one width for every status so that the columns after it line up. */
    status(code: BatchStatus): string;
    counts(processed: string, total: string, failed: number, review: number, alreadyWaiting: number): string;
  };
  unlock: {
    lifted(
      dir: string,
      holder: { pid: number; host: string; startedAt: string; session: string | null },
    ): string;
    nothing(dir: string): string;
  };
  tokens: {
    created(name: string, role: string, until: string | null): string;
    none: string;
    header: { name: string; role: string; state: string; expires: string; lastUsed: string };
    /** A token's state (active, revoked, expired), eight columns wide. */
    state(code: string): string;
    never: string;
    revoked(name: string): string;
  };
  serve: {
    sweptUploads(count: number): string;
    expiredSessions(count: number, expiry: string): string;
    resuming(count: number): string;
    listening(url: string): string;
    noAuth: string;
    noTokens: string;
    noTokensHint: string;
    reopenFailed(error: string): string;
    stopping: string;
    /** The labels in front of serve's own notes, and of its log's warnings and errors, on stderr. */
    warning: string;
    error: string;
    hint: string;
    /** Before a file's id on a failed file's line: `file failed: NAME (file ID): …`. */
    file: string;
  };
  match: {
    invalidName(error: string): string;
    /** `reasonWords`: the reason code in plain words (Messages.reason). */
    decision(decision: string, confidence: string, reason: string, reasonWords: string): string;
    /**
     * In place of the decision when the run would fail the file before matching counts (its text cannot be
     * extracted): `outcomeWords` is the outcome in plain words (Messages.outcome).
     */
    wouldFail(outcome: string, outcomeWords: string): string;
    patient(name: string): string;
    noCandidates: string;
    /** `kindWords`: the words of a field match kind (Messages.fieldKind). */
    candidateReason(reason: string, kindWords: (kind: FieldMatchKind) => string): string;
    verdict(verdict: ContentVerdict): string;
    notRead(message: string): string;
    namesRegistryPatient(expediente: string, name: string, by: string): string;
    filenameAlone(decision: string, reason: string, reasonWords: string): string;
  };
  cleanup: {
    noneOlder(olderThan: string): string;
    cleaned(report: {
      session: string;
      fileRecords: number;
      keptReviews: number;
      purge: boolean;
      purged: number;
      forced: number;
    }): string;
    /** `cleanup --orphans`: one document's chunks deleted (the registry holds no such document). */
    orphanDeleted(id: string, chunks: number, expediente: string): string;
    /** `cleanup --orphans`: one kept, a file not final yet carrying its content. */
    orphanKept(id: string, chunks: number, expediente: string): string;
    /** `cleanup --orphans`: a stale copy deleted (its row files the document in `filedIn`, which holds it all). */
    copyDeleted(id: string, chunks: number, expediente: string, filedIn: string): string;
    orphansDone(collection: string, deleted: number, kept: number, copies: number): string;
  };
  search: {
    none: string;
    /**
     * `typeWords`: the type in plain words (Messages.documentType). The patient is the registry's now;
     * `filenameExpediente` the other one the filename names, when it names another (a moved document).
     */
    hit(hit: SearchHitWords): string;
    /** What the distance means, once under the results: a bare '0.791' is a figure without a meaning. */
    distanceNote: string;
    /** Chunks found but left out: the registry files their document under another expediente than they carry. */
    leftOutElsewhere(
      id: string,
      chunks: number,
      vectorExpediente: string,
      registryExpediente: string,
    ): string;
    /** Chunks found but left out: the registry holds no such document. */
    leftOutGone(id: string, chunks: number, vectorExpediente: string): string;
    /** Chunks shown under the registry's expediente, though the vector store files them under another. */
    outOfLine(id: string, chunks: number, vectorExpediente: string, registryExpediente: string): string;
  };
  processingTypes: Record<ProcessingType, { label: string; description: string }>;
  parse: {
    /** `typeWords`: the type in plain words (Messages.documentType). */
    type(type: string, code: string, typeWords: string): string;
    expected(format: string, example: string): string;
    tally(parsed: number, failed: number): string;
  };
  environment: {
    /**
     * A TECSALUD_* variable the tool does not read: `near` is the variable it most likely meant, or else `flag`
     * the flag of this command it looks like (no variable sets it); `known` lists the variables otherwise.
     */
    unknownVariable(
      name: string,
      near: { variable: string | null; flag: string | null },
      known: readonly string[],
    ): string;
    /**
     * Embedding settings (as written: a flag, a variable, a config key) the hashing embedder has no use for;
     * `chosen` says whether the embedder was chosen or is the default.
     */
    ignoredByHashing(settings: readonly string[], chosen: boolean): string;
  };
  doctor: {
    status(status: 'ok' | 'warn' | 'fail'): string;
    /** A check's name (`database`, `vector store`, …). */
    check(name: string): string;
    /** How wide the check names are, for the column. */
    checkWidth: number;
    healthy: string;
    unhealthy: string;
  };
}

/** A match decision in Spanish capitals, shown with its code (what --json names): `REVIEW` alone is English. */
function decisionInSpanish(decision: string): string {
  return (
    ({ auto: 'ASIGNACIÓN AUTOMÁTICA', review: 'REVISIÓN', new: 'PACIENTE NUEVO' } as Record<string, string>)[
      decision
    ] ?? decision.toUpperCase()
  );
}
function importCountsEn(r: ImportCounts): string {
  return (
    `${num(r.inserted)} inserted, ${num(r.updated)} updated, ${num(r.unchanged)} unchanged, ${num(r.repeated)} repeated, ` +
    `${num(r.rejected)} rejected`
  );
}

const EN: CommandWords = {
  patients: {
    label: (row) =>
      ({
        expediente: 'expediente',
        paterno: 'apellido paterno',
        materno: 'apellido materno',
        nombres: 'nombres',
        born: 'fecha de nacimiento',
        sex: 'sexo',
        source: 'source',
        created: 'created',
        updated: 'updated',
        documents: 'documents',
      })[row],
    listed: (shown, total, offset) => `${num(shown)} of ${num(total)} patients shown (offset ${offset}).`,
    matched: (count, query) =>
      `${count === 1 ? '1 patient matches' : `${num(count)} patients match`} '${query}'.`,
    matchedMore: (shown, query) =>
      `The first ${num(shown)} patients that match '${query}' are shown; more match: add a word of the name, ` +
      'or raise --limit.',
    imported: (r) =>
      `Imported ${num(r.rows)} ${r.rows === 1 ? 'row' : 'rows'} from ${r.file} in ${formatSeconds(r.seconds)}: ${importCountsEn(r)}.`,
    wouldImport: (r) =>
      `Dry run, nothing written: importing ${num(r.rows)} ${r.rows === 1 ? 'row' : 'rows'} from ${r.file} would give ${importCountsEn(r)}.`,
    nothingImported: 'Nothing was written (--dry-run): to import, run the same command without --dry-run.',
    unreadColumns: (columns) =>
      `  columns not read (their data was not imported): ${columns} — the import reads expediente, apellido_paterno, ` +
      'apellido_materno, nombres (or nombre_completo), fecha_nacimiento and sexo; rename a column to import it',
    renamed: (count, wouldBe) =>
      wouldBe
        ? `  ${num(count)} patients with documents would be renamed (--allow-rename or --allow-rename-of; audited then)`
        : `  ${num(count)} patients with documents renamed (--allow-rename or --allow-rename-of; see the audit log)`,
    sameDetails: (row) =>
      `  expediente ${row.expediente} (added) and expediente ${row.otherExpediente} both name ${row.name}, born ` +
      `${formatCalendarDate(row.fechaNacimiento, 'en')}: if they are one person, ask the records office which expediente ` +
      'is theirs (each file is attached to the expediente its name gives, so their documents would be split); ' +
      'namesakes born the same day need nothing',
    moreSameDetails: (listed) =>
      `  … and more added patients share a name and birth date with another expediente (first ${num(listed)} listed)`,
    notInFile: (count) =>
      `  ${count === 1 ? '1 patient' : `${num(count)} patients`} of the registry ${count === 1 ? 'is' : 'are'} not in this file: ` +
      'kept (an import never deletes patients)',
    detailChanged: (row, wouldBe) =>
      `  line ${row.line}: expediente ${row.expediente}, who has ${num(row.documents)} document${row.documents === 1 ? '' : 's'}: ` +
      `${detailChanges(row, 'en', { born: 'birth date', sex: 'sex' })} ` +
      (wouldBe
        ? '(would be written; the content check would then compare the documents with it)'
        : '(written; the content check compares the documents with it; see the audit log)'),
    moreDetailChanges: (count) =>
      `  … and ${num(count)} more patients with documents whose birth date or sex changed`,
    confirmed: (count, wouldBe) =>
      `  ${count === 1 ? '1 patient' : `${num(count)} patients`} created by an ingest or a review from a file name ` +
      (wouldBe
        ? `would get ${count === 1 ? 'its' : 'their'} registry row (origin: registry; name and details as the file gives them)`
        : `now ${count === 1 ? 'has its' : 'have their'} registry row (origin: registry; name and details as the file gives them; see the audit log)`),
    repeatedRow: (line, firstLine) => `  line ${line}: the same as line ${firstLine}; skipped`,
    moreRepeated: (count) => `  … and ${num(count)} more repeated rows`,
    rejectedRow: (line, reason) => `  line ${line}: ${reason}`,
    moreRejected: (count) => `  … and ${num(count)} more rejected rows`,
    source: (code) =>
      (
        ({
          registry_import: 'imported from the registry',
          batch_ingest: 'created by an ingest',
          review: 'created in a review',
        }) as Record<string, string>
      )[code] ?? code,
  },
  documents: {
    unfinished: ({ kind, to, at, actor, finish }) =>
      `    unfinished: ${kind === 'move' ? `its move to expediente ${to}` : 'its detach'} did not finish ` +
      `(started ${formatLocalTimestamp(at, 'en')} by ${actor}): run \`${finish}\``,
    alreadyThere: (id, patient, chunks, remade) =>
      `Document ${id} already belongs to ${patient}` +
      (remade
        ? `; its ${num(chunks)} chunks were made again from its text (some were missing from the vector store).`
        : chunks
          ? `; its ${num(chunks)} chunks were written again to match.`
          : '; nothing changed.'),
    moved: (id, filename, from, to, chunks, remade) =>
      `Moved document ${id} (${filename}) from ${from} to ${to}` +
      (chunks ? ` with its ${num(chunks)} chunks` : '') +
      (remade ? ', made again from its text (some were missing from the vector store).' : '.'),
    namesAnotherPerson: (filenameName, to, back) =>
      `⚠ Its filename names ${filenameName}, clearly another person than ${to}. If the expediente was mistyped, ` +
      `move it back: ${back}`,
    detached: (id, filename, expediente, chunks, session) =>
      `Detached document ${id} (${filename}) from expediente ${expediente}` +
      (chunks ? `, ${num(chunks)} chunks removed from the vector store` : '') +
      `. It waits for review again: tecsalud-batch review ${session}`,
  },
  sessions: {
    none: 'No sessions yet.',
    // The code the API and --json name (the CLI shows the exact one): scripts read this column.
    status: (code) => code.padEnd(16),
    counts: (processed, total, failed, review, waiting) =>
      `${processed}/${total} files  ${num(failed)} failed  ${num(review)} review  ` +
      (waiting > 0 ? `${num(waiting)} already waiting  ` : ''),
  },
  unlock: {
    lifted: (dir, h) =>
      `Lifted the run lock on ${dir} (pid ${h.pid} on ${h.host}, started ${formatLocalTimestamp(h.startedAt, 'en')}` +
      `${h.session ? `, session ${h.session}` : ''}). The next \`ingest\` of the folder finishes its files.`,
    nothing: (dir) => `No run lock on ${dir}: nothing to lift.`,
  },
  tokens: {
    created: (name, role, until) =>
      `Token '${name}' (${role}) created${until ? `, valid until ${until}` : ''}. ` +
      'It is shown only now: store it in the client’s secret store. Clients send it as `Authorization: Bearer <token>`.',
    none: 'No tokens yet: create one with `tecsalud-batch tokens create --name NAME --role ROLE`.',
    header: { name: 'NAME', role: 'ROLE', state: 'STATE', expires: 'EXPIRES', lastUsed: 'LAST USED' },
    state: (code) => code.padEnd(8),
    never: 'never',
    revoked: (name) => `Token '${name}' revoked.`,
  },
  serve: {
    sweptUploads: (count) =>
      `Removed ${plural(count, 'half-received upload', 'half-received uploads')} a stopped server left: never registered, their clients upload them again.`,
    resuming: (count) => `Resuming ${plural(count, 'session', 'sessions')} a stopped server left processing.`,
    expiredSessions: (count, expiry) =>
      `Discarded ${plural(count, 'session', 'sessions')} nobody processed nor uploaded into for ${expiry}, with their uploads (audited: api_session_expired).`,
    listening: (url) =>
      `tecsalud-batch serve: listening on ${url}/api/v1/documents/batch (docs: ${url}/api/v1/docs)`,
    noAuth: '--no-auth: every call is accepted without a token (loopback only)',
    noTokens: 'there are no usable tokens: every call will be refused (401)',
    noTokensHint: 'create one with `tecsalud-batch tokens create --name NAME --role uploader`',
    reopenFailed: (error) => `could not reopen the log: ${error}`,
    stopping:
      'Stopping: no new calls; the files in flight finish, and their sessions resume at the next start.',
    warning: 'warning',
    error: 'error',
    hint: 'hint',
    file: 'file',
  },
  match: {
    invalidName: (error) => `  ✗ invalid name: ${error}`,
    decision: (decision, confidence, reason) =>
      `  decision   ${decision.toUpperCase()} (confidence ${confidence}) — ${reason}`,
    wouldFail: (outcome, words) =>
      `  decision   WOULD FAIL (${outcome}) — ingest records the file as failed and attaches it to nobody: ${words}`,
    patient: (name) => `  patient    ${name}`,
    noCandidates: '  no candidates in the registry',
    candidateReason: (reason) => reason,
    verdict: (verdict) => `  content    ${verdict.toUpperCase()}`,
    notRead: (message) => `  content    not read: ${message}`,
    namesRegistryPatient: (expediente, name, by) =>
      `    names      registry patient ${expediente} ${name} (by ${by})`,
    filenameAlone: (decision, reason) => `    the filename alone: ${decision.toUpperCase()} (${reason})`,
  },
  cleanup: {
    noneOlder: (olderThan) => `No finished sessions older than ${durationInWords(olderThan, 'en')}.`,
    cleaned: (r) =>
      `Cleaned session ${r.session}: ${num(r.fileRecords)} file records removed` +
      (r.keptReviews ? `, ${num(r.keptReviews)} pending reviews kept` : '') +
      (r.purge
        ? `, ${num(r.purged)} documents purged with their vectors` +
          (r.forced ? ` (${num(r.forced)} within the retention period, forced).` : '.')
        : '; ingested documents kept.'),
    orphanDeleted: (id, chunks, expediente) =>
      `deleted ${plural(chunks, 'chunk', 'chunks')} of document ${id} (expediente ${expediente}): the registry holds no such document`,
    orphanKept: (id, chunks, expediente) =>
      `kept ${plural(chunks, 'chunk', 'chunks')} of document ${id} (expediente ${expediente}): a file not yet final carries its ` +
      'content (being processed, or waiting for review), and may still store it',
    copyDeleted: (id, chunks, expediente, filedIn) =>
      `deleted ${plural(chunks, 'chunk', 'chunks')} of document ${id} (expediente ${expediente}): a stale copy, the ` +
      `registry files the document in collection "${filedIn}", which holds all of its chunks`,
    orphansDone: (collection, deleted, kept, copies) =>
      `Collection "${collection}": ${plural(deleted, 'orphan document', 'orphan documents')} deleted` +
      (copies ? `, ${plural(copies, 'stale copy', 'stale copies')} deleted` : '') +
      (kept ? `, ${num(kept)} kept.` : '.'),
  },
  search: {
    none: 'No matching chunks.',
    hit: (h) =>
      `${h.rank}. ${h.file} · expediente ${h.expediente} ${h.patientName}` +
      (h.filenameExpediente ? ` (by the registry; the filename names ${h.filenameExpediente})` : '') +
      ` · ${h.type} · chunk ${h.chunk}/${String(h.chunks)} · distance ${h.distance}`,
    distanceNote:
      'distance: how far the passage is from the text searched for (0: the same); the closest come first.',
    leftOutElsewhere: (id, chunks, vectorExpediente, registryExpediente) =>
      `warning: ${plural(chunks, 'chunk', 'chunks')} of document ${id} left out: the vector store files them under expediente ` +
      `${vectorExpediente}, the registry under ${registryExpediente} (a \`documents move\` that did not finish); ` +
      `\`tecsalud-batch documents move ${id} --to ${registryExpediente}\` files its vectors where the registry does ` +
      `(or --to ${vectorExpediente}, if the document is that patient's)`,
    leftOutGone: (id, chunks, vectorExpediente) =>
      `warning: ${plural(chunks, 'chunk', 'chunks')} of document ${id} (expediente ${vectorExpediente}) left out: the registry ` +
      'holds no such document, yet its chunks are still in the vector store (`tecsalud-batch cleanup --orphans` deletes them)',
    outOfLine: (id, chunks, vectorExpediente, registryExpediente) =>
      `warning: document ${id} is shown under expediente ${registryExpediente}, the registry's, yet the vector store files ` +
      `${plural(chunks, 'chunk', 'chunks')} of it under expediente ${vectorExpediente} (a \`documents move\` that did not finish); ` +
      `\`tecsalud-batch documents move ${id} --to ${registryExpediente}\` files its vectors where the registry does`,
  },
  processingTypes: {
    vectorized: {
      label: 'Vectorized',
      description:
        'Chunks, embeds and stores the text in the vector store for semantic search; no full text in the database.',
    },
    complete: {
      label: 'Complete',
      description: 'Stores the full extracted text in the database (medical_documents); no vectors.',
    },
    both: {
      label: 'Both',
      description: 'Stores the full text in the database and the chunks in the vector store (the default).',
    },
  },
  parse: {
    type: (type, code) => `${type} (${code})`,
    expected: (format, example) =>
      `Expected format: ${format} (NUMERO is optional)\nExample:         ${example}\n`,
    tally: (parsed, failed) => `${num(parsed)} parsed, ${num(failed)} failed\n`,
  },
  environment: {
    unknownVariable: (name, near, known) =>
      `warning: ${name} is not a variable tecsalud-batch reads: it is ignored` +
      (near.variable
        ? ` (did you mean ${near.variable}?)`
        : near.flag
          ? ` (no variable sets it: did you mean the flag ${near.flag}?)`
          : ` (the variables it reads are ${known.join(', ')}; the other settings are flags, see --help, or keys of the config file)`),
    ignoredByHashing: (settings, chosen) =>
      `warning: ${settings.join(' and ')} ${settings.length === 1 ? 'is' : 'are'} ignored: the embedder is hashing` +
      `${chosen ? '' : ' (the default)'}, the offline one, which has no model or dimensions to choose; ` +
      'for a remote model choose --embedder openai or azure (or TECSALUD_EMBEDDER)',
  },
  doctor: {
    status: (status) => status.toUpperCase(),
    check: (name) => name,
    checkWidth: 12,
    healthy: 'Healthy.',
    unhealthy: 'Unhealthy: see the FAIL lines above.',
  },
};

/** A count as people write it (1,532), in both languages: see formatCount. */
const num = formatCount;
const plural = (n: number, one: string, many: string) => `${num(n)} ${n === 1 ? one : many}`;

function importCountsEs(r: ImportCounts): string {
  return (
    `${plural(r.inserted, 'insertada', 'insertadas')}, ${plural(r.updated, 'actualizada', 'actualizadas')}, ` +
    `${plural(r.unchanged, 'sin cambios', 'sin cambios')}, ${plural(r.repeated, 'repetida', 'repetidas')}, ` +
    `${plural(r.rejected, 'rechazada', 'rechazadas')}`
  );
}

/** doctor's checks (app/check-health), by the name --json gives them. */
const DOCTOR_CHECKS_ES: Record<string, string> = {
  config: 'configuración',
  database: 'base de datos',
  embedder: 'modelo de búsqueda',
  'vector store': 'índice de búsqueda',
  workdir: 'directorio',
  pdftotext: 'pdftotext',
  ocr: 'ocr',
  tesseract: 'tesseract',
  permissions: 'permisos',
  'run files': 'archivos de ejecución',
  environment: 'entorno',
  documents: 'documentos',
};

const ES: CommandWords = {
  patients: {
    label: (row) =>
      ({
        expediente: 'expediente',
        paterno: 'apellido paterno',
        materno: 'apellido materno',
        nombres: 'nombres',
        born: 'fecha de nacimiento',
        sex: 'sexo',
        source: 'origen',
        created: 'creado',
        updated: 'actualizado',
        documents: 'documentos',
      })[row],
    listed: (shown, total, offset) =>
      `Se muestran ${num(shown)} de ${plural(total, 'paciente', 'pacientes')} (desde ${offset}).`,
    matched: (count, query) =>
      `${count === 1 ? '1 paciente coincide' : `${num(count)} pacientes coinciden`} con '${query}'.`,
    matchedMore: (shown, query) =>
      `Se muestran los primeros ${num(shown)} pacientes que coinciden con '${query}'; hay más: agregue una palabra ` +
      'del nombre o aumente --limit.',
    imported: (r) =>
      `${r.rows === 1 ? 'Importada 1 fila' : `Importadas ${num(r.rows)} filas`} de ${r.file} en ${formatSeconds(r.seconds)}: ${importCountsEs(r)}.`,
    wouldImport: (r) =>
      `Simulación, no se escribió nada: importar ${plural(r.rows, 'fila', 'filas')} de ${r.file} daría ${importCountsEs(r)}.`,
    nothingImported:
      'No se escribió nada (--dry-run): para importar, ejecute el mismo comando sin --dry-run.',
    unreadColumns: (columns) =>
      `  columnas no leídas (sus datos no se importaron): ${columns} — la importación lee expediente, apellido_paterno, ` +
      'apellido_materno, nombres (o nombre_completo), fecha_nacimiento y sexo; renombre una columna para importarla',
    renamed: (count, wouldBe) =>
      wouldBe
        ? `  ${plural(count, 'paciente con documentos se renombraría', 'pacientes con documentos se renombrarían')} (con --allow-rename o --allow-rename-of; quedaría en la bitácora de auditoría)`
        : `  ${plural(count, 'paciente con documentos renombrado', 'pacientes con documentos renombrados')} (con --allow-rename o --allow-rename-of; vea la bitácora de auditoría)`,
    sameDetails: (row) =>
      `  el expediente ${row.expediente} (nuevo) y el expediente ${row.otherExpediente} nombran ambos a ${row.name}, ` +
      `con fecha de nacimiento ${formatCalendarDate(row.fechaNacimiento, 'es')}: si son una misma persona, pregunte al área ` +
      'de archivo cuál expediente es el suyo (cada archivo se asocia al expediente que da su nombre, así que sus documentos ' +
      'quedarían repartidos); homónimos nacidos el mismo día no requieren nada',
    moreSameDetails: (listed) =>
      `  … y más pacientes nuevos comparten nombre y fecha de nacimiento con otro expediente (se listan los primeros ${num(listed)})`,
    notInFile: (count) =>
      `  ${count === 1 ? '1 paciente del registro no está' : `${num(count)} pacientes del registro no están`} en este archivo: ` +
      `${count === 1 ? 'se conserva' : 'se conservan'} (una importación nunca borra pacientes)`,
    detailChanged: (row, wouldBe) =>
      `  línea ${row.line}: expediente ${row.expediente}, que tiene ${plural(row.documents, 'documento', 'documentos')}: ` +
      `${detailChanges(row, 'es', { born: 'fecha de nacimiento', sex: 'sexo' })} ` +
      (wouldBe
        ? '(se escribiría; la verificación de contenido compararía entonces los documentos con ello)'
        : '(escrito; la verificación de contenido compara los documentos con ello; vea la bitácora de auditoría)'),
    moreDetailChanges: (count) =>
      `  … y ${plural(count, 'paciente', 'pacientes')} más con documentos cuya fecha de nacimiento o sexo cambió`,
    confirmed: (count, wouldBe) =>
      `  ${count === 1 ? '1 paciente creado' : `${num(count)} pacientes creados`} por una ingesta o una revisión a partir del nombre de un archivo ` +
      (wouldBe
        ? `${count === 1 ? 'obtendría' : 'obtendrían'} su fila del registro (origen: registro; nombre y datos como los da el archivo)`
        : `${count === 1 ? 'tiene' : 'tienen'} ahora su fila del registro (origen: registro; nombre y datos como los da el archivo; vea la bitácora de auditoría)`),
    repeatedRow: (line, firstLine) => `  línea ${line}: igual que la línea ${firstLine}; omitida`,
    moreRepeated: (count) => `  … y ${plural(count, 'fila repetida', 'filas repetidas')} más`,
    rejectedRow: (line, reason) => `  línea ${line}: ${translateImportReason(reason)}`,
    moreRejected: (count) => `  … y ${plural(count, 'fila rechazada', 'filas rechazadas')} más`,
    source: (code) =>
      (
        ({
          registry_import: 'importado del registro',
          batch_ingest: 'creado por una ingesta',
          review: 'creado en una revisión',
        }) as Record<string, string>
      )[code] ?? code,
  },
  documents: {
    unfinished: ({ kind, to, at, actor, finish }) =>
      `    a medias: ${kind === 'move' ? `su traslado al expediente ${to} no terminó (iniciado` : 'su desvinculación no terminó (iniciada'} ` +
      `el ${formatLocalTimestamp(at, 'es')} por ${actor}): ejecute \`${finish}\``,
    alreadyThere: (id, patient, chunks, remade) =>
      `El documento ${id} ya pertenece a ${patient}` +
      (remade
        ? `; sus ${num(chunks)} fragmentos se crearon de nuevo a partir de su texto (faltaban algunos en el índice de búsqueda).`
        : chunks
          ? `; sus ${num(chunks)} fragmentos se escribieron de nuevo para que coincidan.`
          : '; no cambió nada.'),
    moved: (id, filename, from, to, chunks, remade) =>
      `Documento ${id} (${filename}) movido de ${from} a ${to}` +
      (chunks ? ` con sus ${num(chunks)} fragmentos` : '') +
      (remade ? ', creados de nuevo a partir de su texto (faltaban algunos en el índice de búsqueda).' : '.'),
    namesAnotherPerson: (filenameName, to, back) =>
      `⚠ Su nombre de archivo dice ${filenameName}, claramente otra persona que ${to}. Si el expediente se ` +
      `escribió mal, regréselo: ${back}`,
    detached: (id, filename, expediente, chunks, session) =>
      `Documento ${id} (${filename}) desvinculado del expediente ${expediente}` +
      (chunks
        ? `; ${plural(chunks, 'fragmento quitado', 'fragmentos quitados')} del índice de búsqueda`
        : '') +
      `. Espera revisión de nuevo: tecsalud-batch review ${session}`,
  },
  sessions: {
    none: 'Todavía no hay sesiones.',
    // In words, as `status` says it; «completada con fallos» is the widest.
    status: (code) => (ES_SESSION_STATUSES[code] ?? code).padEnd(21),
    counts: (processed, total, failed, review, waiting) =>
      `${processed}/${total} archivos  ${plural(failed, 'fallido', 'fallidos')}  ${num(review)} en revisión  ` +
      (waiting > 0 ? `${num(waiting)} ya en espera  ` : ''),
  },
  unlock: {
    lifted: (dir, h) =>
      `Bloqueo de ejecución de ${dir} levantado (pid ${h.pid} en ${h.host}, iniciada ${formatLocalTimestamp(h.startedAt, 'es')}` +
      `${h.session ? `, sesión ${h.session}` : ''}). La próxima \`ingest\` de la carpeta termina sus archivos.`,
    nothing: (dir) => `No hay bloqueo de ejecución en ${dir}: nada que levantar.`,
  },
  tokens: {
    created: (name, role, until) =>
      `Token '${name}' (${role}) creado${until ? `, válido hasta ${until}` : ''}. ` +
      'Solo se muestra ahora: guárdelo en el almacén de secretos del cliente. Los clientes lo envían como ' +
      '`Authorization: Bearer <token>`.',
    none: 'Todavía no hay tokens: cree uno con `tecsalud-batch tokens create --name NOMBRE --role ROL`.',
    header: { name: 'NOMBRE', role: 'ROL', state: 'ESTADO', expires: 'CADUCA', lastUsed: 'ÚLTIMO USO' },
    // The role stays the code `tokens create --role` takes; the state is only read.
    state: (code) =>
      ({ active: 'activo', revoked: 'revocado', expired: 'caducado' })[code]?.padEnd(8) ?? code.padEnd(8),
    never: 'nunca',
    revoked: (name) => `Token '${name}' revocado.`,
  },
  serve: {
    sweptUploads: (count) =>
      `${count === 1 ? 'Se quitó 1 subida a medias' : `Se quitaron ${num(count)} subidas a medias`} que dejó un servidor detenido: ` +
      'nunca se registraron, sus clientes las suben de nuevo.',
    resuming: (count) =>
      `Se retoma${count === 1 ? '' : 'n'} ${plural(count, 'sesión', 'sesiones')} que un servidor detenido dejó en proceso.`,
    expiredSessions: (count, expiry) =>
      `${count === 1 ? 'Se descartó 1 sesión' : `Se descartaron ${num(count)} sesiones`} que nadie procesó ni recibió archivos en ` +
      `${expiry}, junto con sus archivos subidos (auditado: api_session_expired).`,
    listening: (url) =>
      `tecsalud-batch serve: escuchando en ${url}/api/v1/documents/batch (documentación: ${url}/api/v1/docs)`,
    noAuth: '--no-auth: se acepta toda llamada sin token (solo loopback)',
    noTokens: 'no hay tokens utilizables: se rechazará toda llamada (401)',
    noTokensHint: 'cree uno con `tecsalud-batch tokens create --name NOMBRE --role uploader`',
    reopenFailed: (error) => `no se pudo reabrir la bitácora (--log-file): ${error}`,
    stopping:
      'Deteniendo: no se aceptan llamadas nuevas; los archivos en curso terminan, y sus sesiones se retoman en el próximo arranque.',
    warning: 'aviso',
    error: 'error',
    hint: 'sugerencia',
    file: 'archivo',
  },
  match: {
    invalidName: (error) => `  ✗ nombre no válido: ${error}`,
    // The decision and the reason code are kept beside the words: they are what --json and the API name.
    decision: (decision, confidence, reason, words) =>
      `  decisión   ${decisionInSpanish(decision)} (${decision}; confianza ${confidence}) — ${words} (${reason})`,
    wouldFail: (outcome, words) =>
      `  decisión   FALLARÍA (${outcome}) — la ingesta registra el archivo como fallido y no lo asocia a nadie: ${words}`,
    patient: (name) => `  paciente   ${name}`,
    noCandidates: '  sin candidatos en el registro',
    candidateReason: (reason, kindWords) => translateCandidateReason(reason, kindWords),
    verdict: (verdict) =>
      `  contenido  ${{ agrees: 'COINCIDE', contradicts: 'CONTRADICE', absent: 'NO INDICA NADA', confirmed: 'CONFIRMA AL PACIENTE' }[verdict]} (${verdict})`,
    notRead: (message) => `  contenido  no se leyó: ${message}`,
    namesRegistryPatient: (expediente, name, by) =>
      `    nombra     al paciente del registro ${expediente} ${name} (por ${by === 'name' ? 'nombre' : by})`,
    filenameAlone: (decision, reason, words) =>
      `    solo por el nombre del archivo: ${decisionInSpanish(decision)} (${decision}; ${words}; ${reason})`,
  },
  cleanup: {
    noneOlder: (olderThan) =>
      `No hay sesiones terminadas de hace más de ${durationInWords(olderThan, 'es')}.`,
    cleaned: (r) =>
      `Sesión ${r.session} limpiada: ${plural(r.fileRecords, 'registro de archivo quitado', 'registros de archivo quitados')}` +
      (r.keptReviews
        ? `, ${plural(r.keptReviews, 'revisión pendiente conservada', 'revisiones pendientes conservadas')}`
        : '') +
      (r.purge
        ? `, ${plural(r.purged, 'documento purgado', 'documentos purgados')} con sus fragmentos del índice de búsqueda` +
          (r.forced ? ` (${num(r.forced)} dentro del plazo de conservación, forzado).` : '.')
        : '; los documentos ingresados se conservan.'),
    orphanDeleted: (id, chunks, expediente) =>
      `${plural(chunks, 'fragmento borrado', 'fragmentos borrados')} del documento ${id} (expediente ${expediente}): el registro no tiene ese documento`,
    orphanKept: (id, chunks, expediente) =>
      `${plural(chunks, 'fragmento conservado', 'fragmentos conservados')} del documento ${id} (expediente ${expediente}): un archivo aún ` +
      'sin terminar lleva su contenido (en proceso, o en espera de revisión) y todavía puede guardarlo',
    copyDeleted: (id, chunks, expediente, filedIn) =>
      `${plural(chunks, 'fragmento borrado', 'fragmentos borrados')} del documento ${id} (expediente ${expediente}): una copia ` +
      `vieja, el registro guarda el documento en la colección "${filedIn}", que tiene todos sus fragmentos`,
    orphansDone: (collection, deleted, kept, copies) =>
      `Colección "${collection}": ${plural(deleted, 'documento huérfano borrado', 'documentos huérfanos borrados')} del índice de búsqueda` +
      (copies ? `, ${plural(copies, 'copia vieja borrada', 'copias viejas borradas')}` : '') +
      (kept ? `, ${num(kept)} conservados.` : '.'),
  },
  search: {
    none: 'Ningún fragmento coincide.',
    // The type in words, its code beside it as --type takes it: 'lab_results' alone is English to the reader.
    hit: (h) =>
      `${h.rank}. ${h.file} · expediente ${h.expediente} ${h.patientName}` +
      (h.filenameExpediente
        ? ` (según el registro; el nombre del archivo dice ${h.filenameExpediente})`
        : '') +
      ` · ${h.typeWords === h.type ? h.type : `${h.typeWords} (${h.type})`} · ` +
      `fragmento ${h.chunk}/${String(h.chunks)} · distancia ${h.distance}`,
    distanceNote:
      'distancia: cuánto se aleja el fragmento del texto buscado (0: idéntico); los más cercanos van primero.',
    leftOutElsewhere: (id, chunks, vectorExpediente, registryExpediente) =>
      `aviso: se omiten ${plural(chunks, 'fragmento', 'fragmentos')} del documento ${id}: el índice de búsqueda los archiva en el ` +
      `expediente ${vectorExpediente}, el registro en el ${registryExpediente} (un \`documents move\` que no terminó); ` +
      `\`tecsalud-batch documents move ${id} --to ${registryExpediente}\` archiva sus fragmentos indexados donde lo hace el registro ` +
      `(o --to ${vectorExpediente}, si el documento es de ese paciente)`,
    leftOutGone: (id, chunks, vectorExpediente) =>
      `aviso: se omiten ${plural(chunks, 'fragmento', 'fragmentos')} del documento ${id} (expediente ${vectorExpediente}): el ` +
      'registro no tiene ese documento, pero sus fragmentos siguen en el índice de búsqueda (`tecsalud-batch cleanup --orphans` los borra)',
    outOfLine: (id, chunks, vectorExpediente, registryExpediente) =>
      `aviso: el documento ${id} se muestra en el expediente ${registryExpediente}, el del registro, pero el índice de búsqueda ` +
      `archiva ${plural(chunks, 'fragmento', 'fragmentos')} de él en el expediente ${vectorExpediente} (un \`documents move\` que no terminó); ` +
      `\`tecsalud-batch documents move ${id} --to ${registryExpediente}\` archiva sus fragmentos indexados donde lo hace el registro`,
  },
  processingTypes: {
    vectorized: {
      label: 'Indexado',
      description:
        'Divide el texto en fragmentos y los guarda en el índice de búsqueda, para buscar por significado; ' +
        'sin el texto completo en la base de datos.',
    },
    complete: {
      label: 'Completo',
      description:
        'Guarda el texto extraído completo en la base de datos (medical_documents); sin índice de búsqueda.',
    },
    both: {
      label: 'Ambos',
      description:
        'Guarda el texto completo en la base de datos y los fragmentos en el índice de búsqueda (el predeterminado).',
    },
  },
  parse: {
    // The type as --json and the API name it, beside its words.
    type: (type, code, words) => `${words} (${type}, ${code})`,
    expected: (format, example) =>
      `Formato esperado: ${format} (NUMERO es opcional)\nEjemplo:          ${example}\n`,
    tally: (parsed, failed) =>
      `${num(parsed)} ${parsed === 1 ? 'interpretado' : 'interpretados'}, ${plural(failed, 'fallido', 'fallidos')}\n`,
  },
  environment: {
    unknownVariable: (name, near, known) =>
      `aviso: ${name} no es una variable que tecsalud-batch lea: se ignora` +
      (near.variable
        ? ` (¿quiso decir ${near.variable}?)`
        : near.flag
          ? ` (ninguna variable lo fija: ¿quiso decir la opción ${near.flag}?)`
          : ` (las variables que lee son ${known.join(', ')}; los demás ajustes son opciones, vea --help, o claves del archivo de configuración)`),
    ignoredByHashing: (settings, chosen) =>
      `aviso: se ignora${settings.length === 1 ? '' : 'n'} ${settings.join(' y ')}: el embedder es hashing` +
      `${chosen ? '' : ' (el predeterminado)'}, el local, que no tiene modelo ni dimensiones que elegir; ` +
      'para un modelo remoto elija --embedder openai o azure (o TECSALUD_EMBEDDER)',
  },
  doctor: {
    status: (status) => ({ ok: 'OK', warn: 'AVISO', fail: 'FALLO' })[status],
    check: (name) => DOCTOR_CHECKS_ES[name] ?? name,
    checkWidth: 21,
    healthy: 'Todo en orden.',
    unhealthy: 'Con fallos: vea las líneas FALLO de arriba.',
  },
};

export function commandWordsFor(lang: Lang): CommandWords {
  return lang === 'es' ? ES : EN;
}

/** The words of a command run with `--lang flag` (else LC_ALL / LANG) in `env`. */
export function commandWords(flag: string | undefined, env: NodeJS.ProcessEnv): CommandWords {
  return commandWordsFor(resolveLanguage({ flag, env }));
}
