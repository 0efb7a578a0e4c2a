import { mkdirSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
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
import { GroupCommit, type Durability, type UnitsOfWork } from './group-commit.js';
import { MIGRATIONS } from './migrations/index.js';
import { withStatementCache } from './statement-cache.js';
import { TransactionPerUnit } from './transaction-per-unit.js';
import { WalCheckpointer } from './wal-checkpointer.js';
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
  /**
   * Where use cases run their transactions (ADR 0017): on SQLite a group commit that
   * shares one transaction and one fsync among concurrent use cases; on PostgreSQL a
   * transaction each from the pool.
   */
  readonly commits: UnitsOfWork;
  /** SQLite with `backgroundCheckpoints`: the thread that checkpoints the WAL. */
  readonly checkpointer?: WalCheckpointer | undefined;
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
  /**
   * SQLite, the server: WAL checkpoints run in a worker thread rather than on the
   * connection that commits (wal-checkpointer.ts, ADR 0022).
   */
  readonly backgroundCheckpoints?: boolean;
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

/** How long a write waits for another process's write lock before it fails. */
const BUSY_TIMEOUT_MS = 5000;

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
    // Measured (bench/throughput.ts): batching on one connection made audited reads
    // faster but vitals writes slower here, and would hold every write behind a long
    // use case; a transaction each keeps PostgreSQL's concurrency (ADR 0017).
    const commits = new TransactionPerUnit(db);
    return {
      db,
      dialect: 'postgres',
      location: `postgresql://${url.host}${url.pathname}${options.pgSchema ? ` (schema ${options.pgSchema})` : ''}`,
      sqlite: undefined,
      options,
      commits,
      close: async () => {
        await commits.whenIdle();
        await db.destroy();
      },
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
  handle.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (options.readOnly) handle.pragma('query_only = ON');
  const db = new Kysely<DB>({
    // Any other transaction (db.transaction()) begins IMMEDIATE as well.
    dialect: options.readOnly
      ? new SqliteDialect({ database: withStatementCache(handle) })
      : new ImmediateSqliteDialect({ database: withStatementCache(handle) }),
  });
  // BEGIN IMMEDIATE: a batch takes the write lock before its first unit runs, so it
  // cannot fail half-way when another process (the CLI) holds it.
  const checkpointer =
    options.backgroundCheckpoints && !options.readOnly && path !== ':memory:'
      ? new WalCheckpointer(
          path,
          (message) => process.emitWarning(message),
          // Without its thread the WAL would only grow: SQLite checkpoints on commit again.
          () => handle.pragma('wal_autocheckpoint = 1000'),
        )
      : undefined;
  // Checkpoints happen in the checkpointer's thread, never on this connection's commits.
  if (checkpointer) handle.pragma('wal_autocheckpoint = 0');
  const durability = path === ':memory:' ? null : walDurability(path, checkpointer);
  const commits = new GroupCommit(db, 'begin immediate', durability?.durability ?? null);
  return {
    db,
    dialect: 'sqlite',
    location: path,
    sqlite: handle,
    options,
    commits,
    checkpointer,
    close: async () => {
      await commits.whenIdle();
      await checkpointer?.close();
      await durability?.close();
      await db.destroy();
    },
  };
}

async function fsyncFile(path: string): Promise<void> {
  const file = await open(path, 'r');
  try {
    await file.sync();
  } finally {
    await file.close();
  }
}

/**
 * Group commits on SQLite commit with synchronous=NORMAL, which in WAL mode writes
 * the commit to the WAL without an fsync, and then fsync the WAL in the thread
 * pool: the same guarantee as synchronous=FULL (ADR 0004) without holding the event
 * loop for the disk. If the WAL is gone (checkpointed away), its pages are in the
 * database file, which a completed checkpoint has synced; syncing it again is cheap.
 * Every other write on this connection keeps synchronous=FULL.
 */
function walDurability(
  path: string,
  checkpointer: WalCheckpointer | undefined,
): { durability: Durability; close(): Promise<void> } {
  // The WAL file stays open for syncing: opening and closing it around every fsync
  // were two more trips through the thread pool per batch. SQLite keeps the same file
  // (it restarts or truncates it after a checkpoint, never replaces it) while this
  // process holds a connection, which it does until `close`.
  let wal: FileHandle | null = null;
  return {
    durability: {
      // busy_timeout 0 while a batch starts: when another process (an import from the
      // command line) holds the write lock, BEGIN fails at once and the batch waits on a
      // timer instead of SQLite sleeping on the event loop (group-commit.ts).
      beforeBatch: ['pragma synchronous = NORMAL', 'pragma busy_timeout = 0'],
      afterBatch: ['pragma synchronous = FULL', `pragma busy_timeout = ${BUSY_TIMEOUT_MS}`],
      isBusy: (e) => (e as { code?: unknown }).code === 'SQLITE_BUSY',
      lockWaitMs: BUSY_TIMEOUT_MS,
      sync: async () => {
        if (!wal) {
          try {
            wal = await open(`${path}-wal`, 'r');
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
            // No WAL (checkpointed away by the last connection of another process):
            // the pages are in the database file; sync that.
            await fsyncFile(path);
            return;
          }
        }
        await wal.sync();
        checkpointer?.committed();
      },
    },
    close: async () => {
      const handle = wal;
      wal = null;
      await handle?.close();
    },
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
