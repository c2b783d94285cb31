import { sql, type Kysely } from 'kysely';
import type { SqlDialectName } from './index.js';

// Migrations use snake_case names directly: they run without the CamelCasePlugin so that the schema
// reads the same from psql or sqlite3 as it does here.
export async function up(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void> {
  await db.schema
    .createTable('patients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('expediente', 'text', (c) => c.notNull().unique())
    .addColumn('apellido_paterno', 'text', (c) => c.notNull())
    .addColumn('apellido_materno', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('nombres', 'text', (c) => c.notNull())
    .addColumn('fecha_nacimiento', 'text')
    .addColumn('sexo', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // Ten million rows at a million patients (see db/blocking-key-codes): two integers per row; on
  // SQLite the table *is* its primary-key B-tree (no rowid copy); and there is no second index —
  // keys are deleted by their full primary key, recomputed from the old name.
  await db.schema
    .createTable('patient_blocking_keys')
    .addColumn('key_hash', 'bigint', (c) => c.notNull())
    .addColumn('expediente_code', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('patient_blocking_keys_pk', ['key_hash', 'expediente_code'])
    .$call((builder) => (dialect === 'sqlite' ? builder.modifyEnd(sql`without rowid`) : builder))
    .execute();

  // How many patients carry each name term (surname, given name): weighs common names against rare ones.
  // Kept as counts (a few thousand rows) rather than one row per patient and term.
  await db.schema
    .createTable('name_term_counts')
    .addColumn('term', 'text', (c) => c.primaryKey())
    .addColumn('patients', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('batch_uploads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('processing_type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('source_dir', 'text', (c) => c.notNull())
    .addColumn('total_files', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('processed_files', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed_files', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_patients', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('matched_patients', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('review_required', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('duplicates', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('options_json', 'text', (c) => c.notNull())
    .addColumn('error_message', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('completed_at', 'text')
    .execute();
  await db.schema.createIndex('batch_uploads_created_idx').on('batch_uploads').column('created_at').execute();

  await db.schema
    .createTable('batch_files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('batch_id', 'text', (c) => c.notNull().references('batch_uploads.id').onDelete('cascade'))
    .addColumn('relative_path', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('file_size', 'integer')
    .addColumn('content_sha256', 'text')
    .addColumn('expediente', 'text')
    .addColumn('document_type', 'text')
    .addColumn('document_type_code', 'text')
    .addColumn('numero', 'text')
    .addColumn('matching_status', 'text', (c) => c.notNull())
    .addColumn('processing_status', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('error_message', 'text')
    .addColumn('match_confidence', 'double precision')
    .addColumn('matching_details', 'text')
    .addColumn('patient_id', 'text')
    .addColumn('document_id', 'text')
    .addColumn('pages', 'integer')
    .addColumn('chunks', 'integer')
    .addColumn('extracted_text', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('batch_files_batch_path_unique', ['batch_id', 'relative_path'])
    .execute();
  await db.schema
    .createIndex('batch_files_status_idx')
    .on('batch_files')
    .columns(['batch_id', 'processing_status'])
    .execute();
  await db.schema
    .createIndex('batch_files_matching_idx')
    .on('batch_files')
    .column('matching_status')
    .execute();
  await db.schema.createIndex('batch_files_sha_idx').on('batch_files').column('content_sha256').execute();

  await db.schema
    .createTable('medical_documents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('patient_id', 'text', (c) => c.notNull().references('patients.id'))
    .addColumn('batch_id', 'text')
    .addColumn('batch_file_id', 'text')
    .addColumn('expediente', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('document_type', 'text', (c) => c.notNull())
    .addColumn('document_type_code', 'text', (c) => c.notNull())
    .addColumn('numero', 'text')
    .addColumn('content_sha256', 'text', (c) => c.notNull().unique())
    .addColumn('processing_type', 'text', (c) => c.notNull())
    .addColumn('content', 'text')
    .addColumn('pages', 'integer', (c) => c.notNull())
    .addColumn('chunks_count', 'integer', (c) => c.notNull())
    .addColumn('vectorized', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('medical_documents_patient_idx')
    .on('medical_documents')
    .column('patient_id')
    .execute();
  await db.schema
    .createIndex('medical_documents_expediente_idx')
    .on('medical_documents')
    .column('expediente')
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text')
    .addColumn('entity_type', 'text')
    .addColumn('entity_id', 'text')
    .addColumn('details', 'text')
    .execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();
  await db.schema.createIndex('audit_log_batch_idx').on('audit_log').column('batch_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'audit_log',
    'medical_documents',
    'batch_files',
    'batch_uploads',
    'name_term_counts',
    'patient_blocking_keys',
    'patients',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
