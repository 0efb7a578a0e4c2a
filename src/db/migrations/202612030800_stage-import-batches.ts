import { sql, type Kysely } from 'kysely';

// Issue 10: a table import is written in short transactions while other users keep
// working, and stays all-or-nothing (ADR 0018). Rows are written under a batch in
// state 'pending' and every reader ignores them until one short final transaction
// marks the batch 'committed'. Subjects record the batch that created them, so a
// failed import can be removed and a pending subject stays invisible. At most one
// import per study is being written at a time (partial unique index).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('import_batches')
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('committed'))
    .execute();
  await db.schema
    .alterTable('study_subjects')
    .addColumn('batch_id', 'text', (c) => c.references('import_batches.id'))
    .execute();
  await db.schema
    .createIndex('import_batches_one_pending')
    .on('import_batches')
    .column('study')
    .unique()
    .where(sql<boolean>`state = 'pending'`)
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('202612030800_stage-import-batches cannot be reverted');
}
