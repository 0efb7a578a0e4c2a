import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase, type Database } from '../../src/db/database.js';
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
});
