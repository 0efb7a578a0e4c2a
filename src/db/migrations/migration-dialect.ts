import { PostgresAdapter, type Kysely } from 'kysely';

/** Migrations are frozen in time, so they ask the connection, not app code, which dialect runs. */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
