import { sql, type Kysely, type Selectable } from 'kysely';
import type { Dialect } from '../database.js';
import { auditHash, GENESIS_HASH, type HashedAuditFields } from '../audit-hash.js';
import { prepareQuery } from '../prepared-query.js';
import type { DB } from '../schema.js';
import type { AuditEventTable } from '../tables/audit-event.table.js';

export type AuditRow = Selectable<AuditEventTable>;

/** Any constant works; with a lane number it names the lock that orders a lane on PostgreSQL. */
export const AUDIT_LOCK_KEY = 7_340_201;

/**
 * How many hash chains PostgreSQL spreads appends over (ADR 0020): more than the
 * connection pool holds, so a transaction nearly always finds a lane no other
 * transaction is appending to and does not wait for that one's commit. Raising it
 * needs no migration; lowering it makes rows in the dropped lanes fail verification.
 */
export const POSTGRES_AUDIT_LANES = 16;

// Every audited use case runs these (compiled once: prepared-query.ts). SQLite has one
// writer, so one chain: lane 0.
const sqliteChainHead = prepareQuery((db) =>
  db
    .selectFrom('audit_events')
    .select('hash')
    .where('lane', '=', 0)
    .orderBy('seq', 'desc')
    .limit(1),
);
const postgresChainHead = prepareQuery((db, p) =>
  db
    .selectFrom('audit_events')
    .select('hash')
    .where('lane', '=', sql<number>`cast(${p(0)} as integer)`)
    .orderBy('seq', 'desc')
    .limit(1),
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
    lane: sql<number>`cast(${p(14)} as integer)`,
  }),
);

/**
 * PostgreSQL: takes the lock of a lane for the rest of the transaction, preferring one
 * that no other transaction holds (trying each from a random start, in one statement),
 * and waiting for one only when all are taken (more app servers than lanes); then reads
 * that lane's head. The head must be read by a later statement than the one that took
 * the lock: under READ COMMITTED a statement sees what was committed when it started,
 * and the lane's previous holder may commit (and let go of the lock) after that.
 */
async function takeLane(trx: Kysely<DB>): Promise<{ lane: number; head: string | undefined }> {
  const start = Math.floor(Math.random() * POSTGRES_AUDIT_LANES);
  const free = await sql<{ lane: number }>`
    select (${start}::integer + g) % ${POSTGRES_AUDIT_LANES}::integer as lane
    from generate_series(0, ${POSTGRES_AUDIT_LANES - 1}::integer) as g
    where pg_try_advisory_xact_lock(${AUDIT_LOCK_KEY}::integer, (${start}::integer + g) % ${POSTGRES_AUDIT_LANES}::integer)
    limit 1`.execute(trx);
  let lane = free.rows[0]?.lane;
  if (lane === undefined) {
    lane = start;
    await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY}::integer, ${lane}::integer)`.execute(
      trx,
    );
  }
  const head = (await postgresChainHead.execute(trx, [String(lane)])).rows[0]?.hash;
  return { lane, head };
}

/**
 * Appends events to a hash chain. Must run inside the caller's transaction so the
 * audit rows commit or roll back with the data they describe. Each lane's appends are
 * serialised (SQLite: one writer; PostgreSQL: the lane's lock, held to commit), so a
 * lane's rows link in seq order.
 */
export async function appendAuditEvents(
  trx: Kysely<DB>,
  dialect: Dialect,
  events: readonly HashedAuditFields[],
): Promise<void> {
  if (events.length === 0) return;
  const { lane, head } =
    dialect === 'postgres'
      ? await takeLane(trx)
      : { lane: 0, head: (await sqliteChainHead.execute(trx, [])).rows[0]?.hash };
  let prev = head ?? GENESIS_HASH;
  const rows = events.map((e) => {
    const hash = auditHash(prev, e);
    const row = { ...e, prev_hash: prev, hash, lane };
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
      String(lane),
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

/** The last row of one hash chain (lane): what an anchor records (ADR 0025). */
export interface AuditChainHead {
  lane: number;
  seq: number;
  hash: string;
}

/**
 * The last row of each lane that has rows, by lane. Each lane's head is one step down the
 * `(lane, seq)` index. Reads only committed rows (callers use a connection with no open
 * write transaction: a worker's, or the command line's after its work).
 */
export async function auditChainHeads(db: Kysely<DB>, dialect: Dialect): Promise<AuditChainHead[]> {
  if (dialect === 'postgres') {
    const r = await sql<{ lane: number; seq: string; hash: string }>`
      select l.lane, h.seq, h.hash
      from generate_series(0, ${POSTGRES_AUDIT_LANES - 1}::integer) as l(lane)
      cross join lateral (
        select seq, hash from audit_events where lane = l.lane order by seq desc limit 1
      ) as h
      order by l.lane`.execute(db);
    return r.rows.map((row) => ({ lane: Number(row.lane), seq: Number(row.seq), hash: row.hash }));
  }
  const row = await db
    .selectFrom('audit_events')
    .select(['seq', 'hash'])
    .where('lane', '=', 0)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? [{ lane: 0, seq: Number(row.seq), hash: row.hash }] : [];
}

/** The rows with these seq numbers (an anchor's heads), for checking them. */
export async function auditRowsBySeq(
  db: Kysely<DB>,
  seqs: readonly number[],
): Promise<{ seq: number; lane: number; hash: string }[]> {
  if (seqs.length === 0) return [];
  const rows = await db
    .selectFrom('audit_events')
    .select(['seq', 'lane', 'hash'])
    .where('seq', 'in', [...seqs])
    .execute();
  return rows.map((r) => ({ seq: Number(r.seq), lane: Number(r.lane), hash: r.hash }));
}

/** The highest seq in the log, or 0 when it is empty. */
export async function lastAuditSeq(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.max('seq').as('last'))
    .executeTakeFirst();
  return Number(row?.last ?? 0);
}
