import { FILE_OUTCOMES, type FileOutcome } from '../../core/pipeline/file-outcome.js';
import type { CandidateScores, FieldMatchKind } from '../../core/matching/types.js';
import type { MatchingStatus, ProcessingStatus } from '../../core/pipeline/statuses.js';
import type { PipelineStage } from '../../core/pipeline/events.js';
import type { ContentVerdict } from '../../core/content/types.js';
import type { IdentityField } from '../../core/registry/is-rename.js';
import type {
  AttachRisk,
  EntryStatus,
  HeldReason,
  NotRecordedCause,
  ReviewNotice,
  ReviewTally,
} from '../../app/review-walk.js';
import { DATABASE_RULES } from './database-errors-es.js';
import { translateFileDetail } from './file-details-es.js';
import { SERVICE_RULES } from './service-errors-es.js';
import { ES_SESSION_STATUSES } from './session-statuses-es.js';
import type { Lang } from './language.js';
import { formatCalendarDate, formatCount, formatSeconds } from '../format.js';

/** Where the language is chosen; exported here too, with the words. */
export { resolveLanguage, type Lang } from './language.js';

/** The key descriptions of the help overlay, by action. */
export type KeyHelp =
  | 'attach'
  | 'new_patient'
  | 'reject'
  | 'skip'
  | 'undo'
  | 'browse'
  | 'list'
  | 'scroll'
  | 'page'
  | 'details'
  | 'help'
  | 'quit';

/**
 * Every word the dashboard, the review and their summaries show, in one language. Codes (reasons,
 * statuses, outcomes, risks) are put in plain words here, and only here.
 */
export interface Messages {
  lang: Lang;
  // The review's frame
  reviewPosition(position: number, total: number): string;
  reviewFinished: string;
  session(id: string): string;
  reviewer(name: string): string;
  helpHint: string;
  loading: string;
  working: string;
  /** A decision or undo waiting for a database another program keeps locked (see ReviewWalkState). */
  waitingForDatabase(seconds: number, limitSeconds: number): string;
  /** Ctrl-C (or a signal) while a decision is being written: the sitting ends once it is. */
  closingAfterWrite: string;
  filenameLine(
    expediente: string,
    name: string,
    documentType: string,
    code: string,
    numero: string | null,
  ): string;
  unparsable(error: string): string;
  held(reason: string, confidence: number | null, pages: number | null): string;
  /** The held line when the reason no longer holds against today's registry (see heldNow). */
  heldAtIngest(reason: string, confidence: number | null, pages: number | null): string;
  /** Under heldAtIngest: what the content check or the filename's match says against today's registry. */
  heldNow(now: { verdict: ContentVerdict; against: 'match' | 'filename' } | { reason: string }): string;
  /** `on`: the day, as the operator's calendar reads it. */
  detachedBy(by: string, expediente: string, on: string): string;
  /** A file a run took back into review because a copy of it names another patient. */
  takenBackBy(by: string, expediente: string, copyExpediente: string, on: string): string;
  /** Another sitting is deciding the file shown. */
  decidingElsewhere(by: string): string;
  /** The file shown was settled since the sitting listed it (by another sitting, the HTTP API…): `status` now. */
  settledElsewhere(by: string | null, status: string): string;
  /** A file of this sitting already decided, shown again (← or the list): what was decided. */
  decidedInSitting(status: 'attached' | 'created' | 'rejected'): string;
  /** Before the recorded reason a file came back to review. */
  whyBack: string;
  idConflictBanner(expediente: string, owner: string, filenameName: string): string;
  // Evidence
  documentSays: string;
  documentStatesNothing: string;
  documentSource(source: 'cross_check' | 'text'): string;
  /** `against`: the registry patient the filename was matched to, or (none: a new patient, a homonym's review) the filename. */
  verdict(verdict: ContentVerdict, against?: 'match' | 'filename'): string;
  otherPatientInFile(values: string): string;
  candidates(count: number): string;
  noCandidates: string;
  bornShort: string;
  /** A birth date whose day and month could be either way round (an English label's 05/03/1985). */
  eitherDate(first: string, second: string): string;
  sexLabel: string;
  docs(count: number, types: string[]): string;
  /** Opens the matcher's comparison, which is with the filename, not with the document. */
  versusFilename: string;
  expedienteRelation(relation: 'same' | 'near' | 'different'): string;
  nameIdentical: string;
  surnamesSwapped: string;
  fieldLabel(field: 'paterno' | 'materno' | 'nombres'): string;
  fieldKind(kind: FieldMatchKind): string;
  holdsExpediente: string;
  riskTag(risk: AttachRisk, threshold: number): string;
  /** The heading of the whole text; where the screen is in it, the scroll position under the key hints says. */
  documentText(lines: number): string;
  textMissing: string;
  detailsHint: string;
  /** The matcher's per-signal scores (`d`), each named in words an administrator can read. */
  signalScores(scores: CandidateScores): string;
  // Confirmation
  confirmTitle(rank: number): string;
  /** `risk`: why a new patient would likely duplicate a registry patient (the confirmation's first). */
  confirmNewPatientTitle(risk: AttachRisk): string;
  confirmFile: string;
  confirmDocument: string;
  confirmCandidate(rank: number): string;
  confirmWhy: string;
  riskExplained(
    risk: AttachRisk,
    context: {
      expediente: string;
      confidence: number;
      threshold: number;
      documentValue: string | null;
      registryValue: string | null;
    },
  ): string;
  /** The confirmation's keys; `scrolling` when it is longer than the screen. */
  confirmKeys(action: 'attach' | 'new_patient', scrolling: boolean): string;
  // Keys
  keyHint(key: KeyHelp, candidates: number): string;
  keyHelp(key: KeyHelp): string;
  helpTitle: string;
  /** `scrolling`: the help is longer than the rows it has, and ↑↓ read the rest. */
  helpClose(scrolling: boolean): string;
  // Pending list
  /** `waiting`: the cases still to decide (pending, or skipped here); the others were settled. */
  listTitle(count: number, waiting: number): string;
  listKeys: string;
  entryStatus(status: EntryStatus): string;
  /** The list's status of a file somebody else settled: by whom, when the audit log says. */
  entrySettledBy(by: string | null): string;
  // Notices
  notice(notice: ReviewNotice): string;
  // Summaries
  walkSummary(tally: ReviewTally): string;
  skippedStayPending: string;
  doneKeys(canUndo: boolean): string;
  reviewClosing(tally: ReviewTally, stillPending: number): string;
  /** On stderr when the walk's terminal went away (input ended, SIGHUP): the cases left stay pending. */
  reviewTerminalClosed(stillPending: number, shortId: string | null): string;
  // `review` outside the walk: the listing, a refusal without a terminal, `--reopen`
  noReviewsPending(session: string | null): string;
  pendingTitle(count: number): string;
  pendingRow(reason: string, confidence: number | null): string;
  reviewNeedsTerminal: string;
  reviewNeedsTerminalHint: string;
  /** `review &`: said once the job is in the background, before it stops there until `fg`. */
  reviewWaitsForForeground: string;
  /** The label before a refusal's hint, as `main` prints it: `hint:` / `sugerencia:`. */
  hintLabel: string;
  reopened(filename: string, session: string): string;
  rejectionLifted(filename: string): string;
  // Codes in plain words
  reason(reason: HeldReason | string | null): string;
  sessionStatus(status: string): string;
  /** A processing type (vectorized, complete, both) in the screens' words. */
  processingType(type: string): string;
  outcome(outcome: string): string;
  /** A file's message (what went wrong, or why it was set aside), as the core wrote it in English. */
  detail(message: string): string;
  documentType(type: string): string;
  sex(value: string | null): string;
  // The dashboard
  dashboard: DashboardMessages;
  // The ingest's closing lines
  summary: SummaryMessages;
  // The progress lines without the dashboard (cron, a piped stdout, --non-interactive)
  progress: ProgressMessages;
  // `status`: one session's record as text
  statusReport: StatusReportMessages;
  // `ingest --enqueue`: what it queued for the workers
  enqueue: EnqueueMessages;
  // `ingest --dry-run`: the plan's closing line
  dryRun: DryRunMessages;
  // `worker`: what it says to the operator as it goes (its log and --json stay English)
  worker: WorkerMessages;
}

/**
 * What `worker` prints on stderr. Ids are the first 8 characters; a session's status code is kept beside
 * its words, as `status` keeps it.
 */
export interface WorkerMessages {
  started(workerId: string, concurrency: number): string;
  /** Before a file's line (the ↺ of a file taken back), to say which session it is in. */
  inSession(sessionId: string, line: string): string;
  /** `hint`: what to check, already in the messages' language; said on a line of its own. */
  serviceDown(error: string, pauseSeconds: number, hint: string): string;
  /** The backends answer again (a job fetched, a file finished), `downSeconds` after the outage was first seen. */
  serviceBack(downSeconds: number): string;
  /** A file not ready yet (`reason`: still being copied into the folder), its job taken again in `seconds`. */
  postponed(sessionId: string, reason: string, seconds: number): string;
  retrying(sessionId: string, attempt: number, error: string): string;
  givenUp(sessionId: string, attempts: number, error: string): string;
  /** A file still being written at every look for `duration`: failed so that the queue can end. */
  stillChanging(sessionId: string, duration: string, reason: string): string;
  requeued(sessionId: string, files: number): string;
  /** Active jobs of workers that are gone (`workers`: host:pid), handed on now rather than at their timeout. */
  reclaimed(jobs: number, workers: string): string;
  /** Jobs this worker took while the database connection dropped (the answer was lost), back on the queue. */
  straysPutBack(jobs: number): string;
  sessionFinished(
    sessionId: string,
    status: string,
    /** `alreadyWaiting`: files whose content waits for review in an earlier session (said only when some do). */
    counts: { processed: number; total: number; failed: number; review: number; alreadyWaiting: number },
  ): string;
  idle: string;
  /**
   * `--until-idle` waiting for jobs it cannot take: `active` held by workers (back on the queue by
   * `activeUntil`, HH:MM:SS UTC, should theirs be gone), `later` queued to start at `nextStart` at the earliest.
   */
  waiting(active: number, activeUntil: string | null, later: number, nextStart: string | null): string;
  stopped(workerId: string, files: number, seconds: number): string;
  /** The first SIGTERM or Ctrl-C (`signal`: its name). */
  stopping(signal: string): string;
  /**
   * pg-boss's maintenance failed (the database away, most often): said once every `everyMinutes` while it
   * lasts, with how many failures were not said since the last line (`heldBack`).
   */
  queueMaintenanceFailed(error: string, heldBack: number, everyMinutes: number): string;
}

/** What `ingest --dry-run` says after its plan: what a run would do, and that nothing was written. */
export interface DryRunMessages {
  /**
   * One file of the plan: what the run would do (`plan`: auto, review, new, invalid_name, failed,
   * still_being_written), and why — the matcher's reason code and confidence, or (`error`) why its name does not
   * parse, why it would fail (with the `outcome` the run would record), or why the run would leave it for the next.
   */
  row(
    file: string,
    plan: string,
    why: { reason?: string; confidence?: number; error?: string; outcome?: string },
  ): string;
  /**
   * `settled`: files unchanged since a run settled them (not listed); `failed`: files that would fail their checks;
   * `still_being_written`: transfers still under way, which the run would leave for the next one.
   */
  closing(counts: {
    auto: number;
    review: number;
    new: number;
    invalid: number;
    failed: number;
    settled: number;
    deferred: number;
    still_being_written: number;
  }): string;
  /** What the plan looked at, and what only the run finds: said after the closing line. */
  checked: string;
}

/** What `ingest --enqueue` says: the files it queued for the workers, or where it stopped. */
export interface EnqueueMessages {
  /** `resumed`: the folder's session was not final, and this command joined it. */
  queued(sessionId: string, jobs: number, resumed: boolean): string;
  startWorkers(shortId: string): string;
  /**
   * Files of the folder whose content already waits for review in an earlier session: no worker takes them;
   * a person does, with `review` (which walks them from this session too).
   */
  alreadyWaiting(files: number, shortId: string): string;
  /** Files of the session that failed: settled as found (an unreadable entry, a damaged PDF remembered), or by its workers. */
  failed(files: number, shortId: string): string;
  /** Files of the session waiting for review: a resumed session's, matched by its workers. */
  waitingForReview(files: number, shortId: string): string;
  /** Nothing was queued: every file is settled (its outcome recorded) and no worker is needed. */
  nothingToQueue(shortId: string): string;
  interrupted(sessionId: string, jobs: number, notQueued: number): string;
  /** On stderr after an interruption: how to queue the rest. */
  runAgain(notQueued: number): string;
  /** The first Ctrl-C. */
  stopping: string;
  /** The first SIGHUP (the terminal closed: nothing follows it) or SIGTERM. */
  stoppingOn(signal: 'SIGHUP' | 'SIGTERM'): string;
  /** The second Ctrl-C: the report is written (waited for a few seconds at most), then the command exits. */
  forcedStop(seconds: number): string;
  /** Stopped before the files were registered and counted: nothing is known to be queued. */
  interruptedBeforeQueueing(sessionId: string | null): string;
  /** On stderr after that: the same command queues them all. */
  runAgainAll: string;
  maxFilesIgnored: string;
}

