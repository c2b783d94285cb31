import fs from 'node:fs';
import path from 'node:path';
import {
  CsvEncodingError,
  readNumberedRecords,
  type CsvEncoding,
} from '../adapters/registry-csv/read-numbered-records.js';
import { normalizeName } from '../core/filename/normalize-name.js';
import { sameNumberWithOtherZeros } from '../core/matching/near-expediente.js';
import { judgeSamePerson, type PersonJudgement } from '../core/matching/same-person.js';
import { formatPatientName } from '../core/registry/patient-name.js';
import { splitSurnames } from '../core/filename/split-surnames.js';
import {
  detectRegistryLayout,
  isExpediente,
  registryColumnName,
  toPatientInput,
  unreadColumns,
  type PatientInput,
  type RegistryColumnLayout,
} from '../core/registry/registry-row.js';
import { AuditRepository } from '../db/repositories/audit-repository.js';
import { encodeExpediente } from '../db/blocking-key-codes.js';
import {
  PatientRepository,
  type PatientConfirmation,
  type PatientDetailChange,
  type PatientRename,
  type RegistryImport,
  type UpsertSummary,
} from '../db/repositories/patient-repository.js';
import { ExitCode, UserError } from '../errors.js';
import { currentUser } from './current-user.js';
import { withRegistry, withRolledBackRegistry, type RegistryLocation } from './open-registry.js';

export interface ImportRegistryOptions extends RegistryLocation {
  /** The CSV file, relative to `cwd`. */
  file: string;
  /** Who imports, for the audit log (default: the OS user). */
  user?: string;
  /** Rows per transaction: large enough to amortise the commit, small enough to bound memory. */
  batchSize?: number;
  /** The file's encoding (default UTF-8; Excel's "CSV" here is windows-1252, which `latin1` also names). */
  encoding?: CsvEncoding;
  /** Write rows that rename a patient who already has documents (audited); refused otherwise. */
  allowRename?: boolean;
  /** The same, for these expedientes only: renames a person checked one by one. */
  allowRenameOf?: readonly string[];
  /**
   * Run the whole import, then roll it back: the same report, nothing written (no patient, audit row or
   * migration; a SQLite file that does not exist is not created).
   */
  dryRun?: boolean;
}

export interface RejectedRow {
  line: number;
  reason: string;
}

/**
 * A birth date or sex the file changed for a patient who has documents: written (the registry is the
 * authority) and audited, and shown, since the content check compares those documents with them.
 */
export interface DetailChangeRow {
  line: number;
  expediente: string;
  documents: number;
  before: { fechaNacimiento: string | null; sexo: string | null };
  after: { fechaNacimiento: string | null; sexo: string | null };
}

/**
 * A patient the import added whose full name and birth date another expediente already has: perhaps one person
 * given a second expediente (documents split between the two), perhaps namesakes born the same day. Inserted;
 * reported so that the records office checks.
 */
export interface SameDetailsRow {
  expediente: string;
  otherExpediente: string;
  name: string;
  fechaNacimiento: string;
}

/** A later row of an expediente the file already had, identical to it: skipped, harmless. */
export interface DuplicateRow {
  line: number;
  firstLine: number;
}

/**
 * What an import did. The counts add up to the rows read: totalRows = inserted + updated + unchanged +
 * duplicates + rejected (rejected includes refused renames, differing repeats of an expediente and its number
 * repeated with other leading zeros).
 */
export interface ImportReport extends UpsertSummary {
  file: string;
  /** Rolled back: what a real import of the file would have done (see ImportRegistryOptions.dryRun). */
  dryRun: boolean;
  encoding: CsvEncoding;
  layout: RegistryColumnLayout;
  /** Header cells, as written, of columns the import does not read (their data was not imported). */
  unreadColumns: string[];
  totalRows: number;
  /** Later rows identical to an earlier row of the same expediente (skipped). */
  duplicates: number;
  duplicateRows: DuplicateRow[];
  rejected: number;
  rejectedRows: RejectedRow[];
  /** Renames of patients who have documents: written (with --allow-rename, audited) or refused. */
  renamed: number;
  renamesRefused: number;
  /**
   * Registry patients no valid row of the file named: kept (an import never deletes: a patient who left
   * the export may have documents). Reported so that a full export that lost rows does not pass unseen.
   */
  notInFile: number;
  /** Birth dates or sexes changed for patients who have documents (listed up to MAX_LISTED_REJECTIONS). */
  detailChanges: number;
  detailChangeRows: DetailChangeRow[];
  /** Patients an ingest or a review had created that the file now holds (counted in `updated`; audited). */
  confirmed: number;
  /** Added patients sharing name and birth date with another expediente (listed up to MAX_LISTED_REJECTIONS). */
  sameDetailsRows: SameDetailsRow[];
  /** More such pairs than sameDetailsRows lists. */
  moreSameDetails: boolean;
  seconds: number;
}

