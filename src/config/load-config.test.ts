import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config.js';

const dir = () => mkdtempSync(join(tmpdir(), 'kt-config-'));

describe('loadConfig', () => {
  it('has working defaults: port 3000, SQLite under ./data', () => {
    const d = dir();
    const c = loadConfig({ KETATRACK_DATA_DIR: d });
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: d,
      databaseUrl: undefined,
      logLevel: 'info',
      importMaxBytes: 64 * 1024 * 1024,
      streamIdleSeconds: 60,
      importMaxConcurrent: 2,
    });
    expect(Object.isFrozen(c)).toBe(true);
    expect(loadConfig({ KETATRACK_DATA_DIR: d, KETATRACK_IMPORT_MAX_BYTES: '5000' })).toMatchObject(
      {
        importMaxBytes: 5000,
      },
    );
  });

  it('takes the stream idle limit in whole seconds, at least one', () => {
    const d = dir();
    expect(loadConfig({ KETATRACK_DATA_DIR: d, KETATRACK_STREAM_IDLE_SECONDS: '5' })).toMatchObject(
      { streamIdleSeconds: 5 },
    );
    for (const bad of ['0', '1.5', 'soon'])
      expect(() =>
        loadConfig({ KETATRACK_DATA_DIR: d, KETATRACK_STREAM_IDLE_SECONDS: bad }),
      ).toThrow(/KETATRACK_STREAM_IDLE_SECONDS/);
  });

  it('generates the secret key once, keeps it private in the data dir, and reuses it', () => {
    const d = dir();
    const first = loadConfig({ KETATRACK_DATA_DIR: d }).secretKey;
    const second = loadConfig({ KETATRACK_DATA_DIR: d }).secretKey;
    expect(first.equals(second)).toBe(true);
    expect(first).toHaveLength(32);
    expect(statSync(join(d, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(d, 'secret.key'), 'utf8').trim()).toBe(first.toString('hex'));
  });

  it('reports every problem at once', () => {
    try {
      loadConfig({
        KETATRACK_DATA_DIR: dir(),
        PORT: '99999',
        LOG_LEVEL: 'chatty',
        DATABASE_URL: 'sqlite://x',
        KETATRACK_TRUST_PROXY: 'maybe',
        KETATRACK_SECRET_KEY: 'abc',
        KETATRACK_IMPORT_MAX_BYTES: '12',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toHaveLength(6);
    }
  });
});
