import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase, type Database } from '../../src/db/database.js';
import { GroupCommit } from '../../src/db/group-commit.js';
import { openSqlite, type SqliteHandle } from '../../src/db/sqlite-driver.js';
import { tempDir } from '../helpers/test-deps.js';

// Another process (the CLI importing, a backup tool) may write the same SQLite file
// while the server runs. A deferred transaction that reads and then writes would fail
// with SQLITE_BUSY_SNAPSHOT if the other writer committed in between; ours take the
// write lock when they begin, so that interleaving cannot happen.
describe('SQLite transactions and other writers', () => {
  let database: Database | undefined;
  let other: SqliteHandle | undefined;
  afterEach(async () => {
    other?.close();
    await database?.close();
  });

  it('holds the write lock from the start, so a read-then-write transaction cannot go stale', async () => {
    const path = join(tempDir(), 'lock.sqlite');
    database = openDatabase({ sqlitePath: path });
    await migrateToLatest(database);
    other = openSqlite(path);
    other.pragma('busy_timeout = 0');
    const otherWrite = () =>
      other
        ?.prepare(`insert into sites (id, name, created_at) values (?, ?, ?)`)
        .run(`site-${Math.random()}`, `Other process ${Math.random()}`, new Date().toISOString());

    let refused: unknown = null;
    await database.db.transaction().execute(async (trx) => {
      await sql`select count(*) as n from sites`.execute(trx);
      // Another connection tries to commit between our read and our write.
      try {
        otherWrite();
      } catch (e) {
        refused = e;
      }
      await sql`insert into sites (id, name, created_at) values ('ours', 'Ours', '2026-12-03T00:00:00Z')`.execute(
        trx,
      );
    });
    expect((refused as { code?: string } | null)?.code).toBe('SQLITE_BUSY');
    // Once we have committed, the other writer goes ahead.
    otherWrite();
    const n = await sql<{ n: number }>`select count(*) as n from sites`.execute(database.db);
    expect(n.rows[0]?.n).toBe(2);
  });

  const insertSite = (id: string) =>
    sql`insert into sites (id, name, created_at) values (${id}, ${id}, '2026-12-03T00:00:00Z')`;

  it('waits for another process’s write lock on timers, leaving the event loop free, then commits', async () => {
    const path = join(tempDir(), 'wait.sqlite');
    database = openDatabase({ sqlitePath: path });
    await migrateToLatest(database);
    other = openSqlite(path);
    other.exec('begin immediate');
    const before = database.commits.stats().lockWaits;
    let settled = false;
    const write = database.commits.run((trx) => insertSite('waited').execute(trx));
    void write.finally(() => (settled = true));
    // While the other process holds the lock, timers on this thread keep firing.
    let ticks = 0;
    const started = performance.now();
    while (performance.now() - started < 150) {
      await new Promise((r) => setTimeout(r, 5));
      ticks += 1;
    }
    expect(ticks).toBeGreaterThan(10);
    expect(settled).toBe(false);
    expect(database.commits.stats().lockWaits).toBeGreaterThan(before);
    other.exec('commit');
    await write;
    const n = await sql<{ n: number }>`select count(*) as n from sites where id = 'waited'`.execute(
      database.db,
    );
    expect(n.rows[0]?.n).toBe(1);
    // The connection's own busy timeout is back for writes outside a batch.
    expect(database.sqlite?.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('gives up with SQLITE_BUSY once the lock has been held past the wait limit', async () => {
    const path = join(tempDir(), 'give-up.sqlite');
    database = openDatabase({ sqlitePath: path });
    await migrateToLatest(database);
    other = openSqlite(path);
    other.exec('begin immediate');
    const commits = new GroupCommit(database.db, 'begin immediate', {
      beforeBatch: ['pragma busy_timeout = 0'],
      afterBatch: ['pragma busy_timeout = 5000'],
      sync: () => Promise.resolve(),
      isBusy: (e) => (e as { code?: unknown }).code === 'SQLITE_BUSY',
      lockWaitMs: 60,
    });
    await expect(commits.run((trx) => insertSite('never').execute(trx))).rejects.toMatchObject({
      code: 'SQLITE_BUSY',
    });
    expect(commits.stats().lockWaits).toBeGreaterThan(0);
    other.exec('rollback');
    // Nothing was written, and the next unit goes through.
    await commits.run((trx) => insertSite('after').execute(trx));
    const rows = await sql<{ id: string }>`select id from sites order by id`.execute(database.db);
    expect(rows.rows.map((r) => r.id)).toEqual(['after']);
  });
});