/** Rows reported one by one; past this the count goes on but the list stops, to keep memory bounded. */
const MAX_LISTED_REJECTIONS = 1000;

/**
 * Reads the file up to its first row, and throws what the import would throw there: an encoding it cannot read,
 * an empty file, a first line that does not name a registry's columns. A header with no row under it (an export
 * that stopped after its first line) is refused as an empty file is: a nightly import reporting "0 rows, done"
 * would hide it. Stops at the first row (the first chunk).
 */
async function refuseUnreadableHeader(file: string, shown: string, encoding: CsvEncoding): Promise<void> {
  let header = false;
  try {
    for await (const records of readNumberedRecords(file, { encoding })) {
      for (const item of records) {
        // A row the parser could not read is a row all the same (the import reports it).
        if (header) return;
        if ('skipped' in item) continue;
        const layout = detectRegistryLayout(item.record);
        if (!layout.ok) throw notARegistry(shown, layout.reason);
        header = true;
      }
    }
  } catch (error) {
    if (error instanceof CsvEncodingError) throw encodingError(shown, encoding, error);
    throw error;
  }
  if (header) {
    throw new UserError(
      `'${shown}' has its header line and no rows under it: nothing to import`,
      ExitCode.Usage,
      'check that the export finished, and import the complete file',
    );
  }
  throw new UserError(`'${shown}' is empty`, ExitCode.Usage);
}

function notARegistry(shown: string, reason: string): UserError {
  return new UserError(
    `'${shown}' is not a patient registry CSV: ${reason}`,
    ExitCode.Usage,
    'the first line must name the columns, e.g. expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo',
  );
}

/**
 * Imports (upserts by expediente) a registry CSV in one transaction, reporting every rejected row with its
 * line, and records the import in the audit log.
 */
