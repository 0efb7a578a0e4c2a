import pg from 'pg';
import type { TestProject } from 'vitest/node';
import './provided-context.js';

export const DEFAULT_TEST_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Finds the PostgreSQL server for the dialect suites. Under CI=true a missing
 * server fails the run; elsewhere the PostgreSQL half is skipped with a loud
 * message, and the SQLite half still runs.
 */
export default async function setup(project: TestProject): Promise<void> {
  const url = process.env.KETATRACK_TEST_PG_URL || DEFAULT_TEST_PG_URL;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    project.provide('pgUrl', url);
  } catch (error) {
    const why = `PostgreSQL test database not reachable at ${url}: ${(error as Error).message}`;
    if (process.env.CI === 'true')
      throw new Error(`${why}. CI requires it (set KETATRACK_TEST_PG_URL).`);
    console.warn(
      `\n!!!!!!!!\n!! ${why}\n!! The PostgreSQL half of the integration suite is SKIPPED.\n!! Start PostgreSQL or set KETATRACK_TEST_PG_URL to run it.\n!!!!!!!!\n`,
    );
    project.provide('pgUrl', null);
  } finally {
    await client.end().catch(() => {});
  }
}
