import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { killHard, startServer } from '../helpers/cli.js';
import { createPgSchema } from '../helpers/pg-schema.js';
import { dialects, tempDir } from '../helpers/test-deps.js';
import { APP_HEADERS } from '../helpers/app-headers.js';

interface Acknowledged {
  requestId: string;
  action: 'patient.read' | 'patient.create';
}

/**
 * Group commit (ADR 0017) under a crash: `ketatrack serve` in its own process takes
 * a steady concurrent load of audited reads and writes and is killed with SIGKILL
 * while requests are in flight, so batches are being assembled, committed and
 * synced at that moment. After a restart every request that had been answered 2xx
 * has its audit row, and the chain verifies.
 */
describe.each(dialects())('audit durability on %s', (dialect) => {
  it('keeps the audit row of every acknowledged request when the server is killed mid-load', async () => {
    const pgSchema = dialect === 'postgres' ? await createPgSchema(inject('pgUrl')!) : null;
    const dataDir = tempDir();
    const env = {
      KETATRACK_DATA_DIR: dataDir,
      DATABASE_URL: pgSchema?.url ?? '',
      KETATRACK_SIGNIN_RATE_PER_MINUTE: '1000',
    };
    try {
      let { proc, url } = await startServer(env);
      const send = (method: string, path: string, body: unknown, cookie: string) =>
        fetch(`${url}${path}`, {
          method,
          headers: {
            ...APP_HEADERS,
            cookie,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      const setup = await send(
        'POST',
        '/api/v1/setup',
        { email: 'admin@clinic.test', displayName: 'Admin', password: 'admin password 123' },
        '',
      );
      expect(setup.status).toBe(201);
      const signIn = async (email: string, password: string) => {
        const res = await send('POST', '/api/v1/auth/sign-in', { email, password }, '');
        expect(res.status).toBe(200);
        return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
      };
      let admin = await signIn('admin@clinic.test', 'admin password 123');
      const newUser = await send(
        'POST',
        '/api/v1/users',
        {
          email: 'nurse@clinic.test',
          displayName: 'Nurse',
          role: 'nurse',
          password: 'nurse password 123',
        },
        admin,
      );
      expect(newUser.status).toBe(201);
      const nurse = await signIn('nurse@clinic.test', 'nurse password 123');
      const patient = (n: string) => ({
        mrn: `KILL-${n}`,
        familyName: 'Crash',
        givenName: n,
        dateOfBirth: '1984-04-04',
        sex: 'female',
      });
      const first = await send('POST', '/api/v1/patients', patient('first'), nurse);
      expect(first.status).toBe(201);
      const patientId = ((await first.json()) as { id: string }).id;

      // Forty clients, each reading or creating in a loop until the server dies.
      const acknowledged: Acknowledged[] = [];
      let inFlight = 0;
      let inFlightAtKill = 0;
      let killed = false;
      const client = async (c: number) => {
        for (let i = 0; !killed; i++) {
          const write = i % 3 === 0;
          inFlight += 1;
          try {
            const res = write
              ? await send('POST', '/api/v1/patients', patient(`${c}-${i}`), nurse)
              : await send('GET', `/api/v1/patients/${patientId}`, undefined, nurse);
            if (res.ok) {
              acknowledged.push({
                requestId: res.headers.get('x-request-id') ?? '',
                action: write ? 'patient.create' : 'patient.read',
              });
            }
            await res.arrayBuffer();
          } catch {
            return; // the connection died with the server
          } finally {
            inFlight -= 1;
          }
        }
      };
      const clients = Promise.all(Array.from({ length: 40 }, (_, c) => client(c)));
      while (acknowledged.length < 300) await new Promise((r) => setTimeout(r, 20));
      inFlightAtKill = inFlight;
      killed = true;
      await killHard(proc);
      await clients;
      // The kill landed with requests under way, so batches were open or syncing.
      expect(inFlightAtKill).toBeGreaterThan(0);

      ({ proc, url } = await startServer(env));
      try {
        admin = await signIn('admin@clinic.test', 'admin password 123');
        const verify = await send('POST', '/api/v1/audit/verify', {}, admin);
        expect(verify.status).toBe(200);
        expect(await verify.json()).toMatchObject({ ok: true, firstBrokenSeq: null });

        const database = openDatabase(
          pgSchema
            ? { databaseUrl: pgSchema.url }
            : { sqlitePath: join(dataDir, 'ketatrack.sqlite') },
        );
        try {
          const rows = await database.db
            .selectFrom('audit_events')
            .select(['request_id', 'action'])
            .where('request_id', 'is not', null)
            .execute();
          const actionOf = new Map(rows.map((r) => [r.request_id, r.action]));
          const missing = acknowledged.filter((a) => actionOf.get(a.requestId) !== a.action);
          expect(missing).toEqual([]);
        } finally {
          await database.close();
        }
      } finally {
        await killHard(proc);
      }
    } finally {
      await pgSchema?.drop();
    }
  });
});