export async function importRegistry(options: ImportRegistryOptions): Promise<ImportReport> {
  const file = path.resolve(options.cwd, options.file);
  if (!fs.existsSync(file)) {
    throw new UserError(
      `the file '${options.file}' does not exist`,
      ExitCode.Usage,
      'give the path of a CSV file',
    );
  }
  if (fs.statSync(file).isDirectory()) {
    throw new UserError(`'${options.file}' is a folder, not a CSV file`, ExitCode.Usage);
  }
  refuseWorkbook(file, options.file);
  // The file's first lines before the registry is opened: an import refused for its encoding, an empty file or
  // columns that are not a registry's left a new, empty registry behind at a mistyped --db, which later commands
  // then read as the registry (there is no 'does not exist' to catch the typo any more).
  await refuseUnreadableHeader(file, options.file, options.encoding ?? 'utf-8');
  const started = performance.now();
  // The local calendar day: a birth date after it is a typing error.
  const now = new Date();
  const today = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  const batchSize = options.batchSize ?? 20_000;
  const encoding = options.encoding ?? 'utf-8';
  const actor = options.user ?? currentUser();
  // The dry run is this same import in a transaction rolled back: it cannot report anything but what a real one would do.
  return (options.dryRun ? withRolledBackRegistry : withRegistry)(
    options,
    async (database) => {
      const repository = PatientRepository.forDatabase(database);
      const report: ImportReport = {
        file,
        dryRun: Boolean(options.dryRun),
        encoding,
        layout: 'split',
        unreadColumns: [],
        totalRows: 0,
        inserted: 0,
        updated: 0,
        unchanged: 0,
        duplicates: 0,
        duplicateRows: [],
        rejected: 0,
        rejectedRows: [],
        renamed: 0,
        renamesRefused: 0,
        notInFile: 0,
        detailChanges: 0,
        detailChangeRows: [],
        confirmed: 0,
        sameDetailsRows: [],
        moreSameDetails: false,
        seconds: 0,
      };
      const reject = (line: number, reason: string) => {
        report.rejected++;
        if (report.rejectedRows.length < MAX_LISTED_REJECTIONS) report.rejectedRows.push({ line, reason });
      };
      let header: string[] | null = null;
      const cleanName = memoizeCleanName(normalizeName);
      const firstRows = new FirstRows();
      // One transaction for the whole file: a killed import leaves the registry as it was (re-running
      // it is idempotent), and the repository defers its index work to the end (see importRegistry).
      await repository.importRegistry(
        'registry_import',
        async (registryImport) => {
          let pending: PatientInput[] = [];
          /** The line of each pending row, by expediente (one row per expediente: see FirstRows). */
          let lines = new Map<string, number>();
          const flush = async () => {
            if (pending.length === 0) return;
            const summary = await registryImport.upsert(pending);
            report.inserted += summary.inserted;
            report.updated += summary.updated;
            report.unchanged += summary.unchanged;
            await reportRenames(registryImport, summary.renames, { lines, actor, file, reject, report });
            await auditDetailChanges(registryImport, summary.detailChanges, { lines, actor, file });
            report.detailChanges += summary.detailChanges.length;
            for (const { before, after, documents } of summary.detailChanges) {
              if (report.detailChangeRows.length >= MAX_LISTED_REJECTIONS) break;
              report.detailChangeRows.push({
                line: lines.get(before.expediente) ?? 0,
                expediente: before.expediente,
                documents,
                before: { fechaNacimiento: before.fechaNacimiento, sexo: before.sexo },
                after: { fechaNacimiento: after.fechaNacimiento, sexo: after.sexo },
              });
            }
            for (const { row, existing } of summary.numberClashes) {
              reject(
                lines.get(row.expediente) ?? 0,
                `expediente ${row.expediente} is the registry's expediente ${existing.expediente} ` +
                  `('${formatPatientName(existing)}') with other leading zeros, as a spreadsheet leaves it: this row was not ` +
                  'imported, so that no one gets a second expediente; format the expediente column as Text and export again',
              );
            }
            report.confirmed += summary.confirmations.length;
            await auditConfirmations(registryImport, summary.confirmations, { lines, actor, file });
            pending = [];
            lines = new Map();
          };
          try {
            for await (const records of readNumberedRecords(file, { encoding })) {
              for (const item of records) {
                if ('skipped' in item) {
                  report.totalRows++;
                  reject(item.line, `unreadable CSV: ${item.skipped}`);
                  continue;
                }
                const { record, line } = item;
                if (!header) {
                  header = record.map(registryColumnName);
                  report.unreadColumns = unreadColumns(record);
                  const layout = detectRegistryLayout(record);
                  if (!layout.ok) throw notARegistry(options.file, layout.reason);
                  report.layout = layout.layout;
                  continue;
                }
                report.totalRows++;
                if (record.length !== header.length) {
                  reject(line, fieldCountReason(record.length, header.length));
                  continue;
                }
                const fields: Record<string, string> = {};
                for (let i = 0; i < header.length; i++) fields[header[i]!] = record[i] ?? '';
                const result = toPatientInput(fields, report.layout, { splitSurnames, cleanName, today });
                // An expediente belongs to the first row that names it; later ones are reported against it.
                const expediente = result.ok ? result.patient.expediente : (fields.expediente ?? '').trim();
                const repeat = firstRows.see(
                  expediente,
                  line,
                  result.ok ? rowDigest(result.patient) : record.join('\u0000'),
                );
                if (repeat && 'sameNumberAs' in repeat) {
                  reject(
                    line,
                    `expediente ${expediente} is expediente ${repeat.sameNumberAs} of line ${repeat.firstLine} with other ` +
                      `leading zeros, as a spreadsheet leaves it: this row was not imported (line ${repeat.firstLine} was, ` +
                      'if valid), so that no one gets a second expediente; format the expediente column as Text and export again',
                  );
                  continue;
                }
                if (repeat?.identical) {
                  report.duplicates++;
                  if (report.duplicateRows.length < MAX_LISTED_REJECTIONS) {
                    report.duplicateRows.push({ line, firstLine: repeat.firstLine });
                  }
                  continue;
                }
                if (repeat) {
                  reject(
                    line,
                    `expediente ${expediente} is also on line ${repeat.firstLine}, with other data: this row was not ` +
                      `imported (line ${repeat.firstLine} was, if valid); keep one row per expediente`,
                  );
                  continue;
                }
                if (!result.ok) {
                  reject(line, result.reason);
                  continue;
                }
                pending.push(result.patient);
                lines.set(result.patient.expediente, line);
                if (pending.length >= batchSize) await flush();
              }
            }
          } catch (error) {
            if (error instanceof CsvEncodingError) throw encodingError(options.file, encoding, error);
            throw error;
          }
          if (!header) throw new UserError(`'${options.file}' is empty`, ExitCode.Usage);
          await flush();
          // One join over the registry (about 1.2 s a 200,000 patients): only when the file added someone.
          const pairs =
            report.inserted > 0 ? await registryImport.sameDetailsAsAnother(MAX_LISTED_REJECTIONS + 1) : [];
          report.moreSameDetails = pairs.length > MAX_LISTED_REJECTIONS;
          report.sameDetailsRows = pairs.slice(0, MAX_LISTED_REJECTIONS).map(({ added, other }) => ({
            expediente: added.expediente,
            otherExpediente: other.expediente,
            name: formatPatientName(added),
            fechaNacimiento: added.fechaNacimiento!,
          }));
        },
        { allowRename: Boolean(options.allowRename), allowRenameOf: new Set(options.allowRenameOf ?? []) },
      );
      // Refused renames are found when their batch is written, after the rows read past them were judged.
      report.rejectedRows.sort((a, b) => a.line - b.line);
      report.detailChangeRows.sort((a, b) => a.line - b.line);
      const named = report.inserted + report.updated + report.unchanged + report.renamesRefused;
      report.notInFile = Math.max(0, (await repository.count()) - named);
      report.seconds = (performance.now() - started) / 1000;
      await new AuditRepository(database.db).record({
        actor,
        action: 'registry_imported',
        entityType: 'patients',
        details: {
          file,
          encoding,
          total_rows: report.totalRows,
          inserted: report.inserted,
          updated: report.updated,
          unchanged: report.unchanged,
          duplicates: report.duplicates,
          rejected: report.rejected,
          renamed: report.renamed,
          renames_refused: report.renamesRefused,
          confirmed: report.confirmed,
          details_changed: report.detailChanges,
          not_in_file: report.notInFile,
          same_details_as_another: report.sameDetailsRows.length,
        },
      });
      return report;
    },
    // The import builds the registry: it may create the database. The key merge walks a large B-tree.
    { sqliteCacheMb: 256, create: true },
  );
}

