import fs from 'node:fs';
import path from 'node:path';
import { readNumberedRecords } from '../adapters/registry-csv/read-numbered-records.js';
import { normalizeName } from '../core/filename/normalize-name.js';
import { splitSurnames } from '../core/filename/split-surnames.js';
import {
  detectRegistryLayout,
  toPatientInput,
  type PatientInput,
  type RegistryColumnLayout,
} from '../core/registry/registry-row.js';
import { AuditRepository } from '../db/repositories/audit-repository.js';
import { PatientRepository, type UpsertSummary } from '../db/repositories/patient-repository.js';
import { ExitCode, UserError } from '../errors.js';
import { currentUser } from './current-user.js';
import { withRegistry, type RegistryLocation } from './open-registry.js';

export interface ImportRegistryOptions extends RegistryLocation {
  /** The CSV file, relative to `cwd`. */
  file: string;
  /** Who imports, for the audit log (default: the OS user). */
  user?: string;
  /** Rows per transaction: large enough to amortise the commit, small enough to bound memory. */
  batchSize?: number;
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
  const started = performance.now();
  const batchSize = options.batchSize ?? 20_000;
  return withRegistry(
    options,
    async (database) => {
      const repository = PatientRepository.forDatabase(database);
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
      await new AuditRepository(database.db).record({
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
    // The import builds the registry: it may create the database. The key merge walks a large B-tree.
    { sqliteCacheMb: 256, create: true },
  );
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