/** The rows `status` prints about a session, by what they show. */
export type StatusRow =
  | 'status'
  | 'processing type'
  | 'uploaded by'
  | 'source'
  | 'files'
  | 'patients'
  | 'review required'
  | 'already waiting'
  | 'duplicates'
  | 'deferred'
  | 'created'
  | 'started'
  | 'completed'
  | 'processing time'
  | 'workers'
  | 'jobs'
  | 'attention'
  | 'note';

/**
 * `status` as text. The codes (session status, file outcome) stay as they are, beside their words where
 * shown: they are what `--json`, the API and the README name, so a person can look them up.
 */
export interface StatusReportMessages {
  title(sessionId: string): string;
  label(row: StatusRow): string;
  status(code: string): string;
  files(processed: number, total: number, failed: number): string;
  patients(matched: number, created: number): string;
  /** A re-run's copies of content already waiting for review in another file. */
  alreadyWaiting(count: number): string;
  /** Files this session left `deferred` (over --max-files) for a later run of the folder. */
  leftForNextRun(count: number): string;
  seconds(seconds: number): string;
  /** A file's outcome (its processing status while it has none), as the file column of `--files` shows it. */
  fileOutcome(code: string): string;
  /** A mark beside a file (`content_mismatch`, `low_ocr_confidence`). */
  flag(code: string): string;
  workers(seen: number, running: number): string;
  worker(files: number, state: 'running' | 'gone' | 'stopped'): string;
  jobs(queued: number, active: number, done: number, failed: number): string;
  notMoved(error: string): string;
  ocr(engine: string, pages: number, confidence: number | null, low: boolean): string;
  /** A content_mismatch: whom the document names (`named`), or what it states of someone (`stated`). */
  contentNames(named: string): string;
  contentStates(stated: { birthDate: string | null; sex: string | null }): string;
  /** A content_confirmed: the patient the document's own expediente chose, and the filename's expediente. */
  contentConfirmed(expediente: string, name: string, filenameExpediente: string | null): string;
}

/** The counts of an ingest's closing summary, after the review that followed it (if any). */
export interface SummaryCounts {
  total: number;
  ingested: number;
  duplicates: number;
  setAside: number;
  rejectedInReview: number;
  waiting: number;
  failed: number;
  deferred: number;
}

export interface SummaryMessages {
  session(id: string, status: string, seconds: number): string;
  files(c: SummaryCounts): string;
  patients(matched: number, created: number, pages: number, chunks: number): string;
  settle(command: string): string;
  seeFiles(command: string): string;
  interrupted(sessionId: string): string;
  /** A second Ctrl-C: the run stopped at once, with no summary; null before its session was recorded. */
  interruptedNow(sessionId: string | null): string;
  notMoved(count: number): string;
  /** Files over --max-files, recorded `deferred`: how many, and that the same command takes them. */
  deferred(count: number): string;
  /** Files still being copied into the drop, recorded `still_being_written`: not failed, the next run reads them. */
  stillBeingWritten(count: number): string;
  /** Files under a transfer's name (`.filepart`) that their tool renamed once complete: done under the final name. */
  renamedByTransfer(count: number): string;
  /** Hidden and system entries of the drop the run skipped: how many, the first few (`names`), and the flag. */
  skippedHidden(count: number, names: string): string;
  /** A --glob matched none of the folder's `files` files: nothing taken, and how patterns read. */
  globMatchedNoFile(glob: string, files: number): string;
  /** The registry (`database`) held no patient before the run: its `created` patients all came from filenames. */
  registryWasEmpty(created: number, database: string): string;
  /** Before a warning printed on its own on stderr (`warning: `). */
  warningPrefix: string;
  /**
   * `files` of this run carry type codes the service does not know (`codes`: "CSON ×2, XRAY"); `known`: where to
   * see its codes; `recorded`: how many of them are on record as type `other` (not a file that failed, a duplicate…).
   */
  unknownTypeCodes(files: number, codes: string, known: string, recorded: number): string;
}

/** The progress a run prints when the dashboard is not shown: a bar on a terminal, plain lines elsewhere. */
export interface ProgressMessages {
  started(files: number, dir: string): string;
  counts(c: { done: number; target: number; failed: number; review: number; duplicates: number }): string;
  /** cli-progress's format: `{bar}`, `{value}`, `{total}`, `{failed}`, `{review}`, `{duplicates}`, `{eta_formatted}`. */
  barFormat: string;
  /** What Ctrl-C does, said when it is pressed. */
  interrupted: string;
  /**
   * The same, for a signal no key sent: SIGHUP (the terminal closed, so no Ctrl-C can follow, and a hangup is
   * never "again, at once") and SIGTERM (a second one stops at once).
   */
  stoppingOn(signal: 'SIGHUP' | 'SIGTERM'): string;
  /** A long scan's OCR, now and then: the page it is reading. */
  ocrPage(path: string, page: number, pages: number): string;
}

export interface DashboardMessages {
  lookingForFiles: string;
  ingesting(dir: string): string;
  finished(status: string, seconds: number): string;
  files(done: number, target: number): string;
  throughput(elapsed: string, eta: string, files: string, pages: string): string;
  stages(c: {
    parsed: number;
    matched: number;
    newPatients: number;
    review: number;
    extracted: number;
  }): string;
  stored(c: { embedded: number; stored: number; duplicates: number }): string;
  failed(n: number): string;
  nextRun(n: number): string;
  stopping: string;
  /** Ctrl-Z during a run: why it does not suspend, and what to do instead. */
  noSuspend: string;
  inFlight(n: number): string;
  /** A scan in flight: the page its OCR is reading. */
  ocrPage(page: number, pages: number): string;
  andMore(n: number): string;
  latestErrors(shown: number, total: number): string;
  /** Every stage has its word: a missing one is a compile error, not an English word in a Spanish screen. */
  stage(stage: PipelineStage | 'queued'): string;
}

/** A count as people write it (1,532), in every sentence of both languages: see formatCount. */
const num = formatCount;
const plural = (n: number, one: string, many: string) => `${num(n)} ${n === 1 ? one : many}`;

/** The patients a session created, and the files it attached to patients already there (the service's two counts). */
const patientCounts = (matched: number, created: number) =>
  `pacientes: ${plural(created, 'creado', 'creados')} · ` +
  `${plural(matched, 'archivo asignado', 'archivos asignados')} a pacientes ya registrados`;

const EN_REASONS: Record<string, string> = {
  exact_id_and_name: 'same expediente and name',
  exact_id_name_variant: 'same expediente, name written slightly differently',
  id_match_name_partial: 'expediente matches, the name only in part',
  id_match_name_fits_other: 'expediente matches, but another patient has exactly this name',
  id_match_name_fits_neighbour: 'expediente matches; the name fits a neighbouring one too',
  id_conflict: 'the expediente belongs to someone else',
  expediente_typo: 'expediente one keystroke from that of a patient with this name',
  name_only_match: 'the name matches; the expediente is not in the registry',
  common_name_homonyms: 'a common name that several patients carry',
  no_plausible_candidate: 'no candidate close enough',
  no_candidates: 'no candidates in the registry',
  content_mismatch: "the document's own text contradicts the filename's match",
  content_confirmed: "the document's expediente and name confirmed the patient",
  detached: 'taken off a patient by a reviewer',
  taken_back: 'taken back into review: a copy names another patient',
};

const ES_REASONS: Record<string, string> = {
  exact_id_and_name: 'mismo expediente y nombre',
  exact_id_name_variant: 'mismo expediente, nombre escrito con una pequeña variante',
  id_match_name_partial: 'el expediente coincide, el nombre solo en parte',
  id_match_name_fits_other: 'el expediente coincide, pero otro paciente tiene exactamente este nombre',
  id_match_name_fits_neighbour: 'el expediente coincide; el nombre encaja también en uno vecino',
  id_conflict: 'el expediente es de otra persona',
  expediente_typo: 'expediente a una tecla del de un paciente con este nombre',
  name_only_match: 'el nombre coincide; el expediente no está en el registro',
  common_name_homonyms: 'un nombre común que llevan varios pacientes',
  no_plausible_candidate: 'ningún candidato suficientemente parecido',
  no_candidates: 'sin candidatos en el registro',
  // Not «contradice el nombre del archivo»: a new patient's document that a same-named patient was
  // matched to agrees with its filename in every word, and only the assignment is wrong.
  content_mismatch: 'el documento contradice la asignación por nombre de archivo',
  content_confirmed: 'el expediente y el nombre del documento confirmaron al paciente',
  detached: 'desasignado de un paciente por un revisor',
  taken_back: 'devuelto a revisión: una copia nombra a otro paciente',
};

const EN_STATUSES: Record<string, string> = {
  pending: 'pending',
  processing: 'in progress',
  completed: 'completed',
  partially_failed: 'completed with failures',
  failed: 'failed',
  interrupted: 'interrupted',
  finished: 'finished',
};

const ES_STATUSES: Record<string, string> = ES_SESSION_STATUSES;

const ES_STATUS_ROWS: Record<StatusRow, string> = {
  status: 'estado',
  'processing type': 'procesamiento',
  'uploaded by': 'subida por',
  source: 'origen',
  files: 'archivos',
  patients: 'pacientes',
  'review required': 'en revisión',
  'already waiting': 'ya en espera',
  duplicates: 'duplicados',
  deferred: 'pospuestos',
  created: 'creada',
  started: 'iniciada',
  completed: 'terminada',
  'processing time': 'duración',
  workers: 'procesos',
  jobs: 'trabajos',
  attention: 'atención',
  note: 'nota',
};

/** Spanish words for a file's matching status, as a refusal names the state another sitting left it in. */
const ES_MATCHING_STATUSES: Record<MatchingStatus, string> = {
  pending: 'pendiente',
  matched: 'asignado a un paciente',
  new_patient: 'paciente nuevo',
  review_required: 'en espera de revisión',
  rejected: 'rechazado',
};

/** Spanish words for every outcome (FILE_OUTCOMES holds the English ones); a new outcome must add its own. */
const ES_STAGES: Record<PipelineStage | 'queued', string> = {
  queued: 'en cola',
  parse: 'lectura',
  validate: 'validación',
  match: 'cotejo',
  extract: 'extracción',
  content: 'contenido',
  chunk: 'fragmentos',
  embed: 'indexación',
  store: 'guardado',
};

export const ES_OUTCOMES: Record<FileOutcome, string> = {
  ingested: 'ingresado',
  duplicate: 'duplicado (ya ingresado)',
  duplicate_in_batch: 'duplicado (idéntico a otro archivo de este lote)',
  duplicate_other_patient: 'idéntico a un documento archivado con otro expediente',
  already_pending_review: 'ya está en espera de revisión',
  review_required: 'en espera de revisión',
  rejected: 'rechazado por un revisor',
  previously_rejected: 'apartado: un revisor rechazó el mismo contenido',
  invalid_name: 'el nombre del archivo no sigue el formato de TecSalud',
  not_pdf: 'no es un PDF',
  empty_file: 'archivo vacío',
  too_large: 'mayor que --max-file-size',
  unreadable: 'no se puede leer',
  outside_source: 'enlace simbólico fuera de la carpeta de origen',
  encrypted: 'PDF protegido con contraseña',
  corrupt: 'PDF dañado',
  image_only: 'sin capa de texto (imagen escaneada: necesita OCR)',
  extraction_timeout: 'la extracción de texto tardó demasiado',
  extraction_memory: 'la extracción de texto se quedó sin memoria',
  extraction_error: 'falló la extracción de texto',
  embedding_failed: 'falló el modelo de búsqueda',
  vector_store_failed: 'falló el índice de búsqueda',
  processing_failed: 'falló el procesamiento en todos los intentos (procesos de la cola de trabajos)',
  patient_conflict: 'el expediente lo tomó un paciente con otro nombre',
  renamed_by_transfer: 'renombrado por su transferencia al terminar: se toma con su nombre definitivo',
  deferred: 'para la siguiente ejecución (se alcanzó --max-files)',
  still_being_written: 'todavía se está escribiendo: queda para la siguiente ejecución',
  interrupted: 'interrumpido antes de terminar',
};

/**
 * The file column of `status --files` in Spanish: a short word per outcome (at most 22 columns, the column's
 * width), «fallido: …» for each failure. The line under a file says the rest; `--json` keeps the code.
 */
