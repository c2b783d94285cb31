import fs from 'node:fs';
import path from 'node:path';
import type { TransformCallback } from 'node:stream';
import { Parser, type CsvError, type Options } from 'csv-parse';
import { ExitCode, UserError } from '../errors.js';
import {
  detectRegistryLayout,
  toPatientInput,
  type PatientInput,
  type RegistryColumnLayout,
} from '../core/registry/registry-row.js';
import { normalizeName } from '../core/filename/normalize-name.js';
import { splitSurnames } from '../core/filename/split-surnames.js';
import { PatientRepository, type UpsertSummary } from '../db/repositories/patient-repository.js';
import { AuditRepository } from '../db/repositories/audit-repository.js';
import type { Patient } from '../db/schema.js';
import { withDatabase, type DatabaseOptions } from './shared/database.js';
import { processIo, writeJson, writeLine, type CommandIo } from './shared/io.js';
import { currentUser } from './shared/current-user.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';

export interface ImportPatientsOptions extends DatabaseOptions {
  file: string;
  /** Who imports, for the audit log (default: the OS user). */
  user?: string;
  json?: boolean;
  /** Rows per transaction: large enough to amortise the commit, small enough to bound memory. */
  batchSize?: number;
  io?: CommandIo;
}

export interface RejectedRow {
  line: number;
  reason: string;
}

export interface ImportReport extends UpsertSummary {
  file: string;
  layout: RegistryColumnLayout;
  totalRows: number;
  rejected: number;
  rejectedRows: RejectedRow[];
  seconds: number;
}

/** Rows reported one by one; past this the count goes on but the list stops, to keep memory bounded. */
const MAX_LISTED_REJECTIONS = 1000;

export async function importPatients(options: ImportPatientsOptions): Promise<ImportReport> {
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
  const started = performance.now();
  const batchSize = options.batchSize ?? 20_000;
  return withDatabase(
    options,
    async ({ db, sqlite }) => {
      const repository = new PatientRepository(db, sqlite);
      const report: ImportReport = {
        file,
        layout: 'split',
        totalRows: 0,
        inserted: 0,
        updated: 0,
        unchanged: 0,
        rejected: 0,
        rejectedRows: [],
        seconds: 0,
      };
      const reject = (line: number, reason: string) => {
        report.rejected++;
        if (report.rejectedRows.length < MAX_LISTED_REJECTIONS) report.rejectedRows.push({ line, reason });
      };
      let header: string[] | null = null;
      const cleanName = memoizeCleanName(normalizeName);
      // One transaction for the whole file: a killed import leaves the registry as it was (re-running
      // it is idempotent), and the repository defers its index work to the end (see importRegistry).
      await repository.importRegistry('registry_import', async (registryImport) => {
        let pending: PatientInput[] = [];
        const flush = async () => {
          if (pending.length === 0) return;
          const summary = await registryImport.upsert(pending);
          report.inserted += summary.inserted;
          report.updated += summary.updated;
          report.unchanged += summary.unchanged;
          pending = [];
        };
        for await (const records of readNumberedRecords(file)) {
          for (const item of records) {
            if ('skipped' in item) {
              report.totalRows++;
              reject(item.line, `unreadable CSV: ${item.skipped}`);
              continue;
            }
            const { record, line } = item;
            if (!header) {
              header = record.map((h) => h.trim().toLowerCase());
              const layout = detectRegistryLayout(header);
              if (!layout.ok) {
                throw new UserError(
                  `'${options.file}' is not a patient registry CSV: ${layout.reason}`,
                  ExitCode.Usage,
                  'the first line must name the columns, e.g. expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo',
                );
              }
              report.layout = layout.layout;
              continue;
            }
            report.totalRows++;
            if (record.length !== header.length) {
              reject(line, `has ${record.length} fields; the header has ${header.length}`);
              continue;
            }
            const fields: Record<string, string> = {};
            for (let i = 0; i < header.length; i++) fields[header[i]!] = record[i] ?? '';
            const result = toPatientInput(fields, report.layout, { splitSurnames, cleanName });
            if (!result.ok) {
              reject(line, result.reason);
              continue;
            }
            pending.push(result.patient);
            if (pending.length >= batchSize) await flush();
          }
        }
        if (!header) throw new UserError(`'${options.file}' is empty`, ExitCode.Usage);
        await flush();
      });
      report.seconds = (performance.now() - started) / 1000;
      await new AuditRepository(db).record({
        actor: options.user ?? currentUser(),
        action: 'registry_imported',
        entityType: 'patients',
        details: {
          file,
          total_rows: report.totalRows,
          inserted: report.inserted,
          updated: report.updated,
          unchanged: report.unchanged,
          rejected: report.rejected,
        },
      });
      return report;
    },
    { sqliteCacheMb: 256 },
  ); // the key merge at the end walks a large B-tree
}

