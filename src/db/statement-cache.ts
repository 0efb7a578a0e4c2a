import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * The better-sqlite3 handle as Kysely's SQLite dialect sees it, with prepared
 * statements kept by their SQL text. Kysely prepares every query anew; a request
 * runs the same few dozen statements each time, and preparing them was a tenth of
 * the server's CPU in bench/throughput.ts (ADR 0017). A statement still being
 * iterated (a streamed query) is not handed out again: a fresh one is prepared.
 */
export function withStatementCache(
  handle: BetterSqlite3.Database,
  capacity = 1000,
): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      cache.clear();
      handle.close();
    },
    prepare: (sql) => {
      const cached = cache.get(sql);
      if (cached && !cached.busy) {
        // Most recently used last, so the first key is the one to drop.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = handle.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > capacity) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      return statement;
    },
  };
}
