import { join } from 'node:path';
import { sql } from 'kysely';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase, type Database } from '../../src/db/database.js';
import { openSqlite } from '../../src/db/sqlite-driver.js';
import { tempDir } from '../helpers/test-deps.js';
import { until, within } from '../helpers/waiting.js';

// SQLite only: WAL checkpoints are SQLite's. The server's connection never
// checkpoints on commit (that copied pages and fsynced the database file on the event
// loop); a worker thread does it shortly after commits (ADR 0022).
describe('SQLite WAL checkpoints in their own thread', () => {
  let database: Database | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  const writeSites = async (db: Database, n: number, prefix: string) => {
    // Enough pages to pass SQLite's automatic checkpoint threshold (1,000 pages).
    const padding = 'x'.repeat(4000);
    for (let i = 0; i < n; i += 100)
      await db.commits.run(async (trx) => {
        for (let j = i; j < Math.min(n, i + 100); j++)
          await sql`insert into sites (id, name, created_at) values (${`${prefix}-${j}`}, ${`${prefix} ${j} ${padding}`}, '2026-12-03T00:00:00Z')`.execute(
            trx,
          );
      });
  };

  it('turns off checkpoints on commit and checkpoints the whole WAL from the worker', async () => {
    const path = join(tempDir(), 'ckpt.sqlite');
    database = openDatabase({ sqlitePath: path, backgroundCheckpoints: true });
    await migrateToLatest(database);
    expect(database.sqlite?.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await writeSites(database, 1500, 'a');
    // The worker's checkpoint follows the commits by itself.
    const checkpointer = database.checkpointer;
    if (!checkpointer) throw new Error('no checkpointer');
    for (let i = 0; i < 100 && checkpointer.stats().checkpoints === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    await checkpointer.checkpoint();
    const stats = checkpointer.stats();
    expect(stats.failures).toBe(0);
    expect(stats.lastFramesInLog).toBeGreaterThan(1000);
    // No reader held an older snapshot: every frame went back into the database file.
    expect(stats.lastFramesCheckpointed).toBe(stats.lastFramesInLog);
    // And another connection reads them all.
    const other = openSqlite(path, { readonly: true });
    try {
      const n = other.prepare(`select count(*) as n from sites where id like 'a-%'`).get() as {
        n: number;
      };
      expect(n.n).toBe(1500);
    } finally {
      other.close();
    }
  });

  it('leaves checkpoints on commit to SQLite where nobody asked otherwise (the command line)', async () => {
    database = openDatabase({ sqlitePath: join(tempDir(), 'cli.sqlite') });
    await migrateToLatest(database);
    expect(database.checkpointer).toBeUndefined();
    expect(database.sqlite?.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('keeps every acknowledged row across a close and reopen', async () => {
    const path = join(tempDir(), 'reopen.sqlite');
    database = openDatabase({ sqlitePath: path, backgroundCheckpoints: true });
    await migrateToLatest(database);
    await writeSites(database, 1200, 'b');
    await database.close();
    database = openDatabase({ sqlitePath: path });
    const n = await sql<{ n: number }>`select count(*) as n from sites where id like 'b-%'`.execute(
      database.db,
    );
    expect(n.rows[0]?.n).toBe(1200);
  });

  it('turns SQLite’s own checkpoints back on if the worker stops, and still closes', async () => {
    database = openDatabase({
      sqlitePath: join(tempDir(), 'stopped.sqlite'),
      backgroundCheckpoints: true,
    });
    await migrateToLatest(database);
    const { checkpointer } = database;
    if (!checkpointer) throw new Error('no checkpointer');
    // The thread dies (out of memory, a crash in the driver): nothing is left to checkpoint.
    await within(
      (checkpointer as unknown as { worker: Worker }).worker.terminate(),
      30_000,
      'the checkpoint worker still running',
    );
    const db = database;
    await until(
      () => db.sqlite?.pragma('wal_autocheckpoint', { simple: true }) === 1000,
      "SQLite's own checkpoints back on",
    );
    await within(checkpointer.checkpoint(), 30_000, 'a checkpoint still waiting for a dead worker');
    expect(checkpointer.stats().checkpoints).toBe(0);
    await writeSites(database, 10, 'c');
    await within(database.close(), 30_000, 'the database still closing');
    database = undefined;
  });
});