const ES_FILE_COLUMN: Record<FileOutcome | ProcessingStatus, string> = {
  ingested: 'ingresado',
  duplicate: 'duplicado',
  duplicate_in_batch: 'duplicado en el lote',
  duplicate_other_patient: 'fallido: otro paciente',
  already_pending_review: 'ya en revisión',
  review_required: 'en revisión',
  rejected: 'rechazado',
  previously_rejected: 'apartado',
  invalid_name: 'fallido: mal nombrado',
  not_pdf: 'fallido: no es PDF',
  empty_file: 'fallido: vacío',
  too_large: 'fallido: muy grande',
  unreadable: 'fallido: ilegible',
  outside_source: 'fallido: enlace fuera',
  encrypted: 'fallido: contraseña',
  corrupt: 'fallido: PDF dañado',
  image_only: 'fallido: sin texto',
  extraction_timeout: 'fallido: lectura lenta',
  extraction_memory: 'fallido: sin memoria',
  extraction_error: 'fallido: extracción',
  embedding_failed: 'fallido: indexación',
  vector_store_failed: 'fallido: índice',
  processing_failed: 'fallido: procesamiento',
  patient_conflict: 'en revisión: conflicto',
  renamed_by_transfer: 'renombrado',
  deferred: 'pospuesto',
  still_being_written: 'aún copiándose',
  interrupted: 'interrumpido',
  // A file without an outcome yet: its processing status.
  pending: 'pendiente',
  processing: 'en curso',
  completed: 'completado',
  failed: 'fallido',
};

/** The marks beside a file, in Spanish (`status --files`). */
const ES_FLAGS: Record<string, string> = {
  content_mismatch: 'el contenido no coincide',
  content_confirmed: 'el documento eligió al paciente',
  low_ocr_confidence: 'OCR poco fiable',
};

const EN_TYPES: Record<string, string> = {
  consultation: 'consultation',
  emergency: 'emergency',
  lab_results: 'lab results',
  imaging: 'imaging',
  prescription: 'prescription',
  discharge: 'discharge',
  surgery: 'surgery',
  other: 'other',
};

const ES_TYPES: Record<string, string> = {
  consultation: 'consulta',
  emergency: 'urgencias',
  lab_results: 'laboratorio',
  imaging: 'imagen',
  prescription: 'receta',
  discharge: 'alta',
  surgery: 'cirugía',
  other: 'otro',
};

const EN_KINDS: Record<FieldMatchKind, string> = {
  exact: 'same',
  abbreviation: 'abbreviated',
  particle: 'particle written differently',
  enye_as_ni: 'Ñ written NI',
  phonetic: 'spelled differently, sounds the same',
  typo: 'one-letter typo',
  initial: 'an initial',
  missing: 'missing on one side',
  dropped_name: 'a given name left out',
  split: 'surnames split differently',
  near: 'one letter off in a short name',
  gender: 'masculine/feminine form',
  generation: 'another generation (JR/SR: father and son)',
  distinct_name: 'another real name one letter away',
  first_letter: 'another first letter',
  reordered: 'same names in another order',
  different: 'different',
};

const ES_KINDS: Record<FieldMatchKind, string> = {
  exact: 'igual',
  abbreviation: 'abreviado',
  particle: 'partícula escrita distinto',
  enye_as_ni: 'Ñ escrita NI',
  phonetic: 'se escribe distinto, suena igual',
  typo: 'error de una letra',
  initial: 'una inicial',
  missing: 'falta en un lado',
  dropped_name: 'falta un nombre de pila',
  split: 'apellidos separados distinto',
  near: 'una letra distinta en un nombre corto',
  gender: 'forma masculina/femenina',
  generation: 'otra generación (JR/SR: padre e hijo)',
  distinct_name: 'otro nombre real a una letra',
  first_letter: 'otra primera letra',
  reordered: 'los mismos nombres en otro orden',
  different: 'distinto',
};

const KEY_ORDER: readonly KeyHelp[] = [
  'attach',
  'new_patient',
  'reject',
  'skip',
  'undo',
  'browse',
  'page',
  'scroll',
  'list',
  'details',
  'help',
  'quit',
];

/** Keys as the help overlay lists them, in order (the bindings themselves live in key-bindings.ts). */
export const HELP_KEYS = KEY_ORDER;

const conf = (x: number) => x.toFixed(2);

