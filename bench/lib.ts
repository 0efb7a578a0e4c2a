import pg from 'pg';

/**
 * Where a bench keeps its data on PostgreSQL: a fresh schema in KETATRACK_TEST_PG_URL's
 * database (default postgres://postgres@127.0.0.1:5432/test), named by a URL whose
 * search_path selects it (what a server or CLI child process is given), dropped after.
 * On SQLite there is nothing to set up.
 */
export interface BenchStore {
  /** DATABASE_URL for PostgreSQL; undefined for SQLite. */
  readonly databaseUrl: string | undefined;
  readonly pgBase: string;
  readonly schema: string;
  drop(): Promise<void>;
}

export async function benchStore(dialect: string, prefix = 'bench'): Promise<BenchStore> {
  const pgBase = process.env.KETATRACK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `${prefix}_${Date.now().toString(36)}`;
  if (dialect !== 'postgres')
    return { databaseUrl: undefined, pgBase, schema, drop: () => Promise.resolve() };
  const admin = async (statement: string) => {
    const c = new pg.Client({ connectionString: pgBase });
    await c.connect();
    await c.query(statement);
    await c.end();
  };
  await admin(`create schema ${schema}`);
  const u = new URL(pgBase);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return {
    databaseUrl: u.toString(),
    pgBase,
    schema,
    drop: () => admin(`drop schema ${schema} cascade`),
  };
}