type NumberedRecord = { record: string[]; line: number } | { skipped: string; line: number };

/**
 * csv-parse, keeping for every record the line it ends on. Its `info: true` option copies a dozen-field
 * object per record (at a million rows it cost more than the parsing), and its line count takes a CRLF
 * inside a quoted field for two lines. The line is counted here instead, from the byte offset at which
 * the parser hands the record over. Unreadable records go in the same queue, so rejections keep file order.
 */
class NumberingParser extends Parser {
  queue: NumberedRecord[] = [];
  private readonly lines = new LineBreakCounter();

  constructor(options: Options) {
    super(options);
    this.on('skip', (error: CsvError) =>
      // The parser's offset is still at the last field it finished, on the line being read.
      this.queue.push({ skipped: error.message, line: this.lines.breaksBefore(this.info.bytes) + 1 }),
    );
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    this.lines.add(chunk);
    super._transform(chunk, encoding, callback);
  }

  override push(record: unknown, encoding?: BufferEncoding): boolean {
    if (record === null) return super.push(null, encoding);
    // The offset is past the record's line break, if it has one (the last line may not).
    const breaks = this.lines.breaksBefore(this.info.bytes);
    this.queue.push({ record: record as string[], line: this.lines.endsWithBreak() ? breaks : breaks + 1 });
    return true;
  }
}

const LF = 0x0a;
const CR = 0x0d;

/** Line breaks (LF, CRLF or a lone CR) among the first N bytes of a stream, N growing. */
class LineBreakCounter {
  private chunks: Buffer[] = [];
  /** Offset of chunks[0] in the stream, and how far into it the bytes are counted. */
  private chunkOffset = 0;
  private index = 0;
  private breaks = 0;
  private lastByte = -1;

