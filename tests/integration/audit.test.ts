import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/services/audit/audit-log.js';
import { startTestApi, type TestApi } from '../helpers/test-api.js';
import { dialects } from '../helpers/test-deps.js';

describe.each(dialects())('audit log on %s', (dialect) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(dialect);
    for (let i = 0; i < 5; i++) {
      await api.as('nurse', {
        method: 'POST',
        url: '/api/v1/patients',
        payload: {
          mrn: `AUD-${i}`,
          familyName: 'Chain',
          givenName: `P${i}`,
          dateOfBirth: '1970-01-01',
          sex: 'unknown',
        },
      });
    }
  });
  afterAll(async () => api.close());

  const db = () => api.deps.database.db;

  it('chains every event to the one before it and verifies clean', async () => {
    const result = await verifyAuditChain(api.deps);
    expect(result.ok).toBe(true);
    expect(result.checked).toBeGreaterThan(5);
  });

  it('refuses updates and deletes at the database level', async () => {
    await expect(
      sql`update audit_events set action = 'x' where seq = 1`.execute(db()),
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_events where seq = 1`.execute(db())).rejects.toThrow(
      /append-only/,
    );
  });

  it('lets admins browse by patient or user, newest first', async () => {
    const patient = await db()
      .selectFrom('patients')
      .select('id')
      .where('mrn', '=', 'AUD-2')
      .executeTakeFirstOrThrow();
    const byPatient = await api.as('admin', { url: `/api/v1/audit?patientId=${patient.id}` });
    expect(byPatient.statusCode).toBe(200);
    const events = byPatient.json().events;
    expect(events.map((e: { action: string }) => e.action)).toEqual(['patient.create']);
    expect(events[0]).toMatchObject({
      patientId: patient.id,
      actorRole: 'nurse',
      actorUserId: api.userIds.nurse,
    });
    const byUser = (
      await api.as('admin', { url: `/api/v1/audit?userId=${api.userIds.nurse}&limit=3` })
    ).json().events;
    expect(byUser).toHaveLength(3);
    expect(byUser[0].seq).toBeGreaterThan(byUser[1].seq);
    expect((await api.as('clinician', { url: '/api/v1/audit' })).statusCode).toBe(403);
  });

  it('names the first altered row when someone edits the log behind the triggers', async () => {
    const target = await db()
      .selectFrom('audit_events')
      .select('seq')
      .where('action', '=', 'patient.create')
      .orderBy('seq')
      .offset(2)
      .limit(1)
      .executeTakeFirstOrThrow();
    if (dialect === 'postgres') {
      await sql`alter table audit_events disable trigger audit_events_no_change`.execute(db());
      await sql`update audit_events set details = '{"forged":true}' where seq = ${target.seq}`.execute(
        db(),
      );
      await sql`alter table audit_events enable trigger audit_events_no_change`.execute(db());
    } else {
      await sql`drop trigger audit_events_no_update`.execute(db());
      await sql`update audit_events set details = '{"forged":true}' where seq = ${target.seq}`.execute(
        db(),
      );
    }
    const result = await verifyAuditChain(api.deps);
    expect(result.ok).toBe(false);
    expect(result.firstBrokenSeq).toBe(Number(target.seq));
    expect(result.reason).toMatch(/altered/);
    const viaApi = await api.as('admin', { method: 'POST', url: '/api/v1/audit/verify' });
    expect(viaApi.json()).toMatchObject({ ok: false, firstBrokenSeq: Number(target.seq) });
  });
});
