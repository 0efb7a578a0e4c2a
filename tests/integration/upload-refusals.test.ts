import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_HEADERS } from '../helpers/app-headers.js';
import { startTestApi, type TestApi } from '../helpers/test-api.js';
import { tempDir } from '../helpers/test-deps.js';

// Issue 10 (found by a hostile test): uploads a killed server left behind, and
// refused uploads whose bodies the server went on reading.
describe('uploads', () => {
  let api: TestApi;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = tempDir();
    mkdirSync(join(dataDir, 'uploads'));
    writeFileSync(join(dataDir, 'uploads', 'left-by-a-killed-server.upload'), 'mrn,madrs\nA1,30\n');
    api = await startTestApi('sqlite', { KETATRACK_DATA_DIR: dataDir });
    await api.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => api.close());

  it('are cleared as the server starts when a stopped server left them', () => {
    expect(existsSync(join(dataDir, 'uploads', 'left-by-a-killed-server.upload'))).toBe(false);
  });

  it('refused before the body is read close the connection instead of reading the rest', async () => {
    const address = api.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const answer = await new Promise<{ status: number; connection: string | undefined }>(
      (resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/api/v1/imports/table?fileName=t.csv&mapping=%7B%7D',
            headers: {
              ...APP_HEADERS,
              'content-type': 'text/csv',
              'transfer-encoding': 'chunked',
            },
          },
          (res) => {
            res.resume();
            resolve({ status: res.statusCode ?? 0, connection: res.headers.connection });
            req.destroy();
          },
        );
        req.on('error', (e) => (e.message.includes('socket hang up') ? undefined : reject(e)));
        // Not signed in; the body keeps coming (and would for 200 MB).
        req.write(Buffer.alloc(64 * 1024, 'a'));
      },
    );
    expect(answer).toEqual({ status: 401, connection: 'close' });
  });

  it('keep the connection for a refused request that has no body', async () => {
    const address = api.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/patients`);
    expect(res.status).toBe(401);
    expect(res.headers.get('connection')).toBe('keep-alive');
  });
});
