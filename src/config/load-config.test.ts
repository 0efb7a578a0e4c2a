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

  it('trusts no proxy by default, and a listed one only with the public URL set', () => {
    const d = dir();
    expect(loadConfig({ KETATRACK_DATA_DIR: d }).trustedProxies).toEqual([]);
    const c = loadConfig({
      KETATRACK_DATA_DIR: d,
      KETATRACK_TRUSTED_PROXIES: ' 127.0.0.1, 10.0.0.0/8,::1,fd00::/8, loopback ',
      KETATRACK_PUBLIC_URL: 'https://ketatrack.clinic.example',
    });
    expect(c.trustedProxies).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'loopback']);
    expect(() =>
      loadConfig({ KETATRACK_DATA_DIR: d, KETATRACK_TRUSTED_PROXIES: '10.0.0.1' }),
    ).toThrow(/KETATRACK_PUBLIC_URL is required when KETATRACK_TRUSTED_PROXIES is set/);
  });

  it('refuses proxy entries that are not addresses or networks, and networks of everyone', () => {
    const d = dir();
    const publicUrl = 'https://ketatrack.clinic.example';
    for (const bad of ['proxy.local', '10.0.0.0/33', '10.0.0.0/x', '0.0.0.0/0', '::/0', '1.2.3'])
      expect(() =>
        loadConfig({
          KETATRACK_DATA_DIR: d,
          KETATRACK_TRUSTED_PROXIES: `127.0.0.1,${bad}`,
          KETATRACK_PUBLIC_URL: publicUrl,
        }),
      ).toThrow(new RegExp(`KETATRACK_TRUSTED_PROXIES: "${bad.replace(/[.]/g, '\\.')}"`));
  });

  it('refuses the old trust-everyone switch, naming the setting that replaces it', () => {
    const d = dir();
    for (const value of ['true', '1', 'yes', 'maybe'])
      expect(() => loadConfig({ KETATRACK_DATA_DIR: d, KETATRACK_TRUST_PROXY: value })).toThrow(
        /KETATRACK_TRUST_PROXY is no longer supported.*KETATRACK_TRUSTED_PROXIES=/,
      );
    // Saying no is harmless and stays accepted.
    expect(loadConfig({ KETATRACK_DATA_DIR: d, KETATRACK_TRUST_PROXY: 'false' })).toMatchObject({
      trustedProxies: [],
    });
  });

  it('takes a public URL without credentials, query or fragment', () => {
    const d = dir();
    expect(
      loadConfig({ KETATRACK_DATA_DIR: d, KETATRACK_PUBLIC_URL: 'https://k.example/clinic' })
        .publicUrl,
    ).toBe('https://k.example/clinic');
    for (const bad of ['k.example', 'https://u:p@k.example', 'https://k.example/?x=1', 'ftp://k'])
      expect(() => loadConfig({ KETATRACK_DATA_DIR: d, KETATRACK_PUBLIC_URL: bad })).toThrow(
        /KETATRACK_PUBLIC_URL must be an http\(s\) URL/,
      );
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
