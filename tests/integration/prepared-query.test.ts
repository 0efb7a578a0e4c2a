import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareQuery } from '../../src/db/prepared-query.js';
import { dialects, openTestDatabase, type TestDatabase } from '../helpers/test-deps.js';

/** Queries compiled once per dialect and run with new parameters (src/db/prepared-query.ts). */
describe.each(dialects())('prepared queries on %s', (dialect) => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await openTestDatabase(dialect);
  });
  afterAll(async () => tdb.drop());

  let builds = 0;
  const insertEvent = prepareQuery((db, p) => {
    builds += 1;
    return db.insertInto('audit_events').values({
      id: p(0),
      at: '2026-12-03T08:00:00.000Z',
      actor_user_id: null,
      actor_email: null,
      actor_role: null,
      action: p(1),
      entity_type: 'patient',
      entity_id: null,
      patient_id: p(2),
      request_id: null,
      ip: null,
      details: '{}',
      prev_hash: 'p',
      hash: 'h',
    });
  });
  const eventsOf = prepareQuery((db, p) =>
    db
      .selectFrom('audit_events')
      .select(['id', 'action', 'patient_id'])
      .where('patient_id', '=', p(0))
      .where('action', '!=', p(1))
      .orderBy('id')
      .limit(10),
  );

  it('runs one compiled statement with each call’s own parameters, constants kept', async () => {
    const db = tdb.database.db;
    await insertEvent.execute(db, ['e1', 'patient.read', 'pa']);
    await insertEvent.execute(db, ['e2', 'patient.update', 'pa']);
    await insertEvent.execute(db, ['e3', 'patient.read', 'pb']);
    await insertEvent.execute(db, ['e4', 'patient.read', null]);
    expect((await eventsOf.execute(db, ['pa', 'none'])).rows).toEqual([
      { id: 'e1', action: 'patient.read', patient_id: 'pa' },
      { id: 'e2', action: 'patient.update', patient_id: 'pa' },
    ]);
    expect((await eventsOf.execute(db, ['pa', 'patient.read'])).rows).toEqual([
      { id: 'e2', action: 'patient.update', patient_id: 'pa' },
    ]);
    expect((await eventsOf.execute(db, ['pb', 'none'])).rows.map((r) => r.id)).toEqual(['e3']);
    const stored = await db
      .selectFrom('audit_events')
      .select(['id', 'patient_id', 'at', 'details'])
      .where('id', 'in', ['e3', 'e4'])
      .orderBy('id')
      .execute();
    expect(stored).toEqual([
      { id: 'e3', patient_id: 'pb', at: '2026-12-03T08:00:00.000Z', details: '{}' },
      { id: 'e4', patient_id: null, at: '2026-12-03T08:00:00.000Z', details: '{}' },
    ]);
  });

  it('compiles once per dialect, inside a transaction as well as outside', async () => {
    const before = builds;
    await tdb.database.db.transaction().execute(async (trx) => {
      await insertEvent.execute(trx, ['e5', 'patient.read', 'pc']);
    });
    await tdb.database.commits.run(async (trx) => {
      await insertEvent.execute(trx, ['e6', 'patient.read', 'pc']);
    });
    expect(builds).toBe(before);
    expect((await eventsOf.execute(tdb.database.db, ['pc', 'none'])).rows).toHaveLength(2);
  });

  it('refuses a parameter that is not a bound value, and a call with the wrong number', async () => {
    const inlined = prepareQuery((db, p) =>
      db
        .selectFrom('audit_events')
        .select('id')
        .where(sql<boolean>`id = ${sql.lit(p(0))}`),
    );
    await expect(inlined.execute(tdb.database.db, ['e1'])).rejects.toThrow(
      'parameter 0 is not a bound value',
    );
    await expect(eventsOf.execute(tdb.database.db, ['pa'])).rejects.toThrow(
      '2 parameters expected, 1 given',
    );
  });
});
