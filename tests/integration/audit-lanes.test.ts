import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { auditHash, GENESIS_HASH } from '../../src/db/audit-hash.js';
import {
  AUDIT_LOCK_KEY,
  POSTGRES_AUDIT_LANES,
} from '../../src/db/repositories/audit.repository.js';
import { verifyAuditChain } from '../../src/services/audit/audit-log.js';
import { cliContext } from '../../src/services/deps.js';
import { inTransaction } from '../../src/services/unit-of-work.js';
import { startTestApi, type TestApi } from '../helpers/test-api.js';
import { dialects } from '../helpers/test-deps.js';

/**
 * The audit log's lanes (ADR 0020): on PostgreSQL concurrent transactions append to
 * different hash chains so that they commit side by side; SQLite keeps one chain.
 * Each lane must link its own rows in seq order, and a removed row must still be named.
 */
describe.each(dialects())('audit lanes on %s', (dialect) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(dialect);
  });
  afterAll(async () => api.close());
  const db = () => api.deps.database.db;

  const createPatients = (prefix: string, n: number) =>
    Promise.all(
      Array.from({ length: n }, (_, i) =>
        api.as('nurse', {
          method: 'POST',
          url: '/api/v1/patients',
          payload: {
            mrn: `${prefix}-${i}`,
            familyName: 'Lane',
            givenName: `L${i}`,
            dateOfBirth: '1972-02-02',
            sex: 'female',
          },
        }),
      ),
    );

  it('spreads concurrent appends over lanes on PostgreSQL (one lane on SQLite), each a chain in seq order', async () => {
    const responses = await createPatients('LN', 120);
    expect(responses.every((r) => r.statusCode === 201)).toBe(true);
    const rows = await db().selectFrom('audit_events').selectAll().orderBy('seq').execute();
    const lanes = new Set(rows.map((r) => Number(r.lane)));
    if (dialect === 'sqlite') expect([...lanes]).toEqual([0]);
    else expect(lanes.size).toBeGreaterThan(1);
    // Checked here without the product's verifier: each row links to the last row of its lane.
    const heads = new Map<number, string>();
    for (const row of rows) {
      const prev = heads.get(Number(row.lane)) ?? GENESIS_HASH;
      expect(row.prev_hash).toBe(prev);
      expect(row.hash).toBe(auditHash(prev, row));
      heads.set(Number(row.lane), row.hash);
    }
    expect(await verifyAuditChain(api.deps)).toMatchObject({ ok: true, checked: rows.length });
  });

  // PostgreSQL only: on SQLite a transaction held open holds the one writer.
  if (dialect === 'postgres')
    it('verifies clean while another transaction holds its lane open, and after it commits', async () => {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let appended!: () => void;
      const inside = new Promise<void>((r) => (appended = r));
      const open = inTransaction(api.deps, cliContext(), async (_trx, audit) => {
        audit({ action: 'test.held-open', entityType: 'test' });
        appended();
        await held;
      });
      await inside;
      // The audit row is appended when the work returns; give it a moment to take its lane.
      await new Promise((r) => setTimeout(r, 50));
      expect((await createPatients('LN-OPEN', 10)).every((r) => r.statusCode === 201)).toBe(true);
      expect((await verifyAuditChain(api.deps)).ok).toBe(true);
      release();
      await open;
      expect((await createPatients('LN-AFTER', 10)).every((r) => r.statusCode === 201)).toBe(true);
      expect((await verifyAuditChain(api.deps)).ok).toBe(true);
    });

  // PostgreSQL only: lanes are PostgreSQL's.
  if (dialect === 'postgres')
    it('waits for a lane when every lane is taken, then appends in order', async () => {
      const { databaseUrl, pgSchema } = api.deps.database.options;
      const holders = Array.from(
        { length: POSTGRES_AUDIT_LANES },
        () =>
          new pg.Client({
            connectionString: databaseUrl,
            ...(pgSchema ? { options: `-c search_path=${pgSchema}` } : {}),
          }),
      );
      await Promise.all(holders.map((c) => c.connect()));
      try {
        // Another app server, say, holds every lane in open transactions.
        for (const [lane, c] of holders.entries()) {
          await c.query('begin');
          await c.query('select pg_advisory_xact_lock($1::integer, $2::integer)', [
            AUDIT_LOCK_KEY,
            lane,
          ]);
        }
        let settled = false;
        const waiting = createPatients('LN-WAIT', 1).then((r) => ((settled = true), r));
        await new Promise((r) => setTimeout(r, 150));
        expect(settled).toBe(false);
        for (const c of holders) await c.query('commit');
        const [res] = await waiting;
        expect(res?.statusCode).toBe(201);
        expect((await verifyAuditChain(api.deps)).ok).toBe(true);
      } finally {
        await Promise.all(holders.map((c) => c.end()));
      }
    });

  it('names a row put in a lane this database never writes, even with a correct hash', async () => {
    const head = await db()
      .selectFrom('audit_events')
      .select('seq')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    // Fresh lanes start from the genesis hash: a forger could start one of their own.
    const forged = {
      id: '00000000-0000-7000-8000-000000000001',
      at: '2026-12-03T00:00:00.000Z',
      actor_user_id: null,
      actor_email: 'nurse@forged.invalid',
      actor_role: 'nurse',
      action: 'patient.archive',
      entity_type: 'patient',
      entity_id: null,
      patient_id: null,
      request_id: null,
      ip: null,
      details: '{"forged":true}',
    };
    const lane = dialect === 'sqlite' ? 1 : POSTGRES_AUDIT_LANES;
    await db()
      .insertInto('audit_events')
      .values({ ...forged, lane, prev_hash: GENESIS_HASH, hash: auditHash(GENESIS_HASH, forged) })
      .execute();
    const result = await verifyAuditChain(api.deps);
    expect(result).toMatchObject({ ok: false, firstBrokenSeq: Number(head.seq) + 1 });
    expect(result.reason).toMatch(/never writes/);
  });

  it('names the row after a removed one in the same lane, whatever other lanes interleave', async () => {
    const rows = await db()
      .selectFrom('audit_events')
      .select(['seq', 'lane'])
      .orderBy('seq')
      .execute();
    // A row with a later row in its lane: the one whose link breaks when it goes.
    const victim = rows.find((r, i) => rows.slice(i + 1).some((s) => s.lane === r.lane));
    if (!victim) throw new Error('no lane with two rows');
    const next = rows.find((s) => s.seq > victim.seq && s.lane === victim.lane);
    if (dialect === 'postgres') {
      await sql`alter table audit_events disable trigger audit_events_no_change`.execute(db());
      await sql`delete from audit_events where seq = ${victim.seq}`.execute(db());
      await sql`alter table audit_events enable trigger audit_events_no_change`.execute(db());
    } else {
      await sql`drop trigger audit_events_no_delete`.execute(db());
      await sql`delete from audit_events where seq = ${victim.seq}`.execute(db());
    }
    const result = await verifyAuditChain(api.deps);
    expect(result).toMatchObject({ ok: false, firstBrokenSeq: Number(next?.seq) });
    expect(result.reason).toMatch(/does not link/);
  });
});
