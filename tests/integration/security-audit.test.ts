import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { openSqlite } from '../../src/db/sqlite-driver.js';
import { auditAnchorPath, writeAuditAnchor } from '../../src/services/audit/audit-anchors.js';
import { checkAuditChain, verifyAuditChain } from '../../src/services/audit/audit-log.js';
import { killHard, runCli, startServer } from '../helpers/cli.js';
import { createPgSchema } from '../helpers/pg-schema.js';
import { startTestApi, type TestApi } from '../helpers/test-api.js';
import { dialects, tempDir } from '../helpers/test-deps.js';
import { until } from '../helpers/waiting.js';

async function createPatient(api: TestApi, mrn: string): Promise<void> {
  const res = await api.as('nurse', {
    method: 'POST',
    url: '/api/v1/patients',
    payload: { mrn, familyName: 'Tail', givenName: mrn, dateOfBirth: '1970-01-01', sex: 'unknown' },
  });
  expect(res.statusCode, res.body).toBe(201);
}

/**
 * Issue 11 item 5: administrators do not read clinical records, so the audit log must
 * not show them a patient's identifiers or clinical values either.
 */
describe.each(dialects())('audit log privacy on %s', (dialect) => {
  let api: TestApi;
  let patientId: string;
  // Long, distinctive values: none can turn up by chance in an id, a hash or a time.
  const secrets = {
    mrn: 'MRN-QZX-88417',
    familyName: 'Quillfeather',
    givenName: 'Ottoline',
    dateOfBirth: '1961-07-23',
    phone: '+44 7700 900417',
    email: 'ottoline.quill@mailbox.example',
    notes: 'Prefers mornings; frightened of cannulas',
    newFamilyName: 'Marchbanks-Thistle',
    newNotes: 'Lives with her sister Philippa',
    signerName: 'Hyacinth Quillfeather',
    documentTitle: 'Ketamine course consent for Ottoline',
  };
  const searched = 'Marchbank';

  beforeAll(async () => {
    api = await startTestApi(dialect);
    const created = await api.as('clinician', {
      method: 'POST',
      url: '/api/v1/patients',
      payload: {
        mrn: secrets.mrn,
        familyName: secrets.familyName,
        givenName: secrets.givenName,
        dateOfBirth: secrets.dateOfBirth,
        sex: 'female',
        phone: secrets.phone,
        email: secrets.email,
        notes: secrets.notes,
        weightKg: 61.5,
        heightCm: 164,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    patientId = created.json().id;
    const updated = await api.as('clinician', {
      method: 'PATCH',
      url: `/api/v1/patients/${patientId}`,
      payload: {
        version: created.json().version,
        familyName: secrets.newFamilyName,
        notes: secrets.newNotes,
      },
    });
    expect(updated.statusCode, updated.body).toBe(200);
    const consent = await api.as('clinician', {
      method: 'POST',
      url: `/api/v1/patients/${patientId}/consents`,
      payload: {
        documentTitle: secrets.documentTitle,
        documentVersion: '3',
        signedOn: '2026-01-05',
        signerName: secrets.signerName,
        signerRelation: 'healthcare-proxy',
      },
    });
    expect(consent.statusCode, consent.body).toBe(201);
    // A search by name is audited with the words searched for.
    const search = await api.as('clinician', {
      url: `/api/v1/patients?q=${searched}`,
    });
    expect(search.statusCode, search.body).toBe(200);
  });
  afterAll(async () => api.close());

  it('stores the values in the log (so the views below have something to hide)', async () => {
    const stored = await sql<{ details: string }>`select details from audit_events`.execute(
      api.deps.database.db,
    );
    const text = stored.rows.map((r) => r.details).join('\n');
    for (const value of [...Object.values(secrets), searched]) expect(text).toContain(value);
  });

  it('shows an administrator the events but no name, MRN, date of birth, contact or consent note', async () => {
    const res = await api.as('admin', { url: '/api/v1/audit?limit=500' });
    expect(res.statusCode).toBe(200);
    for (const value of [...Object.values(secrets), searched])
      expect(res.body).not.toContain(value);
    const events = res.json().events as {
      action: string;
      patientId: string | null;
      actorRole: string | null;
      details: unknown;
      hidden: string | null;
    }[];
    const about = events.filter((e) => e.patientId === patientId);
    // Who did what, when, to which kind of record: all still there.
    expect(about.map((e) => e.action).reverse()).toEqual(
      expect.arrayContaining([
        'patient.create',
        'measurement.create',
        'patient.update',
        'consent.create',
        'patient.list',
      ]),
    );
    for (const e of about) expect(e.actorRole).toBe('clinician');
    const create = about.find((e) => e.action === 'patient.create')!;
    expect(create.details).toBeNull();
    expect(create.hidden).toBe('hidden: you may not read patient records');
  });

  it('hides the same values when the administrator filters by the patient or by the action', async () => {
    for (const url of [
      `/api/v1/audit?patientId=${patientId}`,
      '/api/v1/audit?action=consent.create',
      '/api/v1/audit?action=patient.update',
    ]) {
      const res = await api.as('admin', { url });
      expect(res.statusCode).toBe(200);
      expect(res.json().events.length).toBeGreaterThan(0);
      for (const value of Object.values(secrets)) expect(res.body).not.toContain(value);
    }
  });

  it('still shows an administrator the details of what administrators manage', async () => {
    const made = await api.as('admin', {
      method: 'POST',
      url: '/api/v1/users',
      payload: {
        email: 'new.nurse@clinic.test',
        role: 'nurse',
        displayName: 'New Nurse',
        password: 'a long enough password',
      },
    });
    expect(made.statusCode, made.body).toBe(201);
    const res = await api.as('admin', { url: '/api/v1/audit?action=user.create&limit=1' });
    expect(res.json().events[0]).toMatchObject({
      action: 'user.create',
      details: { after: { email: 'new.nurse@clinic.test', role: 'nurse' } },
      hidden: null,
    });
  });
});

/** Removes audit rows past the append-only triggers, as someone with the database in hand could. */
async function deleteAuditRows(api: TestApi, dialect: string, seqs: number[]): Promise<void> {
  const db = api.deps.database.db;
  if (dialect === 'postgres') {
    await sql`alter table audit_events disable trigger audit_events_no_change`.execute(db);
    await db.deleteFrom('audit_events').where('seq', 'in', seqs).execute();
    await sql`alter table audit_events enable trigger audit_events_no_change`.execute(db);
  } else {
    await sql`drop trigger if exists audit_events_no_delete`.execute(db);
    await db.deleteFrom('audit_events').where('seq', 'in', seqs).execute();
  }
}

/**
 * Issue 11 item 12: removing the newest audit rows leaves a chain that still links, so
 * only a record of the log's end kept outside the database can show it.
 */
describe.each(dialects())('audit log tail anchoring on %s', (dialect) => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startTestApi(dialect);
    for (let i = 0; i < 10; i++) await createPatient(api, `TAIL-${i}`);
  });
  afterEach(async () => api.close());

  const newestSeqs = async (n: number) =>
    (
      await api.deps.database.db
        .selectFrom('audit_events')
        .select('seq')
        .orderBy('seq', 'desc')
        .limit(n)
        .execute()
    ).map((r) => Number(r.seq));

  it('notices the newest events removed after an anchor, even once newer events and anchors follow', async () => {
    expect(await verifyAuditChain(api.deps)).toMatchObject({ ok: true, anchorsChecked: 0 });
    const anchor = await writeAuditAnchor(api.deps, 'test');
    expect(anchor).not.toBeNull();
    expect(await verifyAuditChain(api.deps)).toMatchObject({
      ok: true,
      anchorsChecked: 1,
      lastAnchorAt: anchor!.at,
    });

    const removed = await newestSeqs(3);
    await deleteAuditRows(api, dialect, removed);
    // What verification saw before anchors: the shortened chain still links.
    expect(await checkAuditChain(api.deps.database.db)).toMatchObject({ ok: true });

    const result = await verifyAuditChain(api.deps);
    expect(result.ok).toBe(false);
    const [, endsAt, recorded] =
      /^the log ends at event (\d+) but an anchor from \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC records event (\d+): the newest events were removed$/.exec(
        result.reason ?? '',
      ) ?? [];
    expect(Number(endsAt)).toBe(Math.min(...removed) - 1);
    expect(removed).toContain(Number(recorded));
    expect(result.firstBrokenSeq).toBe(Number(recorded));

    // Work goes on and is anchored again: the earlier anchor still shows the removal.
    await createPatient(api, 'TAIL-after');
    expect(await writeAuditAnchor(api.deps, 'test')).not.toBeNull();
    const later = await verifyAuditChain(api.deps);
    expect(later).toMatchObject({ ok: false, firstBrokenSeq: Number(recorded) });
    expect(later.reason).toMatch(/records event \d+|is no longer in the log/);

    // The same answer through the API.
    const viaApi = await api.as('admin', { method: 'POST', url: '/api/v1/audit/verify' });
    expect(viaApi.json()).toMatchObject({ ok: false, firstBrokenSeq: Number(recorded) });
  });

  it('refuses an anchor line that was altered, and skips one torn by a crash', async () => {
    const anchor = (await writeAuditAnchor(api.deps, 'test'))!;
    const file = auditAnchorPath(api.deps.config);
    appendFileSync(file, '{"v":1,"at":"2026-'); // a crash in the middle of a write
    expect(await verifyAuditChain(api.deps)).toMatchObject({ ok: true, anchorsChecked: 1 });
    await createPatient(api, 'TAIL-next');
    expect(await writeAuditAnchor(api.deps, 'test')).not.toBeNull();
    expect(await verifyAuditChain(api.deps)).toMatchObject({
      ok: true,
      anchorsChecked: 2,
      anchorsUnreadable: 1,
    });
    // Someone lowers the recorded end to match a shortened log: the signature no longer fits.
    const [first, ...rest] = readFileSync(file, 'utf8').split('\n');
    const head = anchor.heads[0]!;
    const edited = first!.replace(`"seq":${head.seq}`, `"seq":${head.seq - 1}`);
    expect(edited).not.toBe(first);
    writeFileSync(file, [edited, ...rest].join('\n'));
    const result = await verifyAuditChain(api.deps);
    expect(result.ok).toBe(false);
    expect(result.reason).toBe(
      'line 1 of the anchor file does not carry a valid signature: it was altered, or written with another secret key',
    );
  });

  // Lanes exist on PostgreSQL only (SQLite has one chain), so the case is declared there only.
  if (dialect === 'postgres')
    it("notices one chain's newest event removed while the other chains go on", async () => {
      const rows = await api.deps.database.db
        .selectFrom('audit_events')
        .select(['seq', 'lane'])
        .orderBy('seq')
        .execute();
      const heads = new Map<number, number>();
      for (const r of rows) heads.set(Number(r.lane), Number(r.seq));
      expect(heads.size).toBeGreaterThan(1);
      const newest = Math.max(...heads.values());
      // The head of a lane that is not the newest row of the whole log.
      const target = Math.min(...heads.values());
      expect(target).toBeLessThan(newest);
      expect(await writeAuditAnchor(api.deps, 'test')).not.toBeNull();
      await deleteAuditRows(api, dialect, [target]);
      expect(await checkAuditChain(api.deps.database.db)).toMatchObject({ ok: true });
      const result = await verifyAuditChain(api.deps);
      expect(result).toMatchObject({ ok: false, firstBrokenSeq: target });
      expect(result.reason).toMatch(
        new RegExp(
          `^event ${target}, recorded by an anchor from .+ UTC, is no longer in the log: the newest events of one of its chains were removed$`,
        ),
      );
    });
});

