import { cpus } from 'node:os';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config, LogLevel } from './config.js';
import { parseTrustedProxies } from './trusted-proxies.js';

const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses the environment once, collecting every problem before failing, so an
 * operator fixes them all in one go. Secrets that are not given are generated
 * once and kept (mode 0600) in the data directory.
 */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];

  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw.trim())) {
      problems.push(`${name} must be a whole number, got "${raw}"`);
      return fallback;
    }
    const value = Number(raw);
    if (value < min || value > max) {
      problems.push(`${name} must be between ${min} and ${max}, got ${value}`);
      return fallback;
    }
    return value;
  };

  const port = int('PORT', 3000, 0, 65535);
  const host = env.HOST?.trim() || '127.0.0.1';
  const dataDir = resolve(env.KETATRACK_DATA_DIR?.trim() || './data');

  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  }

  const rawLevel = (env.LOG_LEVEL?.trim() || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(rawLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${rawLevel}"`);
  }

  // KETATRACK_TRUST_PROXY=true trusted every peer's X-Forwarded-For and -Host; it is
  // refused rather than narrowed, so nobody is left guessing which proxy is trusted.
  const oldTrust = env.KETATRACK_TRUST_PROXY?.trim().toLowerCase();
  if (oldTrust && !['0', 'false', 'no', 'off'].includes(oldTrust)) {
    problems.push(
      'KETATRACK_TRUST_PROXY is no longer supported: it trusted forwarded headers from anyone. ' +
        "List your reverse proxy's addresses instead, e.g. KETATRACK_TRUSTED_PROXIES=127.0.0.1 " +
        '(or 10.0.0.0/8), and set KETATRACK_PUBLIC_URL',
    );
  }
  const trusted = parseTrustedProxies(env.KETATRACK_TRUSTED_PROXIES);
  problems.push(...trusted.problems);
  const publicUrl = env.KETATRACK_PUBLIC_URL?.trim() || undefined;
  if (publicUrl !== undefined && !isBaseUrl(publicUrl)) {
    problems.push(
      'KETATRACK_PUBLIC_URL must be an http(s) URL such as https://ketatrack.clinic.example',
    );
  }
  if (publicUrl === undefined && (trusted.proxies.length > 0 || trusted.problems.length > 0)) {
    problems.push(
      'KETATRACK_PUBLIC_URL is required when KETATRACK_TRUSTED_PROXIES is set: links sent to ' +
        'patients must not take their host from forwarded headers',
    );
  }
  const ttlHours = int('KETATRACK_SESSION_TTL_HOURS', 12, 1, 24 * 30);
  const idleMinutes = int('KETATRACK_SESSION_IDLE_MINUTES', 60, 5, 24 * 60);
  const maxFailures = int('KETATRACK_SIGNIN_MAX_FAILURES', 5, 1, 100);
  const lockoutMinutes = int('KETATRACK_SIGNIN_LOCKOUT_MINUTES', 15, 1, 24 * 60);
  const ratePerMinute = int('KETATRACK_SIGNIN_RATE_PER_MINUTE', 10, 1, 10_000);
  // Report workers: at least two, so one long report never queues another behind it.
  const workers = int('KETATRACK_WORKERS', Math.max(2, Math.min(4, cpus().length)), 1, 64);
  // A download whose client stops reading holds its worker until then (ADR 0021).
  const streamIdleSeconds = int('KETATRACK_STREAM_IDLE_SECONDS', 60, 1, 24 * 60 * 60);

  // 64 MiB of CSV is about 3.5 million score rows; an upload is streamed to disk and
  // checked in bounded memory, so the limit guards the disk and the time, not the heap.
  const importMaxBytes = int('KETATRACK_IMPORT_MAX_BYTES', 64 * 1024 * 1024, 1024, 2 ** 40);
  // Each upload holds up to importMaxBytes on disk and, while checked, a worker (ADR 0021).
  const importMaxConcurrent = int('KETATRACK_IMPORT_MAX_CONCURRENT', 2, 1, 64);

  const givenKey = env.KETATRACK_SECRET_KEY?.trim();
  if (givenKey !== undefined && givenKey !== '' && !/^[0-9a-fA-F]{64}$/.test(givenKey)) {
    problems.push('KETATRACK_SECRET_KEY must be 64 hexadecimal characters (32 bytes)');
  }

  if (problems.length > 0) throw new ConfigError(problems);

  const secretKey =
    givenKey !== undefined && givenKey !== ''
      ? Buffer.from(givenKey, 'hex')
      : readOrCreateSecret(dataDir, 'secret.key');

  return Object.freeze({
    port,
    host,
    dataDir,
    databaseUrl,
    logLevel: rawLevel,
    trustedProxies: trusted.proxies,
    publicUrl,
    secretKey,
    session: Object.freeze({ ttlHours, idleMinutes }),
    signIn: Object.freeze({ maxFailures, lockoutMinutes, ratePerMinute }),
    workers,
    streamIdleSeconds,
    importMaxBytes,
    importMaxConcurrent,
  });
}

/** An http(s) origin, optionally with a path; no credentials, query or fragment. */
function isBaseUrl(raw: string): boolean {
  if (!/^https?:\/\/[^\s/]+/.test(raw)) return false;
  try {
    const url = new URL(raw);
    return url.username === '' && url.password === '' && url.search === '' && url.hash === '';
  } catch {
    return false;
  }
}

function readOrCreateSecret(dataDir: string, name: string): Buffer {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, name);
  if (existsSync(file)) {
    const hex = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
      throw new ConfigError([`${file} is not a 64-character hex key; restore it from backup`]);
    }
    return Buffer.from(hex, 'hex');
  }
  const key = randomBytes(32);
  // 'wx' fails if another process created the file first; then use theirs.
  try {
    writeFileSync(file, `${key.toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
    chmodSync(file, 0o600);
    return key;
  } catch {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  }
}
