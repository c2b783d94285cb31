import type { Kysely } from 'kysely';

/**
 * Which documents were read by OCR, with which engine, over how many pages, and how sure it was (the mean
 * word confidence, 0-1). On batch files too: `status --files` lists files, and a file held for review
 * keeps its OCR'd text until a reviewer stores it, with what is known of how it was read.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['medical_documents', 'batch_files']) {
    await db.schema.alterTable(table).addColumn('ocr_engine', 'text').execute();
    await db.schema.alterTable(table).addColumn('ocr_pages', 'integer').execute();
    await db.schema.alterTable(table).addColumn('ocr_confidence', 'double precision').execute();
  }
  // The file was ingested, but its OCR read poorly: worth an administrator's look (`low_ocr_confidence`).
  await db.schema
    .alterTable('batch_files')
    .addColumn('low_ocr_confidence', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('batch_files').dropColumn('low_ocr_confidence').execute();
  for (const table of ['medical_documents', 'batch_files']) {
    for (const column of ['ocr_engine', 'ocr_pages', 'ocr_confidence'])
      await db.schema.alterTable(table).dropColumn(column).execute();
  }
}