export const EN: Messages = {
  lang: 'en',
  reviewPosition: (position, total) => `Review ${num(position)} of ${num(total)}`,
  reviewFinished: 'Review: end of the list',
  session: (id) => `session ${id}`,
  reviewer: (name) => `reviewer ${name}`,
  helpHint: '? help',
  loading: 'Loading…',
  working: 'Working…',
  waitingForDatabase: (seconds, limit) =>
    `Waiting: another program is writing to the database (${seconds} s; it gives up at ${limit} s, Ctrl-C to stop waiting)…`,
  closingAfterWrite: 'Stopping: finishing the decision being written, then closing…',
  filenameLine: (exp, name, type, code, numero) =>
    `Filename: exp ${exp} · ${name} · ${type} (${code})${numero ? ` · no. ${numero}` : ''}`,
  unparsable: (error) => `The filename does not parse: ${error}`,
  held: (reason, confidence, pages) =>
    `Held: ${reason}${confidence !== null ? ` (${conf(confidence)})` : ''}${pages !== null ? ` · ${plural(pages, 'page', 'pages')}` : ''}`,
  heldAtIngest: (reason, confidence, pages) =>
    `Held at ingest: ${reason}${confidence !== null ? ` (${conf(confidence)})` : ''}${pages !== null ? ` · ${plural(pages, 'page', 'pages')}` : ''}`,
  heldNow: (now) =>
    'verdict' in now
      ? `Now: the document ${EN.verdict(now.verdict, now.against)}`
      : `Now: the filename's match: ${now.reason}`,
  detachedBy: (by, exp, on) => `Detached from exp ${exp} by ${by} on ${on}`,
  takenBackBy: (by, exp, copy, on) =>
    `TAKEN BACK from exp ${exp} by ${by} on ${on}: a copy names exp ${copy}`,
  whyBack: 'Why it is back in review',
  decidingElsewhere: (by) => `${by} is deciding this file in another review sitting: skip it (s)`,
  settledElsewhere: (by, status) =>
    `Settled meanwhile${by ? ` by ${by}` : ''} (now ${status}): nothing to decide, → next`,
  decidedInSitting: (s) =>
    `Decided in this sitting: ${{ attached: 'attached', created: 'new patient', rejected: 'rejected' }[s]}`,
  idConflictBanner: (exp, owner, name) =>
    `ID CONFLICT: expediente ${exp} belongs to ${owner}, clearly another person than ${name}`,
  documentSays: 'The document says',
  documentStatesNothing: 'The document does not say whose it is.',
  documentSource: (source) => (source === 'cross_check' ? 'read at ingest' : 'read from the text'),
  verdict: (v, against = 'match') =>
    v === 'agrees'
      ? against === 'match'
        ? "agrees with the filename's match"
        : 'agrees with the filename'
      : v === 'contradicts'
        ? against === 'match'
          ? "CONTRADICTS the filename's match"
          : 'CONTRADICTS the filename'
        : v === 'confirmed'
          ? 'chose the patient by its own expediente and full name (--trust-content)'
          : 'states nothing',
  otherPatientInFile: (values) => `Another patient further in the file: ${values}`,
  candidates: (n) => `Candidates (${num(n)})`,
  noCandidates: 'No candidate patients in the registry: n creates one, r rejects.',
  bornShort: 'b.',
  eitherDate: (first, second) => `${first} or ${second} (day/month order unclear)`,
  sexLabel: 'sex',
  docs: (n, types) =>
    n === 0 ? 'no docs' : `${plural(n, 'doc', 'docs')}${types.length ? ` (${types.join(' ')})` : ''}`,
  expedienteRelation: (r) =>
    r === 'same' ? 'same expediente' : r === 'near' ? 'expediente one keystroke away' : 'other expediente',
  versusFilename: 'filename:',
  nameIdentical: 'name identical',
  surnamesSwapped: 'surnames swapped',
  fieldLabel: (f) => (f === 'paterno' ? 'paterno' : f === 'materno' ? 'materno' : 'nombres'),
  fieldKind: (k) => EN_KINDS[k],
  holdsExpediente: '◆ holds the expediente',
  riskTag: (risk, threshold) =>
    risk === 'id_conflict'
      ? '◆ ID CONFLICT'
      : risk === 'below_review_threshold'
        ? `⚠ below ${conf(threshold)}`
        : risk === 'birth_date_contradicts'
          ? '⚠ birth date differs'
          : risk === 'sex_contradicts'
            ? '⚠ sex differs'
            : risk === 'expediente_contradicts'
              ? '⚠ document: other exp.'
              : risk === 'name_contradicts'
                ? '⚠ document: other name'
                : risk === 'second_patient_in_file'
                  ? '⚠ 2nd patient in file'
                  : risk === 'same_identity_registered'
                    ? '⚠ same person?'
                    : '⚠ named by the document',
  documentText: (lines) =>
    lines === 0 ? 'Document text' : `Document text (${plural(lines, 'line', 'lines')})`,
  textMissing: 'The extracted text is missing: re-run ingest to process it again.',
  detailsHint: 'd: per-signal scores',
  signalScores: (s) =>
    `same expediente ${s.idMatch.toFixed(0)} · expediente one keystroke away ${s.nearId.toFixed(0)} · ` +
    `spelling (Levenshtein) ${s.levenshtein.toFixed(2)} · Jaro-Winkler ${s.jaroWinkler.toFixed(2)} · ` +
    `words in any order ${s.token.toFixed(2)} · words in common ${s.wordIntersection.toFixed(2)} · ` +
    `name field by field ${s.nameSimilarity.toFixed(2)} · rarity of the name ${s.frequencyWeight.toFixed(2)} ` +
    '(1 = rare; a common name alone proves little)',
  confirmTitle: (rank) => `Attach this document to candidate ${rank}? It needs a second look.`,
  confirmNewPatientTitle: (risk) =>
    risk === 'same_identity_registered'
      ? 'Create a new patient for this document? A registry patient has the same name, birth date and sex: ' +
        'most likely the same person.'
      : 'Create a new patient for this document? Its own text names a registry patient.',
  confirmFile: 'The filename',
  confirmDocument: 'The document',
  confirmCandidate: (rank) => `Candidate ${rank}`,
  confirmWhy: 'Why:',
  riskExplained: (risk, c) =>
    risk === 'id_conflict'
      ? `expediente ${c.expediente} belongs to this patient, clearly another person than the filename names`
      : risk === 'below_review_threshold'
        ? `confidence ${conf(c.confidence)} is below the review threshold ${conf(c.threshold)}`
        : risk === 'birth_date_contradicts'
          ? `the document's birth date ${c.documentValue ?? '?'} differs from the registry's ${c.registryValue ?? '?'}`
          : risk === 'sex_contradicts'
            ? `the document's sex ${c.documentValue ?? '?'} differs from the registry's ${c.registryValue ?? '?'}`
            : risk === 'expediente_contradicts'
              ? `the document states expediente ${c.documentValue ?? '?'}, this patient's is ${c.registryValue ?? '?'}`
              : risk === 'name_contradicts'
                ? `the document names ${c.documentValue ?? '?'}, clearly another person than ${c.registryValue ?? '?'}`
                : risk === 'second_patient_in_file'
                  ? `the file also names another patient further on (${c.documentValue ?? '?'}): attaching it files those pages under ${c.registryValue ?? '?'} too; r rejects it so the records department can split the file`
                  : risk === 'same_identity_registered'
                    ? `registry patient ${c.expediente} (${c.registryValue ?? '?'}) has the same name, birth date and sex under another expediente: a new patient would most likely be a duplicate record of them`
                    : `the document's own text names registry patient ${c.expediente} (${c.registryValue ?? '?'}): a new patient would duplicate them`,
  confirmKeys: (action, scrolling) =>
    `y ${action === 'new_patient' ? 'create the new patient' : 'attach'} · ${scrolling ? '↑↓ read on · ' : ''}any other key cancels`,
  keyHint: (key, n) =>
    ({
      attach: n > 1 ? `1-${Math.min(9, n)} attach` : n === 1 ? '1 attach' : '',
      new_patient: 'n new',
      reject: 'r reject',
      skip: 's skip',
      undo: 'u undo',
      browse: '←→ case',
      page: 'PgUp/PgDn text',
      scroll: '↑↓ scroll',
      list: 'l list',
      details: 'd details',
      help: '? help',
      quit: 'q quit',
    })[key],
  keyHelp: (key) =>
    ({
      attach: '1–9  attach the document to that candidate (a risky one asks for y)',
      new_patient: 'n    create a new patient from the filename',
      reject: 'r    reject: set the file aside (later runs too)',
      skip: 's    skip for now (it stays pending)',
      undo: 'u    undo the last decision of this sitting',
      browse: '← →  previous / next case, without deciding',
      page: 'PgUp PgDn  scroll a page (the whole text)',
      scroll: '↑ ↓  scroll a line; Home/End top/bottom',
      list: 'l    list the pending cases: ↑↓ PgUp PgDn Home End choose, Enter opens',
      details: 'd    show or hide the per-signal scores',
      help: '?    show or hide this help',
      quit: 'q    quit (decisions so far are kept)',
    })[key],
  helpTitle: 'Keys',
  helpClose: (scrolling) => `${scrolling ? '↑↓ read on · ' : ''}? or Esc closes the help`,
  listTitle: (n, waiting) =>
    waiting === n ? `Pending cases (${num(n)})` : `Cases (${num(n)}, ${num(waiting)} still to decide)`,
  listKeys: '↑↓ choose · Enter open · Esc close',
  entryStatus: (s) =>
    ({
      pending: 'pending',
      attached: 'attached',
      created: 'new patient',
      rejected: 'rejected',
      skipped: 'skipped',
      settled_elsewhere: 'settled',
    })[s],
  entrySettledBy: (by) => (by ? `settled by ${by}` : 'settled elsewhere'),
  notice: (n) => {
    switch (n.code) {
      case 'attached':
        return `attached to ${n.expediente} ${n.name} (${plural(n.chunks, 'chunk', 'chunks')})`;
      case 'created':
        return `created patient ${n.expediente} ${n.name} (${plural(n.chunks, 'chunk', 'chunks')})`;
      case 'rejected':
        return 'rejected: set aside, not ingested (later runs too)';
      case 'skipped':
        return 'skipped: it stays pending';
      case 'undone':
        return `undid ${n.choice === 'attach' ? 'the attach' : n.choice === 'new_patient' ? 'the new patient' : 'the rejection'}`;
      case 'nothing_to_undo':
        return 'nothing to undo in this sitting';
      case 'no_candidate':
        return `there is no candidate ${n.candidate}`;
      case 'patient_gone':
        return 'that patient is no longer in the registry';
      case 'patient_changed':
        return (
          `candidate ${n.candidate} changed in the registry since this case was shown (${identityChanges(n, EN_IDENTITY_FIELDS, 'en')}): ` +
          'nothing attached. The case is shown again as it is now: read it, then decide'
        );
      case 'expediente_taken':
        return (
          (n.written
            ? `expediente ${n.written} is ${n.name}'s ${n.expediente} with other leading zeros: a second patient under that number is impossible. `
            : `expediente ${n.expediente} already belongs to ${n.name}: a second patient with it is impossible. `) +
          'Attach to that patient if it is the same person, or reject the file.'
        );
      case 'text_missing':
        return 'the extracted text of this file is gone: re-run ingest on its folder to process it again';
      case 'already_ingested':
        return `the same content is already ingested as '${n.filename}' for expediente ${n.expediente}; reject this copy`;
      case 'settled_meanwhile':
        return `this file was settled meanwhile${n.by ? ` by ${n.by}` : ''} (now ${n.status}); nothing changed`;
      case 'being_decided':
        return `${n.by} is deciding this file in another review sitting; nothing changed`;
      case 'file_gone':
        return 'the file is no longer in the database';
      case 'unparsable':
        return 'the filename does not parse: reject or skip it';
      case 'session_gone':
        return 'the session of this file no longer exists';
      case 'confirm_cancelled':
        return n.action === 'new_patient'
          ? 'cancelled: no new patient was created'
          : 'cancelled: nothing was attached';
      case 'candidate_not_shown':
        return `nothing attached: candidate ${n.candidate} not on screen yet; read it, press again`;
      case 'confirm_unread':
        return `${n.action === 'new_patient' ? 'nothing created' : 'nothing attached'}: read every reason (↓) before confirming`;
      case 'not_recorded':
        return notRecordedEn(n.what, n.cause);
      case 'failed':
        return `failed: ${n.error}`;
    }
  },
  walkSummary: (t) =>
    `Walked ${num(t.walked)} of ${plural(t.total, 'file', 'files')}: ${num(t.attached)} attached, ` +
    `${plural(t.created, 'new patient', 'new patients')}, ${num(t.rejected)} rejected, ${num(t.skipped)} skipped · ` +
    `${num(t.remaining)} still waiting for review.`,
  skippedStayPending:
    'Skipped files stay pending: ← goes back to them, or run `tecsalud-batch review` later.',
  doneKeys: (canUndo) => `${canUndo ? 'u undo · ' : ''}← back · l list · q quit`,
  noReviewsPending: (session) =>
    session ? `No reviews pending in session ${session}.` : 'No reviews pending.',
  pendingTitle: (count) => `${plural(count, 'file', 'files')} waiting for review:`,
  pendingRow: (reason, confidence) =>
    `(${reason}, confidence ${confidence === null ? '–' : conf(confidence)})`,
  reviewNeedsTerminal:
    'review not started: walking the reviews needs a terminal (stdin and stdout are not one here: cron, a pipe or a redirect)',
  hintLabel: 'hint',
  reviewWaitsForForeground:
    'review waits: walking the reviews needs the terminal in the foreground. Bring it there with `fg` ' +
    '(or run `tecsalud-batch review` without `&`).',
  reviewNeedsTerminalHint:
    'run `tecsalud-batch review` in a terminal (over ssh: `ssh -t`); `tecsalud-batch review --json` lists the ' +
    'pending files for scripts, and `POST /api/v1/documents/batch/SESSION/review/FILE_ID/decision` (`serve`) ' +
    'decides them without a terminal',
  reopened: (file, session) =>
    `Reopened '${file}': it waits for review again in session ${session} (tecsalud-batch review ${session}).`,
  rejectionLifted: (file) =>
    `Rejection of '${file}' lifted: the next ingest of its folder holds it for review again.`,
  reviewClosing: (t, still) =>
    `Review: walked ${num(t.walked)} of ${plural(t.total, 'file', 'files')} · ${num(t.attached)} attached, ` +
    `${plural(t.created, 'new patient', 'new patients')}, ${num(t.rejected)} rejected, ${num(t.skipped)} skipped · ` +
    `${num(still)} still waiting for review.`,
  reviewTerminalClosed: (still, id) =>
    `review stopped: its terminal closed (no more input). ${plural(still, 'file still waits', 'files still wait')} ` +
    `for review: run \`tecsalud-batch review${id ? ` ${id}` : ''}\` on a terminal.`,
  reason: (r) => (r ? (EN_REASONS[r] ?? r) : 'unknown'),
  sessionStatus: (s) => EN_STATUSES[s] ?? s,
  processingType: (type) => type,
  outcome: (o) => (o in FILE_OUTCOMES ? FILE_OUTCOMES[o as FileOutcome].label : o),
  detail: (message) => message,
  documentType: (t) => EN_TYPES[t] ?? t,
  sex: (v) => (v === 'F' ? 'F' : v === 'M' ? 'M' : '—'),
  statusReport: {
    title: (id) => `Session ${id}`,
    label: (row) => row,
    status: (code) => code,
    files: (processed, total, failed) => `${num(processed)}/${num(total)} processed, ${num(failed)} failed`,
    patients: (matched, created) => `${num(matched)} matched, ${num(created)} created`,
    alreadyWaiting: (count) => `${num(count)} (the same content waits for review in another file)`,
    leftForNextRun: (count) => `${num(count)} (over --max-files; the next run of the folder takes them)`,
    seconds: (seconds) => formatSeconds(seconds),
    // The codes themselves: scripts grep them, and they are the words of --json and the README.
    fileOutcome: (code) => code,
    flag: (code) => code,
    workers: (seen, running) => `${num(seen)} seen, ${num(running)} running`,
    worker: (files, state) =>
      `${plural(files, 'file', 'files')}${state === 'gone' ? ' (gone without stopping)' : state === 'stopped' ? ' (stopped)' : ''}`,
    jobs: (queued, active, done, failed) =>
      `${num(queued)} queued, ${num(active)} active, ${num(done)} done, ${num(failed)} failed`,
    notMoved: (error) => `not moved: ${error}`,
    ocr: (engine, pages, confidence, low) =>
      `OCR (${engine}) read ${plural(pages, 'page', 'pages')}, ` +
      `${confidence === null ? 'no words read' : `mean word confidence ${confidence.toFixed(2)}`}` +
      `${low ? ': low, check the text against the scan' : ''}`,
    contentNames: (named) => `content_mismatch: the document names ${named}`,
    contentConfirmed: (expediente, name, filenameExpediente) =>
      `content_confirmed: confirmed by the document's own expediente and full name: ${expediente} ${name}` +
      (filenameExpediente && filenameExpediente !== expediente
        ? ` (the filename says ${filenameExpediente})`
        : ''),
    contentStates: ({ birthDate, sex }) =>
      `content_mismatch: the document states ${
        [birthDate && `birth date ${birthDate}`, sex && `sex ${sex}`].filter(Boolean).join(', ') ||
        'another patient'
      }`,
  },
  dashboard: {
    lookingForFiles: 'Ingest: looking for files…',
    ingesting: (dir) => `Ingesting ${dir}`,
    finished: (status, seconds) => `Ingest ${status} in ${formatSeconds(seconds)}`,
    files: (done, target) => `${num(done)}/${num(target)} files`,
    throughput: (elapsed, eta, files, pages) =>
      `elapsed ${elapsed} · ETA ${eta} · ${files} files/s · ${pages} pages/s`,
    stages: (c) =>
      `parsed ${num(c.parsed)} · matched ${num(c.matched)} · new patients ${num(c.newPatients)} · review ${num(c.review)} · extracted ${num(c.extracted)}`,
    stored: (c) =>
      `embedded ${num(c.embedded)} · stored ${num(c.stored)} · duplicates ${num(c.duplicates)} · `,
    failed: (n) => `failed ${num(n)}`,
    nextRun: (n) => ` · next run ${num(n)}`,
    stopping:
      'Stopping: no new files are started; the files in flight finish (a scan in OCR stops and stays pending). ' +
      'Press Ctrl-C again to stop at once.',
    noSuspend:
      'Ctrl-Z does not pause a run (stopped, its files in flight would time out and fail): Ctrl-C stops it, ' +
      'and the next run resumes it.',
    inFlight: (n) => `In flight (${num(n)})`,
    ocrPage: (page, pages) => `[OCR page ${page}/${pages}]`,
    andMore: (n) => `  … and ${num(n)} more`,
    latestErrors: (shown, total) =>
      shown < total ? `Latest errors (${num(total)} in all)` : `Errors (${num(total)})`,
    stage: (s) => s,
  },
  progress: {
    started: (files, dir) => `Ingesting ${plural(files, 'file', 'files')} from ${dir} …`,
    ocrPage: (path, page, pages) => `  OCR of ${path}: page ${page} of ${pages} …`,
    counts: (c) =>
      `${num(c.done)}/${plural(c.target, 'file', 'files')} · ${num(c.failed)} failed · ${num(c.review)} review · ` +
      plural(c.duplicates, 'duplicate', 'duplicates'),
    barFormat:
      ' {bar} {value}/{total} files · {failed} failed · {review} review · {duplicates} dup · ETA {eta_formatted}',
    interrupted:
      'Interrupted: no new files are started; the files in flight finish (a scan in OCR stops and stays pending). ' +
      'Press Ctrl-C again to stop at once (unfinished files stay pending for the next run).',
    stoppingOn: (signal) =>
      signal === 'SIGHUP'
        ? 'Terminal closed (SIGHUP): no new files are started; the files in flight finish (a scan in OCR stops and ' +
          'stays pending), then the run stops (unfinished files stay pending for the next run).'
        : 'SIGTERM: no new files are started; the files in flight finish (a scan in OCR stops and stays pending). ' +
          'Send it again to stop at once (unfinished files stay pending for the next run).',
  },
  enqueue: {
    queued: (id, jobs, resumed) =>
      `Session ${id}: ${plural(jobs, 'file', 'files')} queued for the workers` +
      // The folder's session was not final yet: joined, so that no file is queued (nor stored) twice.
      (resumed ? " (the folder's unfinished session, resumed: files already queued keep their jobs)." : '.'),
    startWorkers: (id) =>
      `Start workers with \`tecsalud-batch worker\`; follow it with \`tecsalud-batch status ${id}\`.`,
    alreadyWaiting: (files, id) =>
      `${plural(files, 'file', 'files')} already waiting for review (the same content, held in an earlier session): ` +
      `settle them with \`tecsalud-batch review ${id}\`.`,
    failed: (files, id) =>
      `${plural(files, 'file', 'files')} failed: \`tecsalud-batch status ${id} --files\` shows why.`,
    waitingForReview: (files, id) =>
      `${plural(files, 'file waits', 'files wait')} for review: settle them with \`tecsalud-batch review ${id}\`.`,
    nothingToQueue: (id) =>
      `No file needs a worker: \`tecsalud-batch status ${id} --files\` shows each file's outcome.`,
    interrupted: (id, jobs, left) =>
      `Session ${id}: interrupted — ${plural(jobs, 'file', 'files')} queued, ${num(left)} not queued.`,
    runAgain: (left) =>
      `interrupted: run the same command again to queue the other ${plural(left, 'file', 'files')} in this session; ` +
      'the files queued are not queued twice',
    stopping: 'stopping: the files queued so far keep their jobs (Ctrl-C again to stop within a few seconds)',
    stoppingOn: (signal) =>
      signal === 'SIGHUP'
        ? 'terminal closed (SIGHUP): stopping; the files queued so far keep their jobs'
        : 'SIGTERM: stopping; the files queued so far keep their jobs (send it again to stop within a few seconds)',
    forcedStop: (seconds) =>
      `stopping now: writing what was queued (at most ${seconds} s; Ctrl-C a third time to quit without it)`,
    interruptedBeforeQueueing: (id) =>
      `${id === null ? 'Interrupted' : `Session ${id}: interrupted`} before any file was queued.`,
    runAgainAll:
      "interrupted: run the same command again to queue the folder's files; no file is queued twice",
    maxFilesIgnored:
      'note: --max-files does not apply to --enqueue: every file is queued, and workers pull them',
  },
  worker: {
    started: (id, concurrency) => `worker ${id} started: ${concurrency} files at a time`,
    inSession: (id, line) => `session ${id}: ${line}`,
    serviceDown: (error, seconds, hint) =>
      `a backend is down (${error}): jobs go back to the queue; pausing ${seconds} s\nhint: ${hint}`,
    serviceBack: (seconds) =>
      `the backends answer again, ${formatSeconds(seconds)} after the outage began: taking jobs`,
    postponed: (id, reason, seconds) =>
      `session ${id}: a file is not ready yet (${reason}); its job is taken again in ${seconds} s, without spending an attempt`,
    retrying: (id, attempt, error) =>
      `session ${id}: attempt ${attempt} of a file failed (${error}); it will be retried`,
    givenUp: (id, attempts, error) =>
      `session ${id}: a file failed on all ${attempts} attempts (${error}); see \`tecsalud-batch status ${id} --files\``,
    stillChanging: (id, duration, reason) =>
      `session ${id}: a file kept changing for ${duration} (${reason}); given up so that the queue can end, and left in ` +
      `the folder: once nothing writes to it, \`ingest --enqueue\` the folder again; see \`tecsalud-batch status ${id} --files\``,
    requeued: (id, files) =>
      `session ${id}: ${plural(files, 'unfinished file', 'unfinished files')} had no job; queued again`,
    reclaimed: (jobs, workers) =>
      `${plural(jobs, 'job', 'jobs')} of a worker that is gone (${workers}: killed, crashed, or its machine went down) ` +
      `back on the queue now, not at its --job-timeout`,
    straysPutBack: (jobs) =>
      `${plural(jobs, 'job', 'jobs')} this worker took as the database connection dropped (the answer was lost) ` +
      `back on the queue, no attempt spent`,
    sessionFinished: (id, status, c) =>
      `session ${id} ${status}: ${num(c.processed)}/${num(c.total)} files, ${num(c.failed)} failed, ${num(c.review)} to review` +
      (c.alreadyWaiting > 0
        ? `, ${num(c.alreadyWaiting)} already waiting for review from an earlier session`
        : ''),
    idle: 'the queue is empty: stopping',
    waiting: (active, until, later, next) =>
      'waiting for ' +
      [
        active
          ? `${plural(active, 'job', 'jobs')} other workers took` +
            (until ? ` (if those workers are gone, back on the queue by ${until} UTC: --job-timeout)` : '')
          : '',
        later ? `${plural(later, 'job', 'jobs')} queued for later${next ? ` (from ${next} UTC)` : ''}` : '',
      ]
        .filter(Boolean)
        .join(' and ') +
      '; `tecsalud-batch status` shows them by session',
    stopped: (id, files, seconds) =>
      `worker ${id} stopped: ${plural(files, 'file', 'files')} in ${formatSeconds(seconds)}`,
    // A hangup is never "again, at once" (see handleInterrupts): it says what it was instead.
    stopping: (signal) =>
      signal === 'SIGHUP'
        ? 'SIGHUP (the terminal closed): finishing the files in flight, taking no new job, then stopping'
        : `${signal}: finishing the files in flight, taking no new job (send it again to stop at once)`,
    queueMaintenanceFailed: (error, heldBack, everyMinutes) =>
      `warning: job queue maintenance failed (${
        heldBack > 0 ? `${plural(heldBack, 'more failure', 'more failures')} since the last warning; ` : ''
      }said once every ${everyMinutes} minutes while it lasts; the worker retries it by itself): ${error}`,
  },
  dryRun: {
    row: (file, plan, why) =>
      `${plan.padEnd(13)} ${file}  ${
        plan === 'invalid_name' || plan === 'still_being_written'
          ? String(why.error)
          : plan === 'failed'
            ? `${why.outcome}: ${why.error}`
            : `${why.reason} (${why.confidence})`
      }`,
    closing: (c) =>
      `Dry run: ${num(c.auto)} would attach, ${num(c.review)} would wait for review, ${num(c.new)} would create a patient, ` +
      `${c.invalid === 1 ? '1 has an invalid name' : `${num(c.invalid)} have invalid names`}` +
      (c.failed ? `, ${num(c.failed)} would fail` : '') +
      (c.still_being_written
        ? `, ${num(c.still_being_written)} still being written (left for the next run, not failed)`
        : '') +
      (c.settled ? `; ${num(c.settled)} unchanged since a run settled them (not listed)` : '') +
      (c.deferred ? `; ${num(c.deferred)} over --max-files, left for the next run (not listed)` : '') +
      '. Nothing was written.',
    checked:
      'Checked: names, sizes, permissions and the first bytes of each file. Contents are not read: damaged or ' +
      'password-protected PDFs show up in the run.',
  },
  summary: {
    session: (id, status, seconds) => `Session ${id} — ${status} in ${formatSeconds(seconds)}`,
    files: (c) =>
      `${plural(c.total, 'file', 'files')}: ${c.ingested} ingested, ${plural(c.duplicates, 'duplicate', 'duplicates')}` +
      (c.setAside ? `, ${num(c.setAside)} set aside (rejected before)` : '') +
      (c.rejectedInReview ? `, ${num(c.rejectedInReview)} rejected in review` : '') +
      `, ${num(c.waiting)} waiting for review, ${num(c.failed)} failed` +
      (c.deferred ? `, ${num(c.deferred)} left for the next run` : ''),
    patients: (matched, created, pages, chunks) =>
      `patients: ${num(matched)} matched, ${num(created)} created · ${plural(pages, 'page', 'pages')}, ${plural(chunks, 'chunk', 'chunks')}`,
    settle: (command) => `Settle the reviews with: ${command}`,
    seeFiles: (command) => `See every file with: ${command}`,
    interrupted: (id) =>
      `Interrupted: files not started stay pending; run the same command again to finish session ${id}.`,
    interruptedNow: (id) =>
      id === null
        ? 'Stopped at once: run the same command again.'
        : `Stopped at once: the files in flight stay pending; run the same command again to finish session ${id}.`,
    deferred: (n) =>
      `${n === 1 ? '1 file was' : `${num(n)} files were`} left for the next run (over --max-files), recorded as deferred: ` +
      'run the same command again to take them',
    renamedByTransfer: (n) =>
      n === 1
        ? "1 file under a transfer's name (.filepart, .part…) was renamed by its transfer once complete: taken under " +
          'its final name, not counted twice'
        : `${num(n)} files under a transfer's name (.filepart, .part…) were renamed by their transfer once complete: taken ` +
          'under their final names, not counted twice',
    stillBeingWritten: (n) =>
      n === 1
        ? '1 file was still being written into the folder (it changed moments ago): not failed, left for the next ' +
          'run, which reads it once the copy has finished'
        : `${num(n)} files were still being written into the folder (they changed moments ago): not failed, left for the ` +
          'next run, which reads them once the copy has finished',
    skippedHidden: (n, names) =>
      `${n === 1 ? '1 hidden or system entry' : `${num(n)} hidden or system entries`} skipped (${names}): ` +
      'not documents, not looked into; --include-hidden takes them',
    warningPrefix: 'warning: ',
    registryWasEmpty: (n, database) =>
      `the registry (${database}) held no patient before this run: ${n === 1 ? 'its patient was' : `all ${num(n)} patients were`} ` +
      "created from filenames. If the hospital's registry should be there, check --db or TECSALUD_DB (or the folder " +
      'the command ran in), and load it with `tecsalud-batch patients import FILE`',
    globMatchedNoFile: (glob, n) =>
      `--glob '${glob}' matched no file, while the folder holds ${plural(n, 'file', 'files')}: nothing was taken. A pattern ` +
      "is relative to the folder, and '*' stays within one folder: '**/*.pdf' also takes sub-folders' files",
    notMoved: (n) =>
      `${num(n)} file${n === 1 ? '' : 's'} recorded but not archived or quarantined: still in the drop folder (see status --files)`,
    unknownTypeCodes: (files, codes, known, recorded) =>
      `${plural(files, 'file has', 'files have')} a type code this tool does not know (${codes})` +
      (recorded === files
        ? `: recorded as type 'other'. `
        : recorded === 0
          ? `; ${files === 1 ? 'it was not recorded' : 'none of them was recorded'}, so nothing was filed as type 'other'. `
          : `: ${num(recorded)} recorded as type 'other', ${num(files - recorded)} not recorded. `) +
      `The known codes: ${known}`,
  },
};