/**
 * What the two names of a refused rename read as (DECISIONS 5's predicate): a fuller or corrected spelling
 * is let through with a glance; clearly another person means documents that may sit under the wrong
 * expediente, the thing to look at before anything is renamed.
 */
const RENAME_JUDGEMENTS: Record<PersonJudgement, (expediente: string) => string> = {
  same: () => 'The names read as one person written two ways. ',
  uncertain: () => '',
  another: (expediente) =>
    `The registry names clearly another person: check whose these documents are (tecsalud-batch patients show ${expediente}). `,
};

/**
 * Applied renames are audited with the name before and after; refused ones are rejected rows, with the
 * line, both names and how many documents the patient has.
 */
async function reportRenames(
  registryImport: RegistryImport,
  renames: PatientRename[],
  context: {
    lines: Map<string, number>;
    actor: string;
    file: string;
    reject: (line: number, reason: string) => void;
    report: ImportReport;
  },
): Promise<void> {
  const { lines, actor, file, reject, report } = context;
  for (const rename of renames.filter((r) => !r.applied)) {
    report.renamesRefused++;
    const { before, after, documents } = rename;
    reject(
      lines.get(before.expediente) ?? 0,
      `would rename expediente ${before.expediente} from '${formatPatientName(before)}' to '${formatPatientName(after)}', ` +
        `who has ${documents} document${documents === 1 ? '' : 's'}: refused (the registry keeps the old name). ` +
        RENAME_JUDGEMENTS[judgeSamePerson(before, after)](before.expediente) +
        `If it is the same person, import again with --allow-rename-of ${before.expediente}`,
    );
  }
  const applied = renames.filter((r) => r.applied);
  report.renamed += applied.length;
  await registryImport.audit(
    applied.map(({ before, after, documents }) => ({
      actor,
      action: 'patient_renamed',
      entityType: 'patient',
      entityId: before.id,
      details: {
        expediente: before.expediente,
        patient_before: nameOf(before),
        patient_after: nameOf(after),
        documents,
        file,
        line: lines.get(before.expediente) ?? null,
        source: 'registry_import',
      },
    })),
  );
}

