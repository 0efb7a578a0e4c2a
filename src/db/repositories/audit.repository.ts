import { sql, type Kysely, type Selectable } from 'kysely';
import type { Dialect } from '../database.js';
import { auditHash, GENESIS_HASH, type HashedAuditFields } from '../audit-hash.js';
import { prepareQuery } from '../prepared-query.js';
import type { DB } from '../schema.js';
import type { AuditEventTable } from '../tables/audit-event.table.js';

export type AuditRow = Selectable<AuditEventTable>;

/** Any constant works; it names the lock that serialises appends on PostgreSQL. */
const AUDIT_LOCK_KEY = 7_340_201;

// Every audited use case runs these two (compiled once: prepared-query.ts).
const chainHead = prepareQuery((db) =>
  db.selectFrom('audit_events').select('hash').orderBy('seq', 'desc').limit(1),
);
const insertOne = prepareQuery((db, p) =>
  db.insertInto('audit_events').values({
    id: p(0),
    at: p(1),
    actor_user_id: p(2),
    actor_email: p(3),
    actor_role: p(4),
    action: p(5),
    entity_type: p(6),
    entity_id: p(7),
    patient_id: p(8),
    request_id: p(9),
    ip: p(10),
    details: p(11),
    prev_hash: p(12),
    hash: p(13),
  }),
);

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
  const last = (await chainHead.execute(trx, [])).rows[0];
  let prev = last?.hash ?? GENESIS_HASH;
  const rows = events.map((e) => {
    const hash = auditHash(prev, e);
    const row = { ...e, prev_hash: prev, hash };
    prev = hash;
    return row;
  });
  const [only] = rows;
  if (rows.length === 1 && only) {
    // Most use cases append one event: a statement compiled once.
    await insertOne.execute(trx, [
      only.id,
      only.at,
      only.actor_user_id,
      only.actor_email,
      only.actor_role,
      only.action,
      only.entity_type,
      only.entity_id,
      only.patient_id,
      only.request_id,
      only.ip,
      only.details,
      only.prev_hash,
      only.hash,
    ]);
    return;
  }
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