const EN_IDENTITY_FIELDS: Record<IdentityField, string> = {
  expediente: 'expediente',
  name: 'name',
  birth_date: 'birth date',
  sex: 'sex',
};
const ES_IDENTITY_FIELDS: Record<IdentityField, string> = {
  expediente: 'expediente',
  name: 'nombre',
  birth_date: 'fecha de nacimiento',
  sex: 'sexo',
};

/** `name: GARZA, MARIA → GARZA LOPEZ, MARIA; birth date: — → 1980-01-02` (day first in Spanish, as on screen). */
function identityChanges(
  n: Extract<ReviewNotice, { code: 'patient_changed' }>,
  labels: Record<IdentityField, string>,
  lang: Lang,
): string {
  const shown = (value: string | null, field: IdentityField) =>
    value === null ? '—' : field === 'birth_date' ? formatCalendarDate(value, lang) : value;
  return n.changed
    .map((field) => `${labels[field]}: ${shown(n.was[field], field)} → ${shown(n.now[field], field)}`)
    .join('; ');
}

/**
 * A decision (or undo) the database or a backend would not take: what happened, that nothing of it stands,
 * and what to do before pressing the same key again. Short enough for the notice's rows at 60 columns.
 */
function notRecordedEn(what: 'decision' | 'undo', cause: NotRecordedCause): string {
  const head = what === 'undo' ? 'undo not done' : 'decision not recorded';
  const again = what === 'undo' ? 'then press u again' : 'then make the same decision again';
  switch (cause.kind) {
    case 'locked':
      return (
        `${head}: another program keeps the database locked (an sqlite3 shell or a database browser left in a ` +
        `transaction, a backup). Close it, ${again}.`
      );
    case 'disk_full':
      return `${head}: the disk holding the database is full. Free space on it (df -h '${cause.directory}'), ${again}.`;
    case 'disk_failed':
      return (
        `${head}: the disk or network share under the database failed (${cause.code}). ` +
        `Check it (dmesg, df -h '${cause.directory}'), ${again}.`
      );
    case 'server_disk_full':
      return `${head}: the PostgreSQL server has run out of disk space. Ask its administrator to free space, ${again}.`;
    case 'unavailable':
      return `${head}: ${cause.message}. Once it is back, ${again}.`;
  }
}

function notRecordedEs(what: 'decision' | 'undo', cause: NotRecordedCause): string {
  const head = what === 'undo' ? 'no se deshizo' : 'no se registró la decisión';
  const again = what === 'undo' ? 'vuelva a pulsar u' : 'vuelva a tomar la misma decisión';
  switch (cause.kind) {
    case 'locked':
      return (
        `${head}: otro programa tiene bloqueada la base de datos (una consola sqlite3 o un visor de bases de datos ` +
        `con una transacción abierta, un respaldo). Ciérrelo y ${again}.`
      );
    case 'disk_full':
      return `${head}: el disco de la base de datos está lleno. Libere espacio en él (df -h '${cause.directory}') y ${again}.`;
    case 'disk_failed':
      return (
        `${head}: falló el disco o la carpeta de red donde está la base de datos (${cause.code}). ` +
        `Revíselo (dmesg, df -h '${cause.directory}') y ${again}.`
      );
    case 'server_disk_full':
      return `${head}: el servidor PostgreSQL se quedó sin espacio en disco. Pida a su administrador que libere espacio y ${again}.`;
    case 'unavailable':
      return `${head}: ${esServiceProblem(cause.message)}. Cuando se resuelva, ${again}.`;
  }
}

const SERVICE_PROBLEM_RULES = [...DATABASE_RULES, ...SERVICE_RULES];

/** A backend's "it is down" message (a PostgreSQL connection lost, Chroma unreachable) in Spanish, or as it is. */
function esServiceProblem(message: string, depth = 0): string {
  if (depth > 3) return message;
  for (const rule of SERVICE_PROBLEM_RULES) {
    const match = rule.en.exec(message);
    if (match)
      return rule.es(
        match.slice(1).map((part) => part ?? ''),
        (nested) => esServiceProblem(nested, depth + 1),
      );
  }
  return message;
}

/** A file's English message in Spanish (see file-details-es.ts); one it does not know stays as it is. */
function esDetail(message: string): string {
  return translateFileDetail(message, {
    reason: (code) => ES_REASONS[code] ?? code,
    outcome: (o) => ES_OUTCOMES[o],
  });
}

