import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * The SQLite driver that works on the running Node.js (ADR 0015). better-sqlite3
 * 12 aborts on Node 24 when a statement is torn down after its environment (the
 * end of a worker thread or of the process); 13 is fine on 22 and 24 but crashes
 * on Node 20. Both are installed from the one lock file (13 under the npm alias
 * `better-sqlite3-13`); the API we use is the same in both.
 */
export type SqliteHandle = BetterSqlite3.Database;
export type SqliteOptions = BetterSqlite3.Options;
type SqliteConstructor = typeof BetterSqlite3;

export type SqliteDriverPackage = 'better-sqlite3' | 'better-sqlite3-13';

/** The package to load on a Node.js version such as `process.versions.node`. */
export function sqliteDriverFor(nodeVersion: string): SqliteDriverPackage {
  const major = Number(nodeVersion.split('.')[0]);
  if (!Number.isInteger(major)) throw new Error(`unreadable Node.js version ${nodeVersion}`);
  return major >= 22 ? 'better-sqlite3-13' : 'better-sqlite3';
}

export const SQLITE_DRIVER: SqliteDriverPackage = sqliteDriverFor(process.versions.node);

const requireDriver = createRequire(import.meta.url);
let driver: SqliteConstructor | undefined;

/** Opens a SQLite file (or `:memory:`) with the driver chosen for this runtime. */
export function openSqlite(path: string, options?: SqliteOptions): SqliteHandle {
  // Loaded on first use only, so commands that never touch SQLite do not pay for it.
  driver ??= requireDriver(SQLITE_DRIVER) as SqliteConstructor;
  return new driver(path, options);
}
