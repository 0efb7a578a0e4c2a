import { sql, type Kysely, type Selectable } from 'kysely';
import type { Dialect } from '../database.js';
import { auditHash, GENESIS_HASH, type HashedAuditFields } from '../audit-hash.js';
import type { DB } from '../schema.js';
import type { AuditEventTable } from '../tables/audit-event.table.js';

export type AuditRow = Selectable<AuditEventTable>;

/** Any constant works; it names the lock that serialises appends on PostgreSQL. */
const AUDIT_LOCK_KEY = 7_340_201;

/**
 * Appends events to the hash chain. Must run inside the caller's transaction so
 * the audit rows commit or roll back with the data they describe.
 */
export async function appendAuditEvents(
  trx: Kysely<DB>,
  dialect: Dialect,
  events: readonly HashedAuditFields[],
): Promise<void> {
  if (events.length === 0) return;
  if (dialect === 'postgres') {
    // Several app servers may share one database: take the chain head in turn.
    await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`.execute(trx);
  }
  const last = await trx
    .selectFrom('audit_events')
    .select('hash')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  let prev = last?.hash ?? GENESIS_HASH;
  const rows = events.map((e) => {
    const hash = auditHash(prev, e);
    const row = { ...e, prev_hash: prev, hash };
    prev = hash;
    return row;
  });
  // Insert in chunks to stay under bind-parameter limits.
  for (let i = 0; i < rows.length; i += 500) {
    await trx
      .insertInto('audit_events')
      .values(rows.slice(i, i + 500))
      .execute();
  }
}

export interface AuditQuery {
  patientId?: string | undefined;
  actorUserId?: string | undefined;
  action?: string | undefined;
  beforeSeq?: number | undefined;
  limit: number;
}

export async function listAuditEvents(db: Kysely<DB>, q: AuditQuery): Promise<AuditRow[]> {
  let query = db.selectFrom('audit_events').selectAll();
  if (q.patientId) query = query.where('patient_id', '=', q.patientId);
  if (q.actorUserId) query = query.where('actor_user_id', '=', q.actorUserId);
  if (q.action) query = query.where('action', '=', q.action);
  if (q.beforeSeq !== undefined) query = query.where('seq', '<', q.beforeSeq);
  return query.orderBy('seq', 'desc').limit(q.limit).execute();
}

/** Rows in chain order, a page at a time, for verification. */
export async function auditPage(
  db: Kysely<DB>,
  afterSeq: number,
  limit: number,
): Promise<AuditRow[]> {
  return db
    .selectFrom('audit_events')
    .selectAll()
    .where('seq', '>', afterSeq)
    .orderBy('seq', 'asc')
    .limit(limit)
    .execute();
}