  add(chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  breaksBefore(offset: number): number {
    while (this.chunks.length > 0 && this.chunkOffset + this.index < offset) {
      const chunk = this.chunks[0]!;
      const end = Math.min(chunk.length, offset - this.chunkOffset);
      for (let i = this.index; i < end; i++) {
        const c = chunk[i]!;
        if (c === LF || (c === CR && (i + 1 < chunk.length ? chunk[i + 1] : this.chunks[1]?.[0]) !== LF)) {
          this.breaks++;
        }
      }
      this.lastByte = chunk[end - 1] ?? this.lastByte;
      this.index = end;
      if (end === chunk.length) {
        this.chunks.shift();
        this.chunkOffset += chunk.length;
        this.index = 0;
      }
    }
    return this.breaks;
  }

  /** Whether the last byte counted is a line break. */
  endsWithBreak(): boolean {
    return this.lastByte === LF || this.lastByte === CR;
  }
}

/** The records of a CSV file in arrays of a few hundred, as the file is read. */
async function* readNumberedRecords(file: string): AsyncGenerator<NumberedRecord[]> {
  const parser = new NumberingParser({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
  });
  let failure: unknown;
  parser.on('error', (error) => (failure ??= error));
  const take = () => {
    if (failure) throw failure;
    const records = parser.queue;
    parser.queue = [];
    return records;
  };
  for await (const chunk of fs.createReadStream(file)) {
    parser.write(chunk); // parses synchronously: nothing is pushed downstream, so there is no backpressure
    yield take();
  }
  await new Promise<void>((resolve) => parser.end(() => resolve()));
  yield take();
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

export async function importPatientsCommand(options: ImportPatientsOptions): Promise<number> {
  const io = options.io ?? processIo;
  const report = await importPatients(options);
  if (options.json) {
    writeJson(io, {
      file: report.file,
      layout: report.layout,
      total_rows: report.totalRows,
      inserted: report.inserted,
      updated: report.updated,
      unchanged: report.unchanged,
      rejected: report.rejected,
      rejected_rows: report.rejectedRows,
      seconds: round(report.seconds),
    });
  } else {
    writeLine(
      io.stdout,
      `Imported ${report.totalRows} rows from ${path.basename(report.file)} in ${round(report.seconds)} s: ` +
        `${report.inserted} inserted, ${report.updated} updated, ${report.unchanged} unchanged, ${report.rejected} rejected.`,
    );
    for (const row of report.rejectedRows) {
      writeLine(io.stdout, `  line ${row.line}: ${sanitizeForTerminal(row.reason)}`);
    }
    if (report.rejected > report.rejectedRows.length) {
      writeLine(io.stdout, `  … and ${report.rejected - report.rejectedRows.length} more rejected rows`);
    }
  }
  return report.rejected > 0 ? ExitCode.SomeFailed : ExitCode.Success;
}

export interface ListPatientsOptions extends DatabaseOptions {
  limit: string;
  offset: string;
  json?: boolean;
  io?: CommandIo;
}

export async function listPatientsCommand(options: ListPatientsOptions): Promise<number> {
  const io = options.io ?? processIo;
  const limit = parseCount(options.limit, '--limit');
  const offset = parseCount(options.offset, '--offset');
  const { patients, total } = await withDatabase(options, async ({ db }) => {
    const repository = new PatientRepository(db);
    return { patients: await repository.list({ limit, offset }), total: await repository.count() };
  });
  if (options.json) writeJson(io, { total, offset, patients: patients.map(toPatientJson) });
  else {
    writePatientTable(io, patients);
    writeLine(io.stdout, `${patients.length} of ${total} patients shown (offset ${offset}).`);
  }
  return ExitCode.Success;
}

export interface ShowPatientOptions extends DatabaseOptions {
  expediente: string;
  json?: boolean;
  io?: CommandIo;
}

export async function showPatientCommand(options: ShowPatientOptions): Promise<number> {
  const io = options.io ?? processIo;
  const patient = await withDatabase(options, ({ db }) =>
    new PatientRepository(db).findByExpediente(options.expediente.trim()),
  );
  if (!patient) {
    throw new UserError(
      `no patient with expediente '${sanitizeForTerminal(options.expediente)}'`,
      ExitCode.Usage,
      'try `tecsalud-batch patients search "NAME"`',
    );
  }
  if (options.json) writeJson(io, toPatientJson(patient));
  else {
    const rows: [string, string][] = [
      ['expediente', patient.expediente],
      ['apellido paterno', patient.apellidoPaterno],
      ['apellido materno', patient.apellidoMaterno || '—'],
      ['nombres', patient.nombres],
      ['fecha de nacimiento', patient.fechaNacimiento ?? '—'],
      ['sexo', patient.sexo ?? '—'],
      ['source', patient.source],
      ['created', patient.createdAt],
      ['updated', patient.updatedAt],
    ];
    for (const [label, value] of rows)
      writeLine(io.stdout, `${label.padEnd(20)} ${sanitizeForTerminal(value)}`);
  }
  return ExitCode.Success;
}

export interface SearchPatientsOptions extends DatabaseOptions {
  name: string;
  limit: string;
  json?: boolean;
  io?: CommandIo;
}

export async function searchPatientsCommand(options: SearchPatientsOptions): Promise<number> {
  const io = options.io ?? processIo;
  const limit = parseCount(options.limit, '--limit');
  const text = normalizeName(options.name);
  if (!text) throw new UserError('give part of a name to search for', ExitCode.Usage);
  const patients = await withDatabase(options, ({ db }) =>
    new PatientRepository(db).searchByName(text, limit),
  );
  if (options.json) writeJson(io, { query: text, patients: patients.map(toPatientJson) });
  else {
    writePatientTable(io, patients);
    writeLine(io.stdout, `${patients.length} patient(s) match '${sanitizeForTerminal(text)}'.`);
  }
  return ExitCode.Success;
}

function toPatientJson(patient: Patient) {
  return {
    id: patient.id,
    expediente: patient.expediente,
    apellido_paterno: patient.apellidoPaterno,
    apellido_materno: patient.apellidoMaterno,
    nombres: patient.nombres,
    fecha_nacimiento: patient.fechaNacimiento,
    sexo: patient.sexo,
    source: patient.source,
    created_at: patient.createdAt,
    updated_at: patient.updatedAt,
  };
}

function writePatientTable(io: CommandIo, patients: Patient[]): void {
  for (const p of patients) {
    const name = `${p.apellidoPaterno}${p.apellidoMaterno ? ` ${p.apellidoMaterno}` : ''}, ${p.nombres}`;
    writeLine(io.stdout, `${p.expediente.padEnd(13)} ${sanitizeForTerminal(name)}`);
  }
}

function parseCount(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new UserError(`${flag} must be a whole number ≥ 0 (got '${value}')`, ExitCode.Usage);
  return n;
}

function round(seconds: number): number {
  return Math.round(seconds * 100) / 100;
}
