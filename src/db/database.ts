import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  CompiledQuery,
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  sql,
  type DatabaseConnection,
  type Driver,
  type MigrationResultSet,
  type SqliteDialectConfig,
} from 'kysely';
import pg from 'pg';
import { MIGRATIONS } from './migrations/index.js';
import type { DB } from './schema.js';
import { openSqlite, type SqliteHandle } from './sqlite-driver.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  readonly db: Kysely<DB>;
  readonly dialect: Dialect;
  /** Where the data lives, for messages: a file path or the PostgreSQL host/database. */
  readonly location: string;
  /** The raw SQLite handle (online backup), when the dialect is SQLite. */
  readonly sqlite: SqliteHandle | undefined;
  /** How it was opened, so a worker thread can open its own connection to the same data. */
  readonly options: DatabaseOptions;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL connection string; when absent, SQLite at `sqlitePath`. */
  readonly databaseUrl?: string | undefined;
  readonly sqlitePath?: string;
  /** PostgreSQL schema to use (tests isolate themselves in their own schema). */
  readonly pgSchema?: string;
  readonly pgPoolSize?: number;
  /** A connection that only reads (report workers): SQLite refuses writes on it. */
  readonly readOnly?: boolean;
}

/**
 * SQLite transactions begin IMMEDIATE: the write lock is taken (waiting up to the
 * busy timeout) before the first read. A deferred transaction that reads and then
 * writes fails at once with SQLITE_BUSY_SNAPSHOT when another connection (the CLI
 * importing in another process, say) committed in between, which the busy timeout
 * cannot help.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

export function sqlitePathFor(dataDir: string): string {
  return join(dataDir, 'ketatrack.sqlite');
}

// Return PostgreSQL bigint (int8, e.g. audit seq, count(*)) as a JS number; our values stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export function openDatabase(options: DatabaseOptions): Database {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.pgPoolSize ?? 10,
      ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}),
    });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    const url = new URL(options.databaseUrl);
    return {
      db,
      dialect: 'postgres',
      location: `postgresql://${url.host}${url.pathname}${options.pgSchema ? ` (schema ${options.pgSchema})` : ''}`,
      sqlite: undefined,
      options,
      close: () => db.destroy(),
    };
  }
  const path = options.sqlitePath ?? ':memory:';
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const handle = openSqlite(path);
  // WAL for concurrent readers; synchronous=FULL so an acknowledged commit
  // survives power loss, not only a process crash (docs/adr/0004-dialects.md).
  handle.pragma('journal_mode = WAL');
  handle.pragma('synchronous = FULL');
  handle.pragma('foreign_keys = ON');
  handle.pragma('busy_timeout = 5000');
  if (options.readOnly) handle.pragma('query_only = ON');
  const db = new Kysely<DB>({
    dialect: options.readOnly
      ? new SqliteDialect({ database: handle })
      : new ImmediateSqliteDialect({ database: handle }),
  });
  return {
    db,
    dialect: 'sqlite',
    location: path,
    sqlite: handle,
    options,
    close: () => db.destroy(),
  };
}

export async function migrateToLatest(database: Database): Promise<MigrationResultSet> {
  // Kysely looks for its migration tables in every schema unless told which: with
  // several schemas in one database (tests, shared servers) it could find another
  // schema's and skip creating its own. On PostgreSQL name ours: the schema the
  // connection works in (set by pgSchema or by the URL's search_path; public by default).
  const schema =
    database.dialect === 'postgres'
      ? (database.options.pgSchema ??
        (await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db))
          .rows[0]?.schema)
      : undefined;
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: () => Promise.resolve({ ...MIGRATIONS }) },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const result = await migrator.migrateToLatest();
  if (result.error)
    throw result.error instanceof Error
      ? result.error
      : new Error(`migration failed: ${JSON.stringify(result.error)}`);
  return result;
}

export async function isReachable(database: Database): Promise<boolean> {
  try {
    await sql`select 1`.execute(database.db);
    return true;
  } catch {
    return false;
  }
}