/** The newest event an anchor line records (PostgreSQL records the head of each chain). */
const newestAnchored = (line: string): number =>
  Math.max(...(JSON.parse(line).heads as { seq: number }[]).map((h) => h.seq));

describe.each(dialects())('audit anchors from the command line and the server on %s', (dialect) => {
  it('anchors after a command that writes, and `audit verify` names a removed tail', async () => {
    const dataDir = tempDir();
    const pgSchema = dialect === 'postgres' ? await createPgSchema(inject('pgUrl')!) : null;
    const env = { KETATRACK_DATA_DIR: dataDir, DATABASE_URL: pgSchema?.url ?? '' };
    const file = join(dataDir, 'audit-anchors.jsonl');
    const lines = () => readFileSync(file, 'utf8').trim().split('\n');
    try {
      expect(runCli(['migrate'], env).status).toBe(0);
      expect(existsSync(file)).toBe(false); // nothing in the log yet
      for (const who of ['a', 'b']) {
        const made = runCli(
          ['users', 'create', '--email', `${who}@clinic.test`, '--role', 'nurse'],
          env,
          'a very good password\n',
        );
        expect(made.status, made.stderr).toBe(0);
      }
      expect(lines()).toHaveLength(2);
      expect(JSON.parse(lines()[1]!)).toMatchObject({ by: 'cli' });
      expect(newestAnchored(lines()[1]!)).toBe(2);

      const ok = runCli(['audit', 'verify'], env);
      expect(ok.status, ok.stderr).toBe(0);
      expect(ok.stdout).toContain('audit log intact: 2 events checked');
      expect(ok.stdout).toContain('every event recorded by 2 anchors is present');
      // `audit verify` only looks: it wrote no anchor. `audit anchor` prints what it wrote.
      expect(lines()).toHaveLength(2);
      const printed = runCli(['audit', 'anchor'], env);
      expect(printed.status, printed.stderr).toBe(0);
      expect(JSON.parse(printed.stdout)).toEqual(JSON.parse(lines()[2]!));

      // Started with an anchored log, stopped after the command line wrote more: the
      // server anchors at start and again at shutdown.
      const { proc } = await startServer(env);
      try {
        await until(
          () => lines().some((l) => JSON.parse(l).by === 'server'),
          'the anchor of a starting server',
        );
        expect(
          runCli(
            ['users', 'create', '--email', 'd@clinic.test', '--role', 'nurse'],
            env,
            'a very good password\n',
          ).status,
        ).toBe(0);
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      } finally {
        await killHard(proc);
      }
      expect(JSON.parse(lines().at(-1)!)).toMatchObject({ by: 'server' });
      expect(newestAnchored(lines().at(-1)!)).toBe(3);

      // Remove the newest event behind the triggers.
      if (pgSchema) {
        const client = new pg.Client({ connectionString: pgSchema.url });
        await client.connect();
        await client.query('alter table audit_events disable trigger audit_events_no_change');
        await client.query('delete from audit_events where seq = 3');
        await client.end();
      } else {
        const db = openSqlite(join(dataDir, 'ketatrack.sqlite'));
        db.exec('drop trigger audit_events_no_delete');
        db.prepare('delete from audit_events where seq = 3').run();
        db.close();
      }
      const broken = runCli(['audit', 'verify'], env);
      expect(broken.status).toBe(1);
      expect(broken.stderr).toMatch(
        /audit log BROKEN at seq 3: the log ends at event 2 but an anchor from .+ UTC records event 3: the newest events were removed/,
      );
      // A copy kept elsewhere from before the last event says nothing is missing from it.
      const copy = join(tempDir(), 'copy.jsonl');
      writeFileSync(copy, `${lines().slice(0, 3).join('\n')}\n`);
      expect(runCli(['audit', 'verify', '--anchors', copy], env).status).toBe(0);
    } finally {
      await pgSchema?.drop();
    }
    // Nine commands and a server, each its own process.
  }, 150_000);
});
