import { describe, expect, inject, it } from 'vitest';
import { killHard, startServer } from '../helpers/cli.js';
import { createPgSchema } from '../helpers/pg-schema.js';
import { dialects, tempDir } from '../helpers/test-deps.js';
import { APP_HEADERS } from '../helpers/app-headers.js';

async function json(res: Response): Promise<any> {
  return res.json();
}

describe.each(dialects())('durability on %s', (dialect) => {
  it('keeps every acknowledged write after the server is killed with SIGKILL', async () => {
    const pgSchema = dialect === 'postgres' ? await createPgSchema(inject('pgUrl')!) : null;
    const env = {
      KETATRACK_DATA_DIR: tempDir(),
      DATABASE_URL: pgSchema?.url ?? '',
      KETATRACK_SIGNIN_RATE_PER_MINUTE: '1000',
    };
    try {
      let { proc, url } = await startServer(env);
      const post = (path: string, body: unknown, cookie = '') =>
        fetch(`${url}${path}`, {
          method: 'POST',
          headers: { ...APP_HEADERS, 'content-type': 'application/json', cookie },
          body: JSON.stringify(body),
        });
      expect(
        (
          await post('/api/v1/setup', {
            email: 'admin@clinic.test',
            displayName: 'Admin',
            password: 'admin password 123',
          })
        ).status,
      ).toBe(201);
      const signIn = async (email: string, password: string) => {
        const res = await post('/api/v1/auth/sign-in', { email, password });
        expect(res.status).toBe(200);
        return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
      };
      const admin = await signIn('admin@clinic.test', 'admin password 123');
      expect(
        (
          await post(
            '/api/v1/users',
            {
              email: 'nurse@clinic.test',
              displayName: 'Nurse',
              role: 'nurse',
              password: 'nurse password 123',
            },
            admin,
          )
        ).status,
      ).toBe(201);
      const nurse = await signIn('nurse@clinic.test', 'nurse password 123');

      const acknowledged: string[] = [];
      await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const mrn = `DUR-${i}`;
          const res = await post(
            '/api/v1/patients',
            {
              mrn,
              familyName: 'Durable',
              givenName: `N${i}`,
              dateOfBirth: '1985-05-05',
              sex: 'female',
              weightKg: 70,
            },
            nurse,
          );
          if (res.status === 201) acknowledged.push(mrn);
        }),
      );
      expect(acknowledged).toHaveLength(40);
      await killHard(proc);

      ({ proc, url } = await startServer(env));
      try {
        const again = await signIn('nurse@clinic.test', 'nurse password 123');
        const list = await json(
          await fetch(`${url}/api/v1/patients?q=durable&limit=200`, { headers: { cookie: again } }),
        );
        expect(list.patients.map((p: { mrn: string }) => p.mrn).sort()).toEqual(
          [...acknowledged].sort(),
        );
      } finally {
        await killHard(proc);
      }
    } finally {
      await pgSchema?.drop();
    }
  });
});
