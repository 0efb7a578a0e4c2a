import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/db/group-commit.js';
import { verifyAuditChain } from '../../src/services/audit/audit-log.js';
import { cliContext } from '../../src/services/deps.js';
import { createPatient } from '../../src/services/patients/manage-patients.js';
import { inTransaction } from '../../src/services/unit-of-work.js';
import { startTestApi, type TestApi } from '../helpers/test-api.js';
import { dialects } from '../helpers/test-deps.js';

/**
 * Units of work under concurrency (ADR 0017): on SQLite concurrent use cases share
 * one transaction and one commit, each in its own savepoint; on PostgreSQL each has
 * its own transaction. These tests drive hundreds of requests at once through the
 * real app and database and check the audit chain afterwards.
 */
describe.each(dialects())('concurrent audited use cases on %s', (dialect) => {
  let api: TestApi;
  const patientIds: string[] = [];
  beforeAll(async () => {
    api = await startTestApi(dialect);
    for (let i = 0; i < 10; i++) {
      const res = await api.as('clinician', {
        method: 'POST',
        url: '/api/v1/patients',
        payload: {
          mrn: `GC-${i}`,
          familyName: 'Grouped',
          givenName: `G${i}`,
          dateOfBirth: '1975-03-03',
          sex: 'female',
        },
      });
      expect(res.statusCode).toBe(201);
      patientIds.push(res.json().id);
    }
  });
  afterAll(async () => api.close());

  const auditRowsFor = async (requestIds: string[]) =>
    api.deps.database.db
      .selectFrom('audit_events')
      .select(['request_id', 'action', 'patient_id'])
      .where('request_id', 'in', requestIds)
      .execute();

  it('audits every one of hundreds of concurrent reads and writes (sharing commits on SQLite) and the chain verifies', async () => {
    const before = api.deps.database.commits.stats();
    const reads = Array.from({ length: 240 }, (_, i) =>
      api.as('clinician', { url: `/api/v1/patients/${patientIds[i % patientIds.length]}` }),
    );
    const writes = Array.from({ length: 60 }, (_, i) =>
      api.as('nurse', {
        method: 'POST',
        url: '/api/v1/patients',
        payload: {
          mrn: `GCW-${i}`,
          familyName: 'Concurrent',
          givenName: `W${i}`,
          dateOfBirth: '1981-01-01',
          sex: 'male',
        },
      }),
    );
    const [readResponses, writeResponses] = await Promise.all([
      Promise.all(reads),
      Promise.all(writes),
    ]);
    expect(readResponses.map((r) => r.statusCode)).toEqual(readResponses.map(() => 200));
    expect(writeResponses.map((r) => r.statusCode)).toEqual(writeResponses.map(() => 201));

    const requestId = (r: { headers: Record<string, unknown> }) =>
      String(r.headers['x-request-id']);
    const rows = await auditRowsFor([...readResponses, ...writeResponses].map(requestId));
    const actionsByRequest = new Map(rows.map((r) => [r.request_id, r.action]));
    for (const r of readResponses) expect(actionsByRequest.get(requestId(r))).toBe('patient.read');
    for (const r of writeResponses)
      expect(actionsByRequest.get(requestId(r))).toBe('patient.create');
    // Exactly one row each: no unit's audit was written twice or lost.
    expect(rows).toHaveLength(300);

    const after = api.deps.database.commits.stats();
    const units = after.committedUnits - before.committedUnits;
    expect(units).toBeGreaterThanOrEqual(300);
    if (dialect === 'sqlite') {
      // Sharing commits (and fsyncs) is the point on SQLite: far fewer than units.
      expect(after.commits - before.commits).toBeLessThan(units / 2);
      expect(after.largestBatch).toBeGreaterThan(1);
    } else {
      // PostgreSQL runs a transaction per use case side by side (ADR 0017).
      expect(after.commits - before.commits).toBe(units);
    }

    const chain = await verifyAuditChain(api.deps);
    expect(chain).toMatchObject({ ok: true, firstBrokenSeq: null });
  });

  it('a use case refused mid-batch leaves no trace; the others in its batch commit', async () => {
    // Twenty requests for one new MRN arrive together: the first creates the patient,
    // the rest are refused inside the shared transaction, after their own reads.
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.as('nurse', {
          method: 'POST',
          url: '/api/v1/patients',
          payload: {
            mrn: 'GC-DUP',
            familyName: 'Twin',
            givenName: `T${i}`,
            dateOfBirth: '1990-02-02',
            sex: 'female',
          },
        }),
      ),
    );
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([201, ...Array.from({ length: 19 }, () => 409)]);
    const created = await api.deps.database.db
      .selectFrom('patients')
      .select('id')
      .where('mrn', '=', 'GC-DUP')
      .execute();
    expect(created).toHaveLength(1);
    const rows = await auditRowsFor(responses.map((r) => String(r.headers['x-request-id'])));
    expect(rows.map((r) => r.action)).toEqual(['patient.create']);
    expect((await verifyAuditChain(api.deps)).ok).toBe(true);
  });

  it('rolls back a failing use case that had already written, nested use cases included, and no other', async () => {
    const ctx = cliContext();
    const patient = (mrn: string) => ({
      mrn,
      familyName: 'Savepoint',
      givenName: mrn,
      dateOfBirth: '1966-06-06',
      sex: 'other' as const,
    });
    const outcomes = await Promise.allSettled([
      createPatient(api.deps, ctx, patient('SP-1')),
      inTransaction(api.deps, ctx, async (_trx, audit) => {
        // A use case calling a use case: the inner one runs inline in a nested savepoint.
        await createPatient(api.deps, ctx, patient('SP-DOOMED'));
        audit({ action: 'test.doomed', entityType: 'test' });
        throw new Error('fails after writing');
      }),
      createPatient(api.deps, ctx, patient('SP-2')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const mrns = await api.deps.database.db
      .selectFrom('patients')
      .select('mrn')
      .where('mrn', 'like', 'SP-%')
      .orderBy('mrn')
      .execute();
    expect(mrns.map((r) => r.mrn)).toEqual(['SP-1', 'SP-2']);
    const doomed = await api.deps.database.db
      .selectFrom('audit_events')
      .select('seq')
      .where((eb) =>
        eb.or([eb('action', '=', 'test.doomed'), eb('details', 'like', '%SP-DOOMED%')]),
      )
      .execute();
    expect(doomed).toHaveLength(0);
    expect((await verifyAuditChain(api.deps)).ok).toBe(true);
  });

  it('settles a use case only after its batch has committed', async () => {
    let committedBeforeSettled = false;
    const before = api.deps.database.commits.stats().commits;
    await inTransaction(api.deps, cliContext(), async (_trx, audit) => {
      audit({ action: 'test.settle', entityType: 'test' });
    });
    committedBeforeSettled = api.deps.database.commits.stats().commits > before;
    expect(committedBeforeSettled).toBe(true);
    // And what it wrote is visible outside the batch's connection.
    const seen = await api.deps.database.db
      .selectFrom('audit_events')
      .select('seq')
      .where('action', '=', 'test.settle')
      .execute();
    expect(seen).toHaveLength(1);
  });

  describe('the batch queue itself', () => {
    const begin = dialect === 'sqlite' ? 'begin immediate' : 'begin';
    const selectOne = async (trx: Parameters<Parameters<GroupCommit['run']>[0]>[0]) =>
      (await sql<{ one: number }>`select 1 as one`.execute(trx)).rows[0]?.one;

    it('caps a batch at its unit limit and starts the next with the rest', async () => {
      const commits = new GroupCommit(api.deps.database.db, begin, null, {
        maxUnits: 3,
        maxBatchMs: 60_000,
      });
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          commits.run(async (trx) => {
            if (i === 4) throw new Error('this one fails');
            return selectOne(trx);
          }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual([
        ...Array.from({ length: 4 }, () => 'fulfilled'),
        'rejected',
        ...Array.from({ length: 5 }, () => 'fulfilled'),
      ]);
      // 10 units, 3 to a batch: 4 commits; the failed unit counted in its batch.
      expect(commits.stats()).toMatchObject({
        commits: 4,
        committedUnits: 9,
        failedUnits: 1,
        largestBatch: 3,
      });
    });

    it('runs waiting interactive units first and at most one background unit per batch', async () => {
      const commits = new GroupCommit(api.deps.database.db, begin, null, {
        maxUnits: 256,
        maxBatchMs: 60_000,
      });
      const order: string[] = [];
      const unit = (name: string) => async (trx: Parameters<typeof selectOne>[0]) => {
        order.push(name);
        return selectOne(trx);
      };
      // Background units queued first; interactive ones arrive in the same turn.
      const all = [
        ...['b1', 'b2', 'b3'].map((n) => commits.run(unit(n), { background: true })),
        ...['i1', 'i2'].map((n) => commits.run(unit(n))),
      ];
      // One more interactive unit arrives while the first batch runs: it overtakes b2 and b3.
      const late = all[0]!.then(() => commits.run(unit('i3')));
      await Promise.all([...all, late]);
      expect(order).toEqual(['i1', 'i2', 'b1', 'i3', 'b2', 'b3']);
      // One commit per background unit: b1 with i1 and i2, b2 with i3, then b3 alone.
      expect(commits.stats()).toMatchObject({ commits: 3, committedUnits: 6, largestBatch: 3 });
    });

    it('with a window of zero, takes one unit per batch', async () => {
      const commits = new GroupCommit(api.deps.database.db, begin, null, {
        maxUnits: 256,
        maxBatchMs: 0,
      });
      await Promise.all(Array.from({ length: 5 }, () => commits.run(selectOne)));
      expect(commits.stats()).toMatchObject({ commits: 5, largestBatch: 1 });
    });

    it('resolves no unit until the sync after its commit has finished', async () => {
      let finishSync: () => void = () => {};
      let syncsStarted = 0;
      const commits = new GroupCommit(api.deps.database.db, begin, {
        beforeBatch: [],
        afterBatch: [],
        sync: () => {
          syncsStarted += 1;
          return new Promise<void>((resolve) => (finishSync = resolve));
        },
      });
      let settled = false;
      const unit = commits.run(selectOne).then((v) => {
        settled = true;
        return v;
      });
      while (syncsStarted === 0) await new Promise((r) => setTimeout(r, 5));
      // Committed, sync under way: not yet acknowledged.
      expect(commits.stats().commits).toBe(1);
      await new Promise((r) => setTimeout(r, 20));
      expect(settled).toBe(false);
      finishSync();
      expect(await unit).toBe(1);
      expect(settled).toBe(true);
    });

    it('gives a unit submitted after its parent unit ended a transaction of its own', async () => {
      const left: { later?: Promise<number | undefined> } = {};
      await api.deps.database.commits.run(async (trx) => {
        // A promise the unit leaves running, which starts a unit once the first has ended.
        left.later = new Promise((r) => setTimeout(r, 30)).then(() =>
          api.deps.database.commits.run(selectOne),
        );
        return selectOne(trx);
      });
      expect(await left.later).toBe(1);
    });

    it('fails every unit of a batch whose sync fails', async () => {
      const commits = new GroupCommit(api.deps.database.db, begin, {
        beforeBatch: [],
        afterBatch: [],
        sync: () => Promise.reject(new Error('EIO')),
      });
      const results = await Promise.allSettled([commits.run(selectOne), commits.run(selectOne)]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    });
  });
});
