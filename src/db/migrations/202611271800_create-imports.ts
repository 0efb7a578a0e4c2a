import type { Kysely } from 'kysely';

// Tabular import of total scores from legacy systems and trials (issue 6).
// Imported totals live apart from `assessments`: they have no item answers, so
// nothing can rescore them, and a study's participants need not be clinic
// patients (ADR 0011). A subject may be linked to a patient by MRN.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('studies')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('baseline_time_point', 'text')
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('import_batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('study', 'text', (c) => c.notNull().references('studies.name'))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_sha256', 'text', (c) => c.notNull())
    .addColumn('mapping', 'text', (c) => c.notNull())
    .addColumn('rows_read', 'integer', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('imported_by', 'text', (c) => c.references('users.id'))
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('study_subjects')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('study', 'text', (c) => c.notNull().references('studies.name'))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('patient_id', 'text', (c) => c.references('patients.id'))
    /** JSON object of named attributes (group, arm order, site…) from the mapping. */
    .addColumn('attributes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('study_subjects_external', ['study', 'external_id'])
    .execute();
  await db.schema
    .createIndex('study_subjects_patient')
    .on('study_subjects')
    .column('patient_id')
    .execute();

  await db.schema
    .createTable('imported_scores')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subject_id', 'text', (c) => c.notNull().references('study_subjects.id'))
    .addColumn('instrument', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    /** When the file gives a date (YYYY-MM-DD) or a timestamp. */
    .addColumn('administered_at', 'text')
    .addColumn('time_point', 'text')
    .addColumn('day', 'integer')
    .addColumn('arm', 'text')
    /** time point | date | arm: with subject and instrument, the idempotency key. */
    .addColumn('occasion', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text', (c) => c.notNull().references('import_batches.id'))
    .addColumn('source_row', 'integer', (c) => c.notNull())
    .addUniqueConstraint('imported_scores_occasion', ['subject_id', 'instrument', 'occasion'])
    .execute();
  await db.schema
    .createIndex('imported_scores_instrument')
    .on('imported_scores')
    .columns(['instrument', 'subject_id'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('202611271800_create-imports cannot be reverted');
}