/**
 * A changed birth date or sex of a patient who has documents (the content check compares documents with
 * them): who changed it, from what, stays on record.
 */
async function auditDetailChanges(
  registryImport: RegistryImport,
  changes: PatientDetailChange[],
  context: { lines: Map<string, number>; actor: string; file: string },
): Promise<void> {
  await registryImport.audit(
    changes.map(({ before, after, documents }) => ({
      actor: context.actor,
      action: 'patient_details_changed',
      entityType: 'patient',
      entityId: before.id,
      details: {
        expediente: before.expediente,
        before: { fecha_nacimiento: before.fechaNacimiento, sexo: before.sexo },
        after: { fecha_nacimiento: after.fechaNacimiento, sexo: after.sexo },
        documents,
        file: context.file,
        line: context.lines.get(before.expediente) ?? null,
        source: 'registry_import',
      },
    })),
  );
}

/**
 * A patient an ingest or a review created, now a registry patient: its origin changes, and with it maybe the
 * name and the details its documents were filed under (as read from a file name), so both stay on record.
 */
async function auditConfirmations(
  registryImport: RegistryImport,
  confirmations: PatientConfirmation[],
  context: { lines: Map<string, number>; actor: string; file: string },
): Promise<void> {
  await registryImport.audit(
    confirmations.map(({ before, after }) => ({
      actor: context.actor,
      action: 'patient_confirmed_by_registry',
      entityType: 'patient',
      entityId: before.id,
      details: {
        expediente: before.expediente,
        source_before: before.source,
        patient_before: nameOf(before),
        patient_after: nameOf(after),
        file: context.file,
        line: context.lines.get(before.expediente) ?? null,
        source: 'registry_import',
      },
    })),
  );
}

function nameOf(patient: PatientInput): Record<string, string | null> {
  return {
    apellido_paterno: patient.apellidoPaterno,
    apellido_materno: patient.apellidoMaterno,
    nombres: patient.nombres,
    fecha_nacimiento: patient.fechaNacimiento ?? null,
    sexo: patient.sexo ?? null,
  };
}

/** The first bytes of spreadsheet workbooks: a ZIP (Excel .xlsx, LibreOffice .ods) or an OLE2 file (Excel 97-2003 .xls). */
const WORKBOOK_SIGNATURES: readonly Buffer[] = [
  Buffer.from([0x50, 0x4b, 0x03, 0x04]),
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
];

/**
 * The registry as the workbook it was kept in rather than a CSV export of it: read as text it is "not UTF-8",
 * and the hint to retry with --encoding windows-1252 would only lead to "no 'expediente' column (found: PK…)".
 */
function refuseWorkbook(file: string, shown: string): void {
  const head = Buffer.alloc(8);
  let read = 0;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      read = fs.readSync(fd, head, 0, head.length, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return; // Unreadable: the import's own read says why.
  }
  if (
    WORKBOOK_SIGNATURES.some(
      (signature) => read >= signature.length && head.subarray(0, signature.length).equals(signature),
    )
  ) {
    throw new UserError(
      `'${shown}' is a spreadsheet workbook (Excel .xlsx or .xls, LibreOffice .ods), not a CSV file`,
      ExitCode.Usage,
      'in Excel, save it as "CSV UTF-8 (Comma delimited)" and import that file',
    );
  }
}

