import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
