import { AsyncLocalStorage } from 'node:async_hooks';
import { sql, type Kysely } from 'kysely';
import {
  noUnitsYet,
  type GroupCommitStats,
  type RunOptions,
  type UnitsOfWork,
  type Work,
} from './group-commit.js';
import type { DB } from './schema.js';

/**
 * One transaction per unit of work, each on its own pooled connection, running side
 * by side (PostgreSQL; ADR 0017 records why it does not batch). COMMIT returns once
 * PostgreSQL has flushed the commit to its WAL, so a resolved unit is durable. A unit
 * started from inside another one's work joins that transaction in a savepoint
 * (Kysely's nested transaction) rather than taking a second connection.
 */
export class TransactionPerUnit implements UnitsOfWork {
  private readonly scope = new AsyncLocalStorage<{ trx: Kysely<DB>; open: boolean }>();
  private running = 0;
  private readonly idleWaiters: (() => void)[] = [];
  private counts = noUnitsYet();

  constructor(private readonly db: Kysely<DB>) {}

  /** `options.background` changes nothing here: units run side by side. */
  async run<T>(work: Work<T>, _options?: RunOptions): Promise<T> {
    const outer = this.scope.getStore();
    if (outer?.open) return this.nested(outer.trx, work);
    this.running += 1;
    try {
      // Closed when the unit ends: a promise it left running that starts a unit later
      // gets a transaction of its own, not this finished one.
      const result = await this.db.transaction().execute(async (trx) => {
        const scope = { trx, open: true };
        try {
          return await this.scope.run(scope, () => work(trx));
        } finally {
          scope.open = false;
        }
      });
      this.counts.commits += 1;
      this.counts.committedUnits += 1;
      this.counts.largestBatch = 1;
      return result;
    } catch (e) {
      this.counts.failedUnits += 1;
      throw e;
    } finally {
      this.running -= 1;
      if (this.running === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  stats(): GroupCommitStats {
    return { ...this.counts };
  }

  whenIdle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async nested<T>(trx: Kysely<DB>, work: Work<T>): Promise<T> {
    await sql.raw('savepoint nested_unit').execute(trx);
    try {
      const result = await work(trx);
      await sql.raw('release savepoint nested_unit').execute(trx);
      return result;
    } catch (e) {
      await sql.raw('rollback to savepoint nested_unit').execute(trx);
      await sql.raw('release savepoint nested_unit').execute(trx);
      throw e;
    }
  }
}
