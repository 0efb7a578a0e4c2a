import './provided-context.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import {
  migrateToLatest,
  openDatabase,
  type Database,
  type Dialect,
} from '../../src/db/database.js';
import { createDeps } from '../../src/services/create-deps.js';
import type { Clock, Deps } from '../../src/services/deps.js';

export const TEST_SECRET_KEY = 'a'.repeat(64);

export function tempDir(prefix = 'kt-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Dialects this run can test: SQLite always, PostgreSQL when its server answered. */
export function dialects(): Dialect[] {
  return inject('pgUrl') ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** Worker pools made for a database, closed when it is dropped. */
const jobsOf = new WeakMap<Database, (() => Promise<void>)[]>();

async function closeJobs(database: Database): Promise<void> {
  await Promise.all((jobsOf.get(database) ?? []).map((close) => close()));
}

export interface TestDatabase {
  database: Database;
  drop(): Promise<void>;
}

/** A fresh, migrated database: a temp SQLite file, or a new PostgreSQL schema. */
export async function openTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const database = openDatabase({ sqlitePath: join(tempDir(), 'test.sqlite') });
    await migrateToLatest(database);
    return {
      database,
      drop: async () => {
        await closeJobs(database);
        await database.close();
      },
    };
  }
  const url = inject('pgUrl');
  if (!url) throw new Error('PostgreSQL not available');
  const schema = `kt_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const database = openDatabase({ databaseUrl: url, pgSchema: schema, pgPoolSize: 4 });
  await migrateToLatest(database);
  return {
    database,
    drop: async () => {
      await closeJobs(database);
      await database.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}

export class TestClock implements Clock {
  constructor(private current: Date = new Date('2026-11-27T10:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export function testDeps(
  database: Database,
  clock: Clock = new TestClock(),
  env: Record<string, string> = {},
): Deps {
  const config = loadConfig({
    KETATRACK_DATA_DIR: tempDir(),
    KETATRACK_SECRET_KEY: TEST_SECRET_KEY,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const log = { info: () => {}, warn: () => {}, error: () => {} };
  const deps = createDeps({ database, clock, config, log, workers: true });
  const closers = jobsOf.get(database) ?? [];
  closers.push(() => deps.jobs.close());
  jobsOf.set(database, closers);
  return deps;
}
