import path from 'node:path';
import { Command, Option } from '@commander-js/extra-typings';
import { sanitizeForTerminal } from '../../core/text/sanitize-for-terminal.js';
import { isExpediente } from '../../core/registry/registry-row.js';
import { ExitCode, UsageError } from '../../errors.js';
import { contextOf, finish, type CommandContext } from '../context.js';
import { writeJson, writeLine } from '../shared/io.js';
import { commandWords } from '../../ui/i18n/command-words.js';
import { configOption, dbOption, examples, jsonOption, langOption, userOption } from '../shared/options.js';
import { helpBlock, helpText } from '../shared/help-text.js';

export function patientsImportCommand() {
  return patientsImportOptions().action(async (file, options, command) =>
    finish(command, await importPatients(file, options, contextOf(command))),
  );
}

/** The command's arguments, options and help, without its action (its handler's types come from here). */
function patientsImportOptions() {
  return new Command('import')
    .summary('import (upsert by expediente) patients from a CSV file')
    .description(
      'Import patients from CSV. Columns: expediente, apellido_paterno, apellido_materno, nombres ' +
        '[, fecha_nacimiento, sexo] — or expediente, nombre_completo ("APELLIDOS, NOMBRES"). ' +
        'Re-importing the same file is idempotent.',
    )
    .argument('<file>', 'CSV file (UTF-8, with or without BOM; see --encoding)')
    .addOption(
      new Option(
        '--encoding <name>',
        'the file\'s encoding: utf-8 (default), or windows-1252 / latin1 for Excel\'s plain "CSV" export',
      ).choices(['utf-8', 'latin1', 'windows-1252'] as const),
    )
    .option(
      '--allow-rename',
      'write rows that change the name of a patient who already has documents (refused otherwise; audited)',
    )
    .option(
      '--allow-rename-of <expedientes>',
      'the same for these expedientes only (comma-separated): the renames checked one by one, the others still refused',
    )
    .option(
      '--dry-run',
      'show what the import would do, with the same report, and write nothing (not even a new database)',
    )
    .addOption(userOption('who imports'))
    .addOption(dbOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .addOption(langOption())
    .addHelpText(
      'after',
      helpText(
        examples(
          'patients import fixtures/registry.csv --db sqlite:./registry.db',
          'patients import export-excel.csv --encoding windows-1252',
          'patients import corrected-names.csv --allow-rename --user jlopez',
          'patients import registry.csv --allow-rename-of 3000875628,3000635026',
          'patients import registry.csv --dry-run --db postgres://tecsalud@db.hospital.local/tecsalud',
        ),
        REPORT_HELP,
        JSON_HELP,
      ),
    );
}

/** Every line the report may print, so that a records administrator knows what each asks of them. */
const REPORT_HELP = helpBlock(({ localize }) =>
  [
    localize('The report:'),
    ...[
      'first, the rows read: inserted + updated + unchanged + repeated + rejected (they always add up)',
      'columns not read: header columns the import ignores (their data was not imported)',
      'patients of the registry not in this file: kept (an import never deletes patients)',
      'patients with documents renamed: renames written with --allow-rename or --allow-rename-of (audited)',
      'patients created by an ingest or a review that now have their registry row (counted as updated; audited)',
      'line N: the birth date or sex changed of a patient who has documents (written; audited)',
      'expediente A (added) and expediente B both name …, born …: one person with two expedientes, or namesakes',
      'line N: the same as line M; skipped (a repeated row, counted as repeated)',
      'line N: a rejected row and why: an unreadable row or field; another row of its expediente with other data; ' +
        "the registry's expediente or an earlier line's with other leading zeros; a refused rename (exit code 3)",
      'a list stops at 1,000 entries: "… and N more"',
    ].map((line) => wrapHelpLine(localize(line), '  ', '    ')),
  ].join('\n'),
);

/** What --json holds; field names are typed as they are. */
const JSON_HELP = helpBlock(({ localize }) =>
  [
    localize('With --json:'),
    ...(
      [
        [
          'total_rows, inserted, updated, unchanged, duplicates, rejected',
          "the first line's counts (duplicates: repeated)",
        ],
        [
          'renamed, renames_refused',
          'renames of patients with documents written, and refused (also in rejected)',
        ],
        ['confirmed, not_in_file, details_changed', 'the counts of those lines'],
        ['detail_change_rows', 'line, expediente, documents, before and after (fecha_nacimiento, sexo)'],
        [
          'same_details_rows',
          'expediente, other_expediente, name, fecha_nacimiento (more_same_details: the list stopped)',
        ],
        ['duplicate_rows, rejected_rows', 'line and first_line; line and reason (in English)'],
        ['dry_run', 'true with --dry-run: the counts are what the import would do; nothing was written'],
        [
          'file, encoding, layout, unread_columns, seconds',
          'the file read, its encoding, split or nombre_completo, the columns not read, the time taken',
        ],
      ] as const
    ).map(([fields, meaning]) => `  ${fields}\n${wrapHelpLine(localize(meaning), '      ', '      ')}`),
  ].join('\n'),
);

/** A help line folded at word boundaries to the 80 columns commander wraps its own help to. */
function wrapHelpLine(text: string, indent: string, hangingIndent: string): string {
  const lines: string[] = [];
  let line = indent;
  for (const word of text.split(' ')) {
    const prefix = lines.length === 0 ? indent : hangingIndent;
    if (line.length > prefix.length && line.length + 1 + word.length > 80) {
      lines.push(line);
      line = hangingIndent + word;
    } else line += (line.length > prefix.length ? ' ' : '') + word;
  }
  lines.push(line);
  return lines.join('\n');
}

export type ImportPatientsOptions = ReturnType<ReturnType<typeof patientsImportOptions>['opts']> & {
  /** Rows per transaction (tests use small ones). */
  batchSize?: number;
};

/** `patients import FILE`: exit 3 when some rows were rejected (0 with --dry-run once rehearsed: its report names them). */
export async function importPatients(
  file: string,
  options: ImportPatientsOptions,
  context: CommandContext,
): Promise<number> {
  const allowRenameOf =
    options.allowRenameOf === undefined ? undefined : parseExpedienteList(options.allowRenameOf);
  const { importRegistry } = await import('../../app/import-registry.js');
  const { io } = context;
  const report = await importRegistry({
    file,
    db: context.db,
    dbSetting: context.dbSetting,
    env: context.env,
    cwd: context.cwd,
    fileMode: context.config?.fileMode,
    user: options.user,
    batchSize: options.batchSize,
    encoding: options.encoding,
    allowRename: Boolean(options.allowRename),
    allowRenameOf,
    dryRun: Boolean(options.dryRun),
  });
  if (options.json) {
    writeJson(io, {
      dry_run: report.dryRun,
      file: report.file,
      layout: report.layout,
      encoding: report.encoding,
      unread_columns: report.unreadColumns,
      total_rows: report.totalRows,
      inserted: report.inserted,
      updated: report.updated,
      unchanged: report.unchanged,
      duplicates: report.duplicates,
      rejected: report.rejected,
      renamed: report.renamed,
      renames_refused: report.renamesRefused,
      confirmed: report.confirmed,
      not_in_file: report.notInFile,
      details_changed: report.detailChanges,
      detail_change_rows: report.detailChangeRows.map((row) => ({
        line: row.line,
        expediente: row.expediente,
        documents: row.documents,
        before: { fecha_nacimiento: row.before.fechaNacimiento, sexo: row.before.sexo },
        after: { fecha_nacimiento: row.after.fechaNacimiento, sexo: row.after.sexo },
      })),
      same_details_rows: report.sameDetailsRows.map((row) => ({
        expediente: row.expediente,
        other_expediente: row.otherExpediente,
        name: row.name,
        fecha_nacimiento: row.fechaNacimiento,
      })),
      more_same_details: report.moreSameDetails,
      duplicate_rows: report.duplicateRows.map((row) => ({ line: row.line, first_line: row.firstLine })),
      rejected_rows: report.rejectedRows,
      seconds: round(report.seconds),
    });
  } else {
    const words = commandWords(options.lang, context.env).patients;
    const counts = {
      rows: report.totalRows,
      file: path.basename(report.file),
      inserted: report.inserted,
      updated: report.updated,
      unchanged: report.unchanged,
      repeated: report.duplicates,
      rejected: report.rejected,
    };
    writeLine(
      io.stdout,
      report.dryRun
        ? words.wouldImport(counts)
        : words.imported({ ...counts, seconds: round(report.seconds) }),
    );
    if (report.unreadColumns.length > 0) {
      writeLine(
        io.stdout,
        words.unreadColumns(report.unreadColumns.map((c) => `'${sanitizeForTerminal(c)}'`).join(', ')),
      );
    }
    if (report.notInFile > 0) writeLine(io.stdout, words.notInFile(report.notInFile));
    if (report.renamed > 0) writeLine(io.stdout, words.renamed(report.renamed, report.dryRun));
    if (report.confirmed > 0) writeLine(io.stdout, words.confirmed(report.confirmed, report.dryRun));
    for (const row of report.detailChangeRows) writeLine(io.stdout, words.detailChanged(row, report.dryRun));
    if (report.detailChanges > report.detailChangeRows.length) {
      writeLine(io.stdout, words.moreDetailChanges(report.detailChanges - report.detailChangeRows.length));
    }
    for (const row of report.sameDetailsRows) writeLine(io.stdout, words.sameDetails(row));
    if (report.moreSameDetails) writeLine(io.stdout, words.moreSameDetails(report.sameDetailsRows.length));
    for (const row of report.duplicateRows) writeLine(io.stdout, words.repeatedRow(row.line, row.firstLine));
    if (report.duplicates > report.duplicateRows.length) {
      writeLine(io.stdout, words.moreRepeated(report.duplicates - report.duplicateRows.length));
    }
    for (const row of report.rejectedRows)
      writeLine(io.stdout, words.rejectedRow(row.line, sanitizeForTerminal(row.reason)));
    if (report.rejected > report.rejectedRows.length) {
      writeLine(io.stdout, words.moreRejected(report.rejected - report.rejectedRows.length));
    }
    if (report.dryRun) writeLine(io.stdout, words.nothingImported);
  }
  // A rehearsal that ran is a success, as `ingest --dry-run` is: the rows it would reject are in its report.
  return report.rejected > 0 && !report.dryRun ? ExitCode.SomeFailed : ExitCode.Success;
}

function round(seconds: number): number {
  return Math.round(seconds * 100) / 100;
}

/** `--allow-rename-of`'s expedientes; a value that is not one is refused before anything is imported. */
function parseExpedienteList(value: string): string[] {
  const expedientes = value.split(/[\s,;]+/).filter(Boolean);
  const wrong = expedientes.find((expediente) => !isExpediente(expediente));
  if (expedientes.length === 0 || wrong !== undefined) {
    throw new UsageError(
      `--allow-rename-of takes expedientes separated by commas${wrong === undefined ? '' : `: '${sanitizeForTerminal(wrong)}' is not one (8 to 12 digits)`}`,
      'e.g. --allow-rename-of 3000875628,3000635026 (the expedientes the import refused to rename)',
    );
  }
  return expedientes;
}