export const ES: Messages = {
  lang: 'es',
  reviewPosition: (position, total) => `Revisión ${num(position)} de ${num(total)}`,
  reviewFinished: 'Revisión: fin de la lista',
  session: (id) => `sesión ${id}`,
  reviewer: (name) => `revisor ${name}`,
  helpHint: '? ayuda',
  loading: 'Cargando…',
  working: 'Trabajando…',
  waitingForDatabase: (seconds, limit) =>
    `Esperando: otro programa está escribiendo en la base de datos (${seconds} s; se deja de esperar a los ${limit} s, Ctrl-C para no esperar)…`,
  closingAfterWrite: 'Deteniendo: terminando de guardar la decisión en curso, luego se cierra…',
  filenameLine: (exp, name, type, code, numero) =>
    `Archivo: exp ${exp} · ${name} · ${type} (${code})${numero ? ` · núm. ${numero}` : ''}`,
  unparsable: (error) => `El nombre del archivo no se puede leer: ${error}`,
  held: (reason, confidence, pages) =>
    `En revisión: ${reason}${confidence !== null ? ` (${conf(confidence)})` : ''}${pages !== null ? ` · ${plural(pages, 'página', 'páginas')}` : ''}`,
  heldAtIngest: (reason, confidence, pages) =>
    `En revisión al ingresar: ${reason}${confidence !== null ? ` (${conf(confidence)})` : ''}${pages !== null ? ` · ${plural(pages, 'página', 'páginas')}` : ''}`,
  heldNow: (now) =>
    'verdict' in now
      ? `Ahora: el documento ${ES.verdict(now.verdict, now.against)}`
      : `Ahora, la coincidencia del archivo: ${now.reason}`,
  detachedBy: (by, exp, on) => `Desasignado del exp ${exp} por ${by} el ${on}`,
  takenBackBy: (by, exp, copy, on) =>
    `DEVUELTO del exp ${exp} por ${by} el ${on}: una copia nombra el exp ${copy}`,
  whyBack: 'Por qué volvió a revisión',
  decidingElsewhere: (by) => `${by} está decidiendo este archivo en otra revisión abierta: omítalo (s)`,
  settledElsewhere: (by, status) =>
    `Resuelto mientras tanto${by ? ` por ${by}` : ''} (ahora ${ES_MATCHING_STATUSES[status as MatchingStatus] ?? status}): nada que decidir, → siguiente`,
  decidedInSitting: (s) =>
    `Decidido en esta revisión: ${{ attached: 'asignado', created: 'paciente nuevo', rejected: 'rechazado' }[s]}`,
  idConflictBanner: (exp, owner, name) =>
    `CONFLICTO DE EXPEDIENTE: el expediente ${exp} es de ${owner}, claramente otra persona que ${name}`,
  documentSays: 'El documento dice',
  documentStatesNothing: 'El documento no dice de quién es.',
  documentSource: (source) => (source === 'cross_check' ? 'leído al ingresar' : 'leído del texto'),
  verdict: (v, against = 'match') =>
    v === 'agrees'
      ? against === 'match'
        ? 'concuerda con la coincidencia del archivo'
        : 'concuerda con el nombre del archivo'
      : v === 'contradicts'
        ? against === 'match'
          ? 'CONTRADICE la coincidencia del archivo'
          : 'CONTRADICE el nombre del archivo'
        : v === 'confirmed'
          ? 'eligió al paciente por su propio expediente y nombre completo (--trust-content)'
          : 'no dice nada',
  otherPatientInFile: (values) => `Otro paciente más adelante en el archivo: ${values}`,
  candidates: (n) => `Candidatos (${num(n)})`,
  noCandidates: 'No hay pacientes candidatos en el registro: n crea uno, r rechaza.',
  bornShort: 'n.',
  eitherDate: (first, second) => `${first} o ${second} (orden día/mes incierto)`,
  sexLabel: 'sexo',
  docs: (n, types) =>
    n === 0 ? 'sin docs' : `${plural(n, 'doc', 'docs')}${types.length ? ` (${types.join(' ')})` : ''}`,
  expedienteRelation: (r) =>
    r === 'same' ? 'mismo expediente' : r === 'near' ? 'expediente a una tecla' : 'otro expediente',
  versusFilename: 'archivo:',
  nameIdentical: 'nombre idéntico',
  surnamesSwapped: 'apellidos invertidos',
  fieldLabel: (f) => (f === 'paterno' ? 'paterno' : f === 'materno' ? 'materno' : 'nombres'),
  fieldKind: (k) => ES_KINDS[k],
  holdsExpediente: '◆ tiene el expediente',
  riskTag: (risk, threshold) =>
    risk === 'id_conflict'
      ? '◆ CONFLICTO'
      : risk === 'below_review_threshold'
        ? `⚠ menor a ${conf(threshold)}`
        : risk === 'birth_date_contradicts'
          ? '⚠ otra fecha de nac.'
          : risk === 'sex_contradicts'
            ? '⚠ otro sexo'
            : risk === 'expediente_contradicts'
              ? '⚠ documento: otro exp.'
              : risk === 'name_contradicts'
                ? '⚠ documento: otro nombre'
                : risk === 'second_patient_in_file'
                  ? '⚠ 2.º paciente en el archivo'
                  : risk === 'same_identity_registered'
                    ? '⚠ ¿misma persona?'
                    : '⚠ lo nombra el documento',
  documentText: (lines) =>
    lines === 0 ? 'Texto del documento' : `Texto del documento (${plural(lines, 'línea', 'líneas')})`,
  textMissing: 'Falta el texto extraído: vuelva a ejecutar el ingreso para procesarlo de nuevo.',
  detailsHint: 'd: puntajes por señal',
  signalScores: (s) =>
    `mismo expediente ${s.idMatch.toFixed(0)} · expediente a una tecla ${s.nearId.toFixed(0)} · ` +
    `ortografía (Levenshtein) ${s.levenshtein.toFixed(2)} · Jaro-Winkler ${s.jaroWinkler.toFixed(2)} · ` +
    `palabras en cualquier orden ${s.token.toFixed(2)} · palabras en común ${s.wordIntersection.toFixed(2)} · ` +
    `nombre campo por campo ${s.nameSimilarity.toFixed(2)} · rareza del nombre ${s.frequencyWeight.toFixed(2)} ` +
    '(1 = raro; un nombre común por sí solo prueba poco)',
  confirmTitle: (rank) => `¿Asignar este documento al candidato ${rank}? Requiere una segunda mirada.`,
  confirmNewPatientTitle: (risk) =>
    risk === 'same_identity_registered'
      ? '¿Crear un paciente nuevo para este documento? Un paciente del registro tiene el mismo nombre, fecha de ' +
        'nacimiento y sexo: muy probablemente es la misma persona.'
      : '¿Crear un paciente nuevo para este documento? Su propio texto nombra a un paciente del registro.',
  confirmFile: 'El nombre del archivo',
  confirmDocument: 'El documento',
  confirmCandidate: (rank) => `Candidato ${rank}`,
  confirmWhy: 'Por qué:',
  riskExplained: (risk, c) =>
    risk === 'id_conflict'
      ? `el expediente ${c.expediente} es de este paciente, claramente otra persona que la que nombra el archivo`
      : risk === 'below_review_threshold'
        ? `la confianza ${conf(c.confidence)} es menor que el umbral de revisión ${conf(c.threshold)}`
        : risk === 'birth_date_contradicts'
          ? `la fecha de nacimiento del documento ${c.documentValue ?? '?'} no es la del registro ${c.registryValue ?? '?'}`
          : risk === 'sex_contradicts'
            ? `el sexo del documento ${c.documentValue ?? '?'} no es el del registro ${c.registryValue ?? '?'}`
            : risk === 'expediente_contradicts'
              ? `el documento dice expediente ${c.documentValue ?? '?'}; el de este paciente es ${c.registryValue ?? '?'}`
              : risk === 'name_contradicts'
                ? `el documento nombra a ${c.documentValue ?? '?'}, claramente otra persona que ${c.registryValue ?? '?'}`
                : risk === 'second_patient_in_file'
                  ? `el archivo nombra a otro paciente más adelante (${c.documentValue ?? '?'}): asignarlo archiva esas páginas también con ${c.registryValue ?? '?'}; r lo rechaza para que archivo clínico separe el archivo`
                  : risk === 'same_identity_registered'
                    ? `el paciente del registro ${c.expediente} (${c.registryValue ?? '?'}) tiene el mismo nombre, fecha de nacimiento y sexo con otro expediente: un paciente nuevo sería muy probablemente un registro duplicado de esa persona`
                    : `el propio texto del documento nombra al paciente del registro ${c.expediente} (${c.registryValue ?? '?'}): un paciente nuevo lo duplicaría`,
  confirmKeys: (action, scrolling) =>
    `y ${action === 'new_patient' ? 'crear el paciente nuevo' : 'asignar'} · ${scrolling ? '↑↓ leer más · ' : ''}cualquier otra tecla cancela`,
  keyHint: (key, n) =>
    ({
      attach: n > 1 ? `1-${Math.min(9, n)} asignar` : n === 1 ? '1 asignar' : '',
      new_patient: 'n nuevo',
      reject: 'r rechazar',
      skip: 's omitir',
      undo: 'u deshacer',
      browse: '←→ caso',
      page: 'RePág/AvPág texto',
      scroll: '↑↓ desplazar',
      list: 'l lista',
      details: 'd detalles',
      help: '? ayuda',
      quit: 'q salir',
    })[key],
  keyHelp: (key) =>
    ({
      attach: '1–9  asignar el documento a ese candidato (si es riesgoso, se confirma con y)',
      new_patient: 'n    crear un paciente nuevo con el nombre del archivo',
      reject: 'r    rechazar: apartar el archivo (también en ejecuciones futuras)',
      skip: 's    omitir por ahora (queda pendiente)',
      // «Sesión» is the ingest's (its id is in the header); the sitting is «esta revisión», as elsewhere here.
      undo: 'u    deshacer la última decisión de esta revisión',
      browse: '← →  caso anterior / siguiente, sin decidir',
      page: 'RePág AvPág  desplazar una página (todo el texto)',
      scroll: '↑ ↓  desplazar una línea; Inicio/Fin arriba/abajo',
      list: 'l    lista de casos pendientes: ↑↓ RePág AvPág Inicio Fin eligen, Enter abre',
      details: 'd    mostrar u ocultar los puntajes por señal',
      help: '?    mostrar u ocultar esta ayuda',
      quit: 'q    salir (las decisiones tomadas se conservan)',
    })[key],
  helpTitle: 'Teclas',
  helpClose: (scrolling) => `${scrolling ? '↑↓ leer más · ' : ''}? o Esc cierra la ayuda`,
  listTitle: (n, waiting) =>
    waiting === n ? `Casos pendientes (${num(n)})` : `Casos (${num(n)}, ${num(waiting)} por decidir)`,
  listKeys: '↑↓ elegir · Enter abrir · Esc cerrar',
  entryStatus: (s) =>
    // «nuevo», as the key that makes one (`n nuevo`): «paciente nuevo» took five columns from every name at 60.
    ({
      pending: 'pendiente',
      attached: 'asignado',
      created: 'nuevo',
      rejected: 'rechazado',
      skipped: 'omitido',
      settled_elsewhere: 'resuelto',
    })[s],
  entrySettledBy: (by) => (by ? `resuelto por ${by}` : 'resuelto por otro'),
  notice: (n) => {
    switch (n.code) {
      case 'attached':
        return `asignado a ${n.expediente} ${n.name} (${plural(n.chunks, 'fragmento', 'fragmentos')})`;
      case 'created':
        return `paciente creado ${n.expediente} ${n.name} (${plural(n.chunks, 'fragmento', 'fragmentos')})`;
      case 'rejected':
        return 'rechazado: apartado, no ingresado (también en ejecuciones futuras)';
      case 'skipped':
        return 'omitido: queda pendiente';
      case 'undone':
        return `se deshizo ${n.choice === 'attach' ? 'la asignación' : n.choice === 'new_patient' ? 'el paciente nuevo' : 'el rechazo'}`;
      case 'nothing_to_undo':
        return 'no hay nada que deshacer en esta revisión';
      case 'no_candidate':
        return `no hay candidato ${n.candidate}`;
      case 'patient_gone':
        return 'ese paciente ya no está en el registro';
      case 'patient_changed':
        return (
          `el registro cambió al candidato ${n.candidate} desde que se mostró este caso (${identityChanges(n, ES_IDENTITY_FIELDS, 'es')}): ` +
          'no se asignó nada. El caso se muestra de nuevo como está ahora: léalo y luego decida'
        );
      case 'expediente_taken':
        return (
          (n.written
            ? `el expediente ${n.written} es el ${n.expediente} de ${n.name} con otros ceros a la izquierda: no puede haber un segundo paciente con ese número. `
            : `el expediente ${n.expediente} ya es de ${n.name}: no puede haber un segundo paciente con él. `) +
          'Asigne a ese paciente si es la misma persona, o rechace el archivo.'
        );
      case 'text_missing':
        return 'ya no está el texto extraído de este archivo: vuelva a ingresar su carpeta para procesarlo de nuevo';
      case 'already_ingested':
        return `el mismo contenido ya se ingresó como '${n.filename}' para el expediente ${n.expediente}; rechace esta copia`;
      case 'settled_meanwhile':
        return `este archivo se resolvió mientras tanto${n.by ? ` (por ${n.by})` : ''} (ahora ${ES_MATCHING_STATUSES[n.status as MatchingStatus] ?? n.status}); no cambió nada`;
      case 'being_decided':
        return `${n.by} está decidiendo este archivo en otra revisión abierta; no cambió nada`;
      case 'file_gone':
        return 'el archivo ya no está en la base de datos';
      case 'unparsable':
        return 'el nombre del archivo no se puede leer: recházelo u omítalo';
      case 'session_gone':
        return 'la sesión de este archivo ya no existe';
      case 'confirm_cancelled':
        return n.action === 'new_patient'
          ? 'cancelado: no se creó ningún paciente'
          : 'cancelado: no se asignó nada';
      case 'candidate_not_shown':
        return `nada asignado: candidato ${n.candidate} aún no visible; léalo y oprima otra vez`;
      case 'confirm_unread':
        return `${n.action === 'new_patient' ? 'no se creó nada' : 'nada asignado'}: lea todos los motivos (↓) antes de confirmar`;
      case 'not_recorded':
        return notRecordedEs(n.what, n.cause);
      case 'failed':
        return `falló: ${esDetail(n.error)}`;
    }
  },
  // «Walked» is «visto»: a case shown and left undecided was not «revisado».
  walkSummary: (t) =>
    `${t.walked === 1 ? 'Visto' : 'Vistos'} ${num(t.walked)} de ${plural(t.total, 'archivo', 'archivos')}: ${plural(t.attached, 'asignado', 'asignados')}, ` +
    `${plural(t.created, 'paciente nuevo', 'pacientes nuevos')}, ${plural(t.rejected, 'rechazado', 'rechazados')}, ` +
    `${plural(t.skipped, 'omitido', 'omitidos')} · ${plural(t.remaining, 'sigue', 'siguen')} en espera de revisión.`,
  skippedStayPending:
    'Los archivos omitidos quedan pendientes: ← vuelve a ellos, o ejecute `tecsalud-batch review` más tarde.',
  doneKeys: (canUndo) => `${canUndo ? 'u deshacer · ' : ''}← atrás · l lista · q salir`,
  noReviewsPending: (session) =>
    session ? `No hay revisiones pendientes en la sesión ${session}.` : 'No hay revisiones pendientes.',
  pendingTitle: (count) => `${plural(count, 'archivo', 'archivos')} en espera de revisión:`,
  pendingRow: (reason, confidence) =>
    `(${reason}, confianza ${confidence === null ? '–' : conf(confidence)})`,
  reviewNeedsTerminal:
    'revisión no iniciada: recorrer las revisiones requiere una terminal (aquí stdin y stdout no lo son: cron, ' +
    'una tubería o una redirección)',
  hintLabel: 'sugerencia',
  reviewWaitsForForeground:
    'la revisión espera: recorrer las revisiones requiere la terminal en primer plano. Tráigala con `fg` ' +
    '(o ejecute `tecsalud-batch review` sin `&`).',
  reviewNeedsTerminalHint:
    'ejecute `tecsalud-batch review` en una terminal (por ssh: `ssh -t`); `tecsalud-batch review --json` lista ' +
    'los archivos pendientes para scripts, y `POST /api/v1/documents/batch/SESIÓN/review/FILE_ID/decision` ' +
    '(`serve`) los decide sin terminal',
  reopened: (file, session) =>
    `Reabierto '${file}': espera revisión de nuevo en la sesión ${session} (tecsalud-batch review ${session}).`,
  rejectionLifted: (file) =>
    `Rechazo de '${file}' levantado: la próxima ingesta de su carpeta lo retendrá de nuevo para revisión.`,
  reviewClosing: (t, still) =>
    `Revisión: ${num(t.walked)} de ${plural(t.total, 'archivo', 'archivos')} ${t.total === 1 ? 'visto' : 'vistos'} · ${plural(t.attached, 'asignado', 'asignados')}, ` +
    `${plural(t.created, 'paciente nuevo', 'pacientes nuevos')}, ${plural(t.rejected, 'rechazado', 'rechazados')}, ` +
    `${plural(t.skipped, 'omitido', 'omitidos')} · ${plural(still, 'sigue', 'siguen')} en espera de revisión.`,
  reviewTerminalClosed: (still, id) =>
    `la revisión se detuvo: su terminal se cerró (no llega más entrada). ` +
    `${plural(still, 'archivo sigue', 'archivos siguen')} en espera de revisión: ` +
    `ejecute \`tecsalud-batch review${id ? ` ${id}` : ''}\` en una terminal.`,
  reason: (r) => (r ? (ES_REASONS[r] ?? r) : 'desconocido'),
  sessionStatus: (s) => ES_STATUSES[s] ?? s,
  processingType: (type) => ({ vectorized: 'indexado', complete: 'completo', both: 'ambos' })[type] ?? type,
  outcome: (o) => ES_OUTCOMES[o as FileOutcome] ?? EN.outcome(o),
  detail: (message) => esDetail(message),
  documentType: (t) => ES_TYPES[t] ?? t,
  sex: (v) => (v === 'F' ? 'F' : v === 'M' ? 'M' : '—'),
  statusReport: {
    title: (id) => `Sesión ${id}`,
    label: (row) => ES_STATUS_ROWS[row],
    status: (code) => `${ES_STATUSES[code] ?? code} (${code})`,
    files: (processed, total, failed) =>
      `${num(processed)}/${num(total)} procesados, ${plural(failed, 'fallido', 'fallidos')}`,
    patients: (matched, created) => patientCounts(matched, created).replace(/^pacientes: /, ''),
    alreadyWaiting: (count) => `${num(count)} (el mismo contenido espera revisión en otro archivo)`,
    leftForNextRun: (count) =>
      `${num(count)} (por encima de --max-files; la siguiente ejecución sobre la carpeta los procesa)`,
    seconds: (seconds) => formatSeconds(seconds),
    fileOutcome: (code) => ES_FILE_COLUMN[code as keyof typeof ES_FILE_COLUMN] ?? code,
    // The word, and the code --json and the README name beside it, as the status row does.
    flag: (code) => (ES_FLAGS[code] ? `${ES_FLAGS[code]} (${code})` : code),
    workers: (seen, running) => `${plural(seen, 'visto', 'vistos')}, ${plural(running, 'activo', 'activos')}`,
    worker: (files, state) =>
      `${plural(files, 'archivo', 'archivos')}${state === 'gone' ? ' (terminó sin detenerse)' : state === 'stopped' ? ' (detenido)' : ''}`,
    jobs: (queued, active, done, failed) =>
      `${num(queued)} en cola, ${plural(active, 'activo', 'activos')}, ${plural(done, 'hecho', 'hechos')}, ${plural(failed, 'fallido', 'fallidos')}`,
    notMoved: (error) => `no se movió: ${error}`,
    ocr: (engine, pages, confidence, low) =>
      `OCR (${engine}) leyó ${plural(pages, 'página', 'páginas')}, ` +
      `${confidence === null ? 'no leyó palabras' : `confianza media por palabra ${confidence.toFixed(2)}`}` +
      `${low ? ': baja, compare el texto con el escaneo' : ''}`,
    contentNames: (named) => `${ES_FLAGS.content_mismatch}: el documento nombra a ${named}`,
    contentConfirmed: (expediente, name, filenameExpediente) =>
      `${ES_FLAGS.content_confirmed}: confirmado por el expediente y el nombre completo del propio documento: ${expediente} ${name}` +
      (filenameExpediente && filenameExpediente !== expediente
        ? ` (el nombre del archivo dice ${filenameExpediente})`
        : ''),
    contentStates: ({ birthDate, sex }) =>
      `${ES_FLAGS.content_mismatch}: el documento indica ${
        [birthDate && `fecha de nacimiento ${formatCalendarDate(birthDate, 'es')}`, sex && `sexo ${sex}`]
          .filter(Boolean)
          .join(', ') || 'otro paciente'
      }`,
  },
  dashboard: {
    lookingForFiles: 'Ingesta: buscando archivos…',
    ingesting: (dir) => `Ingresando ${dir}`,
    // «ingesta» (feminine) agrees with the session statuses, which are worded for «sesión».
    finished: (status, seconds) => `Ingesta ${status} en ${formatSeconds(seconds)}`,
    files: (done, target) => `${num(done)}/${num(target)} archivos`,
    throughput: (elapsed, eta, files, pages) =>
      `transcurrido ${elapsed} · restante ${eta} · ${files} archivos/s · ${pages} páginas/s`,
    stages: (c) =>
      `leídos ${num(c.parsed)} · asignados ${num(c.matched)} · pacientes nuevos ${num(c.newPatients)} · revisión ${num(c.review)} · extraídos ${num(c.extracted)}`,
    stored: (c) =>
      `indexados ${num(c.embedded)} · guardados ${num(c.stored)} · duplicados ${num(c.duplicates)} · `,
    failed: (n) => `fallidos ${num(n)}`,
    nextRun: (n) => ` · siguiente ejecución ${num(n)}`,
    stopping:
      'Deteniendo: no se inician archivos nuevos; los que están en curso terminan (un escaneo en OCR se detiene y ' +
      'queda pendiente). Ctrl-C otra vez detiene de inmediato.',
    noSuspend:
      'Ctrl-Z no pausa la ingesta (detenida, los archivos en curso agotarían su tiempo y fallarían): Ctrl-C la ' +
      'detiene, y la siguiente ejecución la continúa.',
    inFlight: (n) => `En curso (${num(n)})`,
    ocrPage: (page, pages) => `[OCR página ${page}/${pages}]`,
    andMore: (n) => `  … y ${num(n)} más`,
    latestErrors: (shown, total) =>
      shown < total ? `Últimos errores (${num(total)} en total)` : `Errores (${num(total)})`,
    stage: (s) => ES_STAGES[s],
  },
  progress: {
    started: (files, dir) => `Ingresando ${plural(files, 'archivo', 'archivos')} de ${dir} …`,
    ocrPage: (path, page, pages) => `  OCR de ${path}: página ${page} de ${pages} …`,
    counts: (c) =>
      `${num(c.done)}/${plural(c.target, 'archivo', 'archivos')} · ${plural(c.failed, 'fallido', 'fallidos')} · ` +
      `${num(c.review)} en revisión · ${plural(c.duplicates, 'duplicado', 'duplicados')}`,
    barFormat:
      ' {bar} {value}/{total} archivos · {failed} fallidos · {review} revisión · {duplicates} dup · restante {eta_formatted}',
    interrupted:
      'Interrumpido: no se inician archivos nuevos; los que están en curso terminan (un escaneo en OCR se detiene y ' +
      'queda pendiente). ' +
      'Ctrl-C otra vez detiene de inmediato (los archivos sin terminar quedan pendientes para la siguiente ejecución).',
    stoppingOn: (signal) =>
      signal === 'SIGHUP'
        ? 'Se cerró la terminal (SIGHUP): no se inician archivos nuevos; los que están en curso terminan (un escaneo ' +
          'en OCR se detiene y queda pendiente), y luego la ejecución se detiene (los archivos sin terminar quedan ' +
          'pendientes para la siguiente ejecución).'
        : 'SIGTERM: no se inician archivos nuevos; los que están en curso terminan (un escaneo en OCR se detiene y ' +
          'queda pendiente). Envíelo otra vez para detener de inmediato (los archivos sin terminar quedan pendientes ' +
          'para la siguiente ejecución).',
  },
  enqueue: {
    queued: (id, jobs, resumed) =>
      `Sesión ${id}: ${plural(jobs, 'archivo en cola', 'archivos en cola')} para los procesos de trabajo` +
      (resumed
        ? ' (la sesión sin terminar de la carpeta, reanudada: los archivos ya en cola conservan sus tareas).'
        : '.'),
    startWorkers: (id) =>
      `Inicie procesos de trabajo con \`tecsalud-batch worker\`; siga el avance con \`tecsalud-batch status ${id}\`.`,
    alreadyWaiting: (files, id) =>
      `${plural(files, 'archivo ya espera', 'archivos ya esperan')} revisión (el mismo contenido, retenido en una sesión anterior): ` +
      `resuélvalos con \`tecsalud-batch review ${id}\`.`,
    failed: (files, id) =>
      `${plural(files, 'archivo falló', 'archivos fallaron')}: \`tecsalud-batch status ${id} --files\` muestra por qué.`,
    waitingForReview: (files, id) =>
      `${plural(files, 'archivo espera', 'archivos esperan')} revisión: resuélvalos con \`tecsalud-batch review ${id}\`.`,
    nothingToQueue: (id) =>
      `Ningún archivo necesita un proceso de trabajo: \`tecsalud-batch status ${id} --files\` muestra el resultado de cada archivo.`,
    interrupted: (id, jobs, left) =>
      `Sesión ${id}: interrumpida — ${plural(jobs, 'archivo en cola', 'archivos en cola')}, ${num(left)} sin encolar.`,
    runAgain: (left) =>
      `interrumpido: ejecute el mismo comando otra vez para encolar ${left === 1 ? 'el otro archivo' : `los otros ${num(left)} archivos`} ` +
      'de esta sesión; los archivos ya en cola no se encolan dos veces',
    stopping:
      'deteniendo: los archivos encolados hasta ahora conservan sus tareas (Ctrl-C otra vez para detener en pocos segundos)',
    stoppingOn: (signal) =>
      signal === 'SIGHUP'
        ? 'se cerró la terminal (SIGHUP): deteniendo; los archivos encolados hasta ahora conservan sus tareas'
        : 'SIGTERM: deteniendo; los archivos encolados hasta ahora conservan sus tareas (envíelo otra vez para ' +
          'detener en pocos segundos)',
    forcedStop: (seconds) =>
      `deteniendo ya: escribiendo lo que quedó en cola (${seconds} s como máximo; Ctrl-C una tercera vez para salir sin ello)`,
    interruptedBeforeQueueing: (id) =>
      `${id === null ? 'Interrumpido' : `Sesión ${id}: interrumpida`} antes de encolar ningún archivo.`,
    runAgainAll:
      'interrumpido: ejecute el mismo comando otra vez para encolar los archivos de la carpeta; ningún archivo se encola dos veces',
    maxFilesIgnored:
      'nota: --max-files no aplica a --enqueue: se encolan todos los archivos y los procesos de trabajo los toman',
  },
  worker: {
    started: (id, concurrency) =>
      `proceso de trabajo ${id} iniciado: ${plural(concurrency, 'archivo', 'archivos')} a la vez`,
    inSession: (id, line) => `sesión ${id}: ${line}`,
    serviceDown: (error, seconds, hint) =>
      `un servicio no responde (${error}): las tareas vuelven a la cola; pausa de ${seconds} s\nsugerencia: ${hint}`,
    serviceBack: (seconds) =>
      `los servicios responden de nuevo, ${formatSeconds(seconds)} después del inicio de la falla: se toman tareas otra vez`,
    postponed: (id, reason, seconds) =>
      `sesión ${id}: un archivo aún no está listo (${reason}); su tarea se retoma en ${seconds} s, sin gastar un intento`,
    retrying: (id, attempt, error) =>
      `sesión ${id}: el intento ${attempt} de un archivo falló (${error}); se reintentará`,
    givenUp: (id, attempts, error) =>
      `sesión ${id}: un archivo falló en ${attempts === 1 ? 'su único intento' : `los ${attempts} intentos`} (${error}); ` +
      `vea \`tecsalud-batch status ${id} --files\``,
    stillChanging: (id, duration, reason) =>
      `sesión ${id}: un archivo siguió cambiando durante ${duration} (${reason}); se abandonó para que la cola pueda ` +
      `terminar, y queda en la carpeta: cuando nada lo escriba, vuelva a ejecutar \`ingest --enqueue\` sobre la carpeta; ` +
      `vea \`tecsalud-batch status ${id} --files\``,
    reclaimed: (jobs, workers) =>
      `${plural(jobs, 'tarea', 'tareas')} de un proceso de trabajo que ya no está (${workers}: terminado a la fuerza, ` +
      `caído, o su máquina se apagó) de vuelta en la cola ahora, sin esperar su --job-timeout`,
    straysPutBack: (jobs) =>
      `${plural(jobs, 'tarea', 'tareas')} que este proceso de trabajo tomó cuando se cortó la conexión con la base ` +
      `de datos (la respuesta se perdió) de vuelta en la cola, sin gastar un intento`,
    requeued: (id, files) =>
      `sesión ${id}: ${files === 1 ? '1 archivo sin terminar no tenía tarea; encolado' : `${num(files)} archivos sin terminar no tenían tarea; encolados`} de nuevo`,
    sessionFinished: (id, status, c) =>
      `sesión ${id} ${ES_STATUSES[status] ?? status} (${status}): ${num(c.processed)}/${plural(c.total, 'archivo', 'archivos')}, ` +
      `${plural(c.failed, 'fallido', 'fallidos')}, ${num(c.review)} en revisión` +
      (c.alreadyWaiting > 0
        ? `, ${num(c.alreadyWaiting)} ya en espera de revisión desde una sesión anterior`
        : ''),
    idle: 'la cola está vacía: deteniendo',
    waiting: (active, until, later, next) =>
      'esperando ' +
      [
        active
          ? `${plural(active, 'tarea', 'tareas')} que tomaron otros procesos de trabajo` +
            (until
              ? ` (si esos procesos ya no están, vuelven a la cola hacia las ${until} UTC: --job-timeout)`
              : '')
          : '',
        later
          ? `${plural(later, 'tarea', 'tareas')} en cola para más tarde${next ? ` (desde las ${next} UTC)` : ''}`
          : '',
      ]
        .filter(Boolean)
        .join(' y ') +
      '; `tecsalud-batch status` las muestra por sesión',
    stopped: (id, files, seconds) =>
      `proceso de trabajo ${id} detenido: ${plural(files, 'archivo', 'archivos')} en ${formatSeconds(seconds)}`,
    stopping: (signal) =>
      signal === 'SIGHUP'
        ? 'SIGHUP (se cerró la terminal): terminando los archivos en curso, sin tomar tareas nuevas, y luego se detiene'
        : `${signal}: terminando los archivos en curso, sin tomar tareas nuevas (envíelo otra vez para detener de inmediato)`,
    queueMaintenanceFailed: (error, heldBack, everyMinutes) =>
      `aviso: falló el mantenimiento de la cola de tareas (${
        heldBack > 0 ? `${plural(heldBack, 'falla más', 'fallas más')} desde el último aviso; ` : ''
      }se avisa una vez cada ${everyMinutes} minutos mientras dure; el proceso de trabajo lo reintenta solo): ${error}`,
  },
  dryRun: {
    // What the closing line counts, in its words; the reason in words with its code, as `match` says them.
    row: (file, plan, why) =>
      `${({ auto: 'se asociaría', review: 'a revisión', new: 'paciente nuevo', invalid_name: 'nombre inválido', failed: 'fallaría', still_being_written: 'aún copiándose' }[plan] ?? plan).padEnd(15)} ` +
      `${file}  ${
        plan === 'invalid_name' || plan === 'still_being_written'
          ? esDetail(String(why.error))
          : plan === 'failed'
            ? `${esDetail(String(why.error))} (${why.outcome})`
            : `${ES_REASONS[why.reason ?? ''] ?? why.reason} (${why.reason}, confianza ${why.confidence?.toFixed(3)})`
      }`,
    closing: (c) =>
      `Simulación: ${num(c.auto)} ${c.auto === 1 ? 'se asociaría' : 'se asociarían'}, ${num(c.review)} ${c.review === 1 ? 'esperaría' : 'esperarían'} revisión, ` +
      `${num(c.new)} ${c.new === 1 ? 'crearía' : 'crearían'} un paciente, ` +
      `${num(c.invalid)} ${c.invalid === 1 ? 'tiene un nombre inválido' : 'tienen nombres inválidos'}` +
      (c.failed ? `, ${num(c.failed)} ${c.failed === 1 ? 'fallaría' : 'fallarían'}` : '') +
      (c.still_being_written
        ? `, ${num(c.still_being_written)} aún ${c.still_being_written === 1 ? 'copiándose (quedaría' : 'copiándose (quedarían'} ` +
          'para la siguiente ejecución, sin fallar)'
        : '') +
      (c.settled
        ? `; ${num(c.settled)} sin cambios desde que una ejecución ${c.settled === 1 ? 'lo resolvió' : 'los resolvió'} (no listados)`
        : '') +
      (c.deferred
        ? `; ${num(c.deferred)} ${c.deferred === 1 ? 'quedaría' : 'quedarían'} para la siguiente ejecución (se alcanzó ` +
          `--max-files; ${c.deferred === 1 ? 'no listado' : 'no listados'})`
        : '') +
      '. No se escribió nada.',
    checked:
      'Se revisaron los nombres, tamaños, permisos y primeros bytes de cada archivo. El contenido no se lee: los PDF ' +
      'dañados o protegidos con contraseña aparecen en la ejecución.',
  },
  summary: {
    session: (id, status, seconds) => `Sesión ${id} — ${status} en ${formatSeconds(seconds)}`,
    files: (c) =>
      `${plural(c.total, 'archivo', 'archivos')}: ${plural(c.ingested, 'ingresado', 'ingresados')}, ` +
      `${plural(c.duplicates, 'duplicado', 'duplicados')}` +
      (c.setAside
        ? `, ${plural(c.setAside, 'apartado', 'apartados')} (${c.setAside === 1 ? 'rechazado' : 'rechazados'} antes)`
        : '') +
      (c.rejectedInReview ? `, ${plural(c.rejectedInReview, 'rechazado', 'rechazados')} en revisión` : '') +
      `, ${num(c.waiting)} en espera de revisión, ${plural(c.failed, 'fallido', 'fallidos')}` +
      (c.deferred ? `, ${num(c.deferred)} para la siguiente ejecución` : ''),
    // «Matched» counts files (matched_patients, as the service), «created» patients: 'pacientes: 55 asignados'
    // read as 55 patients when 55 files went to 18 of them.
    patients: (matched, created, pages, chunks) =>
      `${patientCounts(matched, created)} · ${plural(pages, 'página', 'páginas')}, ${plural(chunks, 'fragmento', 'fragmentos')}`,
    settle: (command) => `Resuelva las revisiones con: ${command}`,
    seeFiles: (command) => `Vea cada archivo con: ${command}`,
    interrupted: (id) =>
      `Interrumpido: los archivos no iniciados quedan pendientes; ejecute el mismo comando otra vez para terminar la sesión ${id}.`,
    interruptedNow: (id) =>
      id === null
        ? 'Detenido de inmediato: ejecute el mismo comando otra vez.'
        : `Detenido de inmediato: los archivos en curso quedan pendientes; ejecute el mismo comando otra vez para terminar la sesión ${id}.`,
    deferred: (n) =>
      `${n === 1 ? '1 archivo quedó' : `${num(n)} archivos quedaron`} para la siguiente ejecución (se alcanzó --max-files), ` +
      `${n === 1 ? 'registrado como diferido' : 'registrados como diferidos'}: ejecute el mismo comando otra vez para procesarlos`,
    renamedByTransfer: (n) =>
      n === 1
        ? '1 archivo con nombre de transferencia (.filepart, .part…) fue renombrado por su transferencia al terminar: ' +
          'se toma con su nombre definitivo, sin contarlo dos veces'
        : `${num(n)} archivos con nombre de transferencia (.filepart, .part…) fueron renombrados por su transferencia al ` +
          'terminar: se toman con su nombre definitivo, sin contarlos dos veces',
    stillBeingWritten: (n) =>
      n === 1
        ? '1 archivo todavía se estaba escribiendo en la carpeta (cambió hace unos momentos): no falló, queda para ' +
          'la siguiente ejecución, que lo lee cuando termine la copia'
        : `${num(n)} archivos todavía se estaban escribiendo en la carpeta (cambiaron hace unos momentos): no fallaron, ` +
          'quedan para la siguiente ejecución, que los lee cuando termine la copia',
    skippedHidden: (n, names) =>
      `${n === 1 ? '1 entrada oculta o de sistema omitida' : `${num(n)} entradas ocultas o de sistema omitidas`} (${names}): ` +
      'no son documentos, no se revisaron; --include-hidden las toma',
    warningPrefix: 'aviso: ',
    registryWasEmpty: (n, database) =>
      `el registro (${database}) no tenía pacientes antes de esta ejecución: ${n === 1 ? 'su paciente se creó' : `los ${num(n)} pacientes se crearon`} ` +
      'a partir de los nombres de archivo. Si ahí debía estar el registro del hospital, revise --db o TECSALUD_DB (o la ' +
      'carpeta donde se ejecutó el comando), y cárguelo con `tecsalud-batch patients import ARCHIVO`',
    globMatchedNoFile: (glob, n) =>
      `--glob '${glob}' no coincidió con ningún archivo, aunque la carpeta tiene ${plural(n, 'archivo', 'archivos')}: no se tomó nada. ` +
      "Un patrón es relativo a la carpeta, y '*' no sale de una carpeta: '**/*.pdf' también toma los archivos de las subcarpetas",
    notMoved: (n) =>
      (n === 1
        ? '1 archivo registrado pero no archivado ni en cuarentena: sigue'
        : `${num(n)} archivos registrados pero no archivados ni en cuarentena: siguen`) +
      ' en la carpeta de entrada (vea status --files)',
    unknownTypeCodes: (files, codes, known, recorded) =>
      `${files === 1 ? '1 archivo tiene' : `${num(files)} archivos tienen`} un código de tipo que la herramienta no conoce ` +
      `(${codes})` +
      (recorded === files
        ? `: ${files === 1 ? 'registrado' : 'registrados'} como tipo otro (other). `
        : recorded === 0
          ? `; ${files === 1 ? 'no se registró' : 'no se registró ninguno'}, así que nada quedó como tipo otro (other). `
          : `: ${plural(recorded, 'registrado', 'registrados')} como tipo otro (other), ${num(files - recorded)} sin registrar. `) +
      `Los códigos conocidos: ${known}`,
  },
};

export function messagesFor(lang: Lang): Messages {
  return lang === 'es' ? ES : EN;
}