function encodingError(name: string, encoding: CsvEncoding, error: CsvEncodingError): UserError {
  if (error.likely === 'utf-16') {
    return new UserError(
      `'${name}' is UTF-16 (Excel's "Unicode Text"), not a CSV this import reads`,
      ExitCode.Usage,
      'in Excel, save it as "CSV UTF-8 (Comma delimited)"',
    );
  }
  if (error.likely === 'utf-8') {
    return new UserError(
      `'${name}' is UTF-8 (line ${error.line} has accents written in UTF-8), not ${encoding}: nothing was imported`,
      ExitCode.Usage,
      'import it without --encoding',
    );
  }
  return new UserError(
    `'${name}' is not UTF-8: line ${error.line} has bytes that are not UTF-8 (an Excel "CSV" export is ` +
      'Windows-1252); nothing was imported',
    ExitCode.Usage,
    `import it again with --encoding windows-1252 (or latin1), or save it in Excel as "CSV UTF-8 (Comma delimited)"`,
  );
}

/** A row's data, compared with a later row of the same expediente (a digest, not the row: see FirstRows). */
function rowDigest(row: PatientInput): string {
  return [
    row.apellidoPaterno,
    row.apellidoMaterno,
    row.nombres,
    row.fechaNacimiento ?? '',
    row.sexo ?? '',
  ].join('\u0000');
}

/**
 * The first line of every expediente seen in the file, and a 21-bit digest of its data, packed in one number
 * per expediente (line × 2^21 + digest; lines stay below 2^32): a million-row registry costs a Map of numbers,
 * not a million strings. Two rows with different data share a digest once in two million: such a pair is
 * then reported as identical (skipped) instead of differing (rejected); neither is imported twice.
 */
class FirstRows {
  private readonly first = new Map<number, number>();

  /**
   * Records the row when its expediente is new; otherwise says which line had it first — or had its number
   * with other leading zeros (0012345678 then 12345678: one patient, whose second spelling is not recorded,
   * so a third row of it is refused against the first line too). Other zeros cost a few lookups per new
   * expediente, not a second map.
   */
  see(
    expediente: string,
    line: number,
    data: string,
  ): { firstLine: number; identical: boolean } | { firstLine: number; sameNumberAs: string } | null {
    if (!isExpediente(expediente)) return null;
    const key = encodeExpediente(expediente);
    const digest = fnv1a(data) & DIGEST_MASK;
    const seen = this.first.get(key);
    if (seen === undefined) {
      for (const other of sameNumberWithOtherZeros(expediente)) {
        const otherSeen = this.first.get(encodeExpediente(other));
        if (otherSeen !== undefined)
          return { firstLine: Math.floor(otherSeen / DIGEST_SPAN), sameNumberAs: other };
      }
      this.first.set(key, line * DIGEST_SPAN + digest);
      return null;
    }
    const firstLine = Math.floor(seen / DIGEST_SPAN);
    return { firstLine, identical: seen - firstLine * DIGEST_SPAN === digest };
  }
}

const DIGEST_SPAN = 2 ** 21;
const DIGEST_MASK = DIGEST_SPAN - 1;

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/**
 * Names repeat enormously in a registry (a few thousand distinct surnames and given names across a
 * million rows), and Unicode normalisation is the dearest part of reading a row.
 */
function memoizeCleanName(clean: (text: string) => string): (text: string) => string {
  const cache = new Map<string, string>();
  return (text) => {
    let cleaned = cache.get(text);
    if (cleaned === undefined) {
      cleaned = clean(text);
      if (cache.size >= 200_000) cache.clear(); // a bound, not an LRU: clearing is O(1)
      cache.set(text, cleaned);
    }
    return cleaned;
  };
}

/**
 * Why a row with another number of fields than the header was refused, and what to mend in the sheet: a
 * name holding the separator without quotes, or something typed right of the last column, gives more; a row
 * cut short gives fewer.
 */
function fieldCountReason(fields: number, columns: number): string {
  return (
    `has ${fields} fields; the header has ${columns}: this row was not imported — ` +
    (fields > columns
      ? 'a name holding the separator must be in quotes, and nothing may be written right of the last column'
      : 'every row needs one field per column, empty ones included')
  );
}
