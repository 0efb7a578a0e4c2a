import type {
  AuditEventDto,
  AuditQuery,
  AuditVerifyResult,
} from '../../contracts/audit.contract.js';
import { JsonValue } from '../../contracts/json.contract.js';
import { auditHash, GENESIS_HASH } from '../../db/audit-hash.js';
import {
  auditPage,
  listAuditEvents,
  POSTGRES_AUDIT_LANES,
  type AuditRow,
} from '../../db/repositories/audit.repository.js';
import { PostgresAdapter, type Kysely } from 'kysely';
import { Compile } from 'typebox/compile';
import type { DB } from '../../db/schema.js';
import type { Role } from '../../domain/auth/permissions.js';
import type { Deps } from '../deps.js';
import { auditAnchorKey } from './audit-anchor-line.js';
import { auditAnchorPath } from './audit-anchors.js';
import { redactAuditEvent } from './audit-redaction.js';
import { anchorFileSize, checkAuditAnchors } from './check-audit-anchors.js';

const isJsonValue = Compile(JsonValue);

/**
 * The stored details as JSON, or the stored text itself when it is not JSON (a row edited
 * by hand) or holds a number JSON cannot carry back (1e400 parses as Infinity).
 */
function parseDetails(s: string): JsonValue {
  try {
    const value: unknown = JSON.parse(s);
    if (isJsonValue.Check(value)) return value;
  } catch {
    // not JSON: the text as stored
  }
  return s;
}

export function toAuditEventDto(r: AuditRow): AuditEventDto {
  return {
    seq: Number(r.seq),
    id: r.id,
    at: r.at,
    actorUserId: r.actor_user_id,
    actorEmail: r.actor_email,
    actorRole: r.actor_role,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    patientId: r.patient_id,
    requestId: r.request_id,
    ip: r.ip,
    details: parseDetails(r.details),
    hidden: null,
  };
}

/**
 * The log newest first, as the reader may see it: a reader who may not read patient
 * records (an administrator) sees the events without patients' identifiers or clinical
 * values (`redactAuditEvent`).
 */
export async function browseAudit(
  deps: Deps,
  reader: Role,
  q: AuditQuery,
): Promise<AuditEventDto[]> {
  const rows = await listAuditEvents(deps.database.db, {
    patientId: q.patientId,
    actorUserId: q.userId,
    action: q.action,
    beforeSeq: q.beforeSeq,
    limit: q.limit ?? 100,
  });
  return rows.map((r) => redactAuditEvent(toAuditEventDto(r), reader));
}

/** Where verification finds the anchors, and the key that signed them (ADR 0025). */
export interface AnchorSource {
  file: string;
  /** The anchor key (`auditAnchorKey`), hex: it crosses to a worker thread as text. */
  keyHex: string;
}

type ChainCheck = Pick<AuditVerifyResult, 'ok' | 'checked' | 'firstBrokenSeq' | 'reason'>;

/**
 * Recomputes every chain from its first row and names the first row whose stored
 * link or hash does not match: an edited, inserted or deleted row. Rows are read in
 * seq order, page by page; each lane (ADR 0020) links its own rows, so each row is
 * checked against the last row seen in its lane. Then checks that every chain head an
 * anchor recorded is still there (ADR 0025): removing the newest rows leaves a chain that
 * links, and only a record kept outside the database shows what is gone. It grows with
 * the log, so the server runs it in a worker thread (ADR 0014) through `verifyAuditChain`.
 */
export async function checkAuditChain(
  db: Kysely<DB>,
  anchors?: AnchorSource,
): Promise<AuditVerifyResult> {
  // Anchor lines are written after the heads they record were committed: the file's size
  // taken now bounds the lines to those whose heads the snapshot below can see.
  const anchorBytes = anchors ? await anchorFileSize(anchors.file) : 0;
  const check = async (trx: Kysely<DB>, lanes: number): Promise<AuditVerifyResult> => {
    const chain = await checkChains(trx, lanes);
    if (!chain.ok || !anchors)
      return { ...chain, anchorsChecked: 0, anchorsUnreadable: 0, lastAnchorAt: null };
    const a = await checkAuditAnchors(
      trx,
      anchors.file,
      Buffer.from(anchors.keyHex, 'hex'),
      anchorBytes,
    );
    return {
      ok: a.problem === null,
      checked: chain.checked,
      firstBrokenSeq: a.problem?.seq ?? null,
      reason: a.problem?.reason ?? null,
      anchorsChecked: a.checked,
      anchorsUnreadable: a.unreadable,
      lastAnchorAt: a.lastAt,
    };
  };
  // PostgreSQL: lanes commit side by side, so a row may become visible after a later
  // row of another lane; a second page read later could then see a lane's next row
  // without the one it links to. One snapshot (REPEATABLE READ) sees each lane as a
  // whole prefix. SQLite has one writer, so rows commit in seq order: no snapshot needed
  // (and a transaction there would take the write lock).
  // (`getExecutor` is marked internal in Kysely's typings but public and stable.)
  if (db.getExecutor().adapter instanceof PostgresAdapter)
    return db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute((trx) => check(trx, POSTGRES_AUDIT_LANES));
  return check(db, 1);
}

/** `lanes`: rows may name lanes 0 to lanes − 1 only (SQLite writes lane 0 alone). */
async function checkChains(db: Kysely<DB>, lanes: number): Promise<ChainCheck> {
  const heads = new Map<number, string>();
  let afterSeq = 0;
  let checked = 0;
  for (;;) {
    const rows = await auditPage(db, afterSeq, 5000);
    if (rows.length === 0) break;
    for (const row of rows) {
      const seq = Number(row.seq);
      const lane = Number(row.lane);
      // A lane the product never writes: a row put there would start a chain of its own.
      if (!Number.isInteger(lane) || lane < 0 || lane >= lanes) {
        return {
          ok: false,
          checked,
          firstBrokenSeq: seq,
          reason: `row ${seq} names a chain this database never writes to (it was inserted or altered)`,
        };
      }
      const prev = heads.get(lane) ?? GENESIS_HASH;
      if (row.prev_hash !== prev) {
        return {
          ok: false,
          checked,
          firstBrokenSeq: seq,
          reason: `row ${seq} does not link to the row before it in its chain (a row was removed, inserted or altered)`,
        };
      }
      if (auditHash(prev, row) !== row.hash) {
        return {
          ok: false,
          checked,
          firstBrokenSeq: seq,
          reason: `row ${seq} was altered: its contents do not match its hash`,
        };
      }
      heads.set(lane, row.hash);
      afterSeq = seq;
      checked += 1;
    }
  }
  return { ok: true, checked, firstBrokenSeq: null, reason: null };
}

/**
 * The whole chain checked off the event loop (a worker's own read connection), and the
 * anchors of this install (or those of `anchorFile`, a copy kept elsewhere).
 */
export function verifyAuditChain(
  deps: Deps,
  opts: { anchorFile?: string } = {},
): Promise<AuditVerifyResult> {
  return deps.jobs.run('verifyAuditChain', {
    anchors: {
      file: opts.anchorFile ?? auditAnchorPath(deps.config),
      keyHex: auditAnchorKey(deps.config.secretKey).toString('hex'),
    },
  });
}
