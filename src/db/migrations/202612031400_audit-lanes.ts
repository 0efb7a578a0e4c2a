import type { Kysely } from 'kysely';

// Issue 10 (ADR 0020): the audit log becomes several hash chains ("lanes") so that
// PostgreSQL transactions on different connections can append and commit side by
// side; each lane is ordered by its own lock. Every row written so far is lane 0,
// which is also the only lane SQLite uses (one writer).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('audit_events')
    .addColumn('lane', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // The chain head of a lane: the last row of that lane.
  await db.schema
    .createIndex('audit_events_lane')
    .on('audit_events')
    .columns(['lane', 'seq'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('202612031400_audit-lanes cannot be reverted');
}
