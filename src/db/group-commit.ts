import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { DB } from './schema.js';

export interface GroupCommitLimits {
  /** Most units of work one commit carries. */
  readonly maxUnits: number;
  /**
   * Once a batch has run this long, it takes no further units: it commits and the
   * rest wait for the next one, so one slow unit never makes a queue of them late.
   */
  readonly maxBatchMs: number;
}

export const DEFAULT_GROUP_COMMIT_LIMITS: GroupCommitLimits = { maxUnits: 256, maxBatchMs: 4 };

/**
 * How a dialect makes a commit durable when COMMIT itself does not wait for the
 * disk. SQLite: the batch commits with synchronous=NORMAL (no fsync on the event
 * loop) and `sync` then fsyncs the WAL file in libuv's thread pool; units settle
 * only after it. PostgreSQL needs none: its COMMIT returns once the WAL is flushed.
 */
export interface Durability {
  /** Statements run on the connection before BEGIN and after COMMIT or ROLLBACK. */
  readonly beforeBatch: readonly string[];
  readonly afterBatch: readonly string[];
  /** Makes every commit that has returned so far durable. */
  sync(): Promise<void>;
  /**
   * SQLite: whether an error from BEGIN means another process holds the write lock.
   * `beforeBatch` then sets the connection's busy timeout to zero, so the wait is
   * not spent blocking the event loop inside SQLite: the batch gives the connection
   * back, waits a little on a timer and tries again (for at most `lockWaitMs`).
   */
  isBusy?(e: unknown): boolean;
  readonly lockWaitMs?: number;
}

export interface GroupCommitStats {
  /** Commits issued. */
  readonly commits: number;
  /** fsyncs issued off the event loop (each may cover several commits). */
  readonly syncs: number;
  /** Units of work that committed. */
  readonly committedUnits: number;
  /** Units of work that failed and were rolled back to their savepoint. */
  readonly failedUnits: number;
  /** The largest number of units one commit carried. */
  readonly largestBatch: number;
  /** Times a batch found the write lock held by another process and waited on a timer. */
  readonly lockWaits: number;
}

/** The counters of a fresh `UnitsOfWork`. */
export function noUnitsYet(): { -readonly [K in keyof GroupCommitStats]: number } {
  return {
    commits: 0,
    syncs: 0,
    committedUnits: 0,
    failedUnits: 0,
    largestBatch: 0,
    lockWaits: 0,
  };
}

export type Work<T> = (trx: Kysely<DB>) => Promise<T>;

export interface RunOptions {
  /**
   * Background work (recomputing stored outcomes): on SQLite a batch takes at most one
   * background unit, and only once no interactive unit is waiting, so a chairside write
   * waits for at most one short background unit rather than a queue of them. Split
   * long background writes into several such units. PostgreSQL runs every unit side by
   * side and ignores it.
   */
  readonly background?: boolean;
}

/** Where use cases run their transactions: `GroupCommit` or `TransactionPerUnit`. */
export interface UnitsOfWork {
  /** Runs `work` in a transaction (or a savepoint of one); resolves once it is durable. */
  run<T>(work: Work<T>, options?: RunOptions): Promise<T>;
  stats(): GroupCommitStats;
  /** Resolves once nothing is running or waiting (shutdown, tests). */
  whenIdle(): Promise<void>;
}

interface Unit {
  readonly work: Work<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
  result?: unknown;
}

interface Scope {
  readonly trx: Kysely<DB>;
  open: boolean;
}

// One name serves: units follow one another, each released before the next. Compiled
// once: these run around every unit of work.
const SAVEPOINT = CompiledQuery.raw('savepoint unit');
const ROLLBACK_TO_SAVEPOINT = CompiledQuery.raw('rollback to savepoint unit');
const RELEASE_SAVEPOINT = CompiledQuery.raw('release savepoint unit');
const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');

/**
 * Group commit (issue 10, ADR 0017). Units of work submitted while a batch is
 * being assembled or committed share one database transaction and one commit:
 * each runs in its own SAVEPOINT, so a unit that throws is rolled back alone and
 * the others go on. A unit's promise resolves only once the commit that holds its
 * writes is durable (after the dialect's `sync`, when it has one). Units run one
 * after the other on one connection, so anything they read (the audit chain's
 * head) includes the units before them in the batch, in commit order.
 *
 * A unit that submits another unit while it runs (a use case calling a use case)
 * gets it run inline in a nested savepoint of the same transaction, rather than
 * queued behind the batch it is part of (which would never finish).
 */
export class GroupCommit implements UnitsOfWork {
  private readonly queue: Unit[] = [];
  /** Background units (RunOptions), taken one per batch when no interactive unit waits. */
  private readonly backgroundQueue: Unit[] = [];
  private scheduled = false;
  private busy = false;
  private readonly scope = new AsyncLocalStorage<Scope>();
  private readonly idleWaiters: (() => void)[] = [];
  private counts = noUnitsYet();
  /** Units whose batch has committed, waiting for the next sync to cover them. */
  private awaitingSync: Unit[] = [];
  private syncing = false;

  constructor(
    private readonly db: Kysely<DB>,
    /** SQLite: take the write lock when the batch starts, not at its first write. */
    private readonly beginStatement: 'begin' | 'begin immediate',
    private readonly durability: Durability | null,
    private readonly limits: GroupCommitLimits = DEFAULT_GROUP_COMMIT_LIMITS,
  ) {
    this.begin = CompiledQuery.raw(beginStatement);
    this.beforeBatch = (durability?.beforeBatch ?? []).map((stmt) => CompiledQuery.raw(stmt));
    this.afterBatch = (durability?.afterBatch ?? []).map((stmt) => CompiledQuery.raw(stmt));
  }

  /** The statements every batch runs, compiled once. */
  private readonly begin: CompiledQuery;
  private readonly beforeBatch: readonly CompiledQuery[];
  private readonly afterBatch: readonly CompiledQuery[];

  run<T>(work: Work<T>, options: RunOptions = {}): Promise<T> {
    const inside = this.scope.getStore();
    if (inside?.open) return this.nested(inside.trx, work);
    return new Promise<T>((resolve, reject) => {
      (options.background ? this.backgroundQueue : this.queue).push({
        work,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      this.schedule();
    });
  }

  stats(): GroupCommitStats {
    return { ...this.counts };
  }

  /** Resolves once nothing is queued, committing or waiting for its sync (shutdown, tests). */
  whenIdle(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private idle(): boolean {
    return (
      !this.busy &&
      !this.scheduled &&
      !this.syncing &&
      this.queue.length === 0 &&
      this.backgroundQueue.length === 0 &&
      this.awaitingSync.length === 0
    );
  }

  private wakeIdleWaiters(): void {
    if (this.idle()) for (const w of this.idleWaiters.splice(0)) w();
  }

  /**
   * The first unit waits one turn of the event loop (setImmediate) so that the
   * requests that arrived with it reach this queue too; while a batch commits,
   * newcomers queue for the next one.
   */
  private schedule(): void {
    if (this.scheduled || this.busy) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.busy = true;
      void this.batch().finally(() => {
        this.busy = false;
        if (this.queue.length > 0 || this.backgroundQueue.length > 0) this.schedule();
        else this.wakeIdleWaiters();
      });
    });
  }

  /**
   * Runs one batch; when another process holds the write lock (SQLite), waits for it
   * on timers, with the connection free for other queries meanwhile.
   */
  private async batch(): Promise<void> {
    const waitUntil = performance.now() + (this.durability?.lockWaitMs ?? 0);
    for (let attempt = 1; ; attempt++) {
      const busy = await this.tryBatch(performance.now() >= waitUntil);
      if (!busy) return;
      this.counts.lockWaits += 1;
      await new Promise((r) => setTimeout(r, Math.min(attempt, 10)));
    }
  }

  /** Returns true, having done nothing, if BEGIN found the write lock taken and `lastTry` is false. */
  private async tryBatch(lastTry: boolean): Promise<boolean> {
    let started = performance.now();
    const done: Unit[] = [];
    let failed = 0;
    let busy = false;
    try {
      await this.db.connection().execute(async (conn) => {
        for (const stmt of this.beforeBatch) await conn.executeQuery(stmt);
        try {
          try {
            await conn.executeQuery(this.begin);
          } catch (e) {
            if (!lastTry && this.durability?.isBusy?.(e)) {
              busy = true;
              return;
            }
            throw e;
          }
          started = performance.now();
          let tookBackground = false;
          for (;;) {
            if (done.length + failed >= this.limits.maxUnits) break;
            if (done.length + failed > 0 && performance.now() - started >= this.limits.maxBatchMs)
              break;
            let unit = this.queue.shift();
            if (!unit && !tookBackground) {
              unit = this.backgroundQueue.shift();
              tookBackground = unit !== undefined;
            }
            if (!unit) break;
            await conn.executeQuery(SAVEPOINT);
            // The unit's own scope: a promise it leaves running that submits a unit
            // after it has finished is queued, not run inside whichever unit is current.
            const unitScope: Scope = { trx: conn, open: true };
            try {
              unit.result = await this.scope.run(unitScope, () => unit.work(conn));
            } catch (e) {
              unitScope.open = false;
              failed += 1;
              unit.reject(e);
              // If this throws, the transaction itself is broken: the catch below fails the batch.
              await conn.executeQuery(ROLLBACK_TO_SAVEPOINT);
              await conn.executeQuery(RELEASE_SAVEPOINT);
              continue;
            }
            unitScope.open = false;
            await conn.executeQuery(RELEASE_SAVEPOINT);
            done.push(unit);
          }
          await conn.executeQuery(COMMIT);
        } catch (e) {
          await conn.executeQuery(ROLLBACK).catch(() => undefined);
          throw e;
        } finally {
          for (const stmt of this.afterBatch) await conn.executeQuery(stmt);
        }
      });
    } catch (e) {
      // Nothing of this batch was committed: every unit that had succeeded fails with it.
      this.counts.failedUnits += failed + done.length;
      for (const unit of done) unit.reject(e);
      // No unit could even start (no connection, BEGIN refused): fail the waiting ones
      // too rather than retrying in a tight loop; each caller sees the error.
      if (done.length + failed === 0)
        for (const unit of [...this.queue.splice(0), ...this.backgroundQueue.splice(0)])
          unit.reject(e);
      return false;
    }
    if (busy) return true;
    this.counts.commits += 1;
    this.counts.committedUnits += done.length;
    this.counts.failedUnits += failed;
    this.counts.largestBatch = Math.max(this.counts.largestBatch, done.length);
    if (!this.durability) {
      for (const unit of done) unit.resolve(unit.result);
      return false;
    }
    this.awaitingSync.push(...done);
    this.startSync();
    return false;
  }

  /**
   * One fsync at a time; batches that commit while it runs wait for the next one,
   * which covers all of them (an fsync started after a commit returned makes it durable).
   */
  private startSync(): void {
    if (this.syncing || this.awaitingSync.length === 0 || !this.durability) return;
    this.syncing = true;
    const covered = this.awaitingSync.splice(0);
    this.counts.syncs += 1;
    void this.durability
      .sync()
      .then(
        () => {
          for (const unit of covered) unit.resolve(unit.result);
        },
        (e: unknown) => {
          // Committed but not known to be on disk: the callers are told it failed.
          for (const unit of covered) unit.reject(e);
        },
      )
      .finally(() => {
        this.syncing = false;
        this.startSync();
        this.wakeIdleWaiters();
      });
  }

  private async nested<T>(trx: Kysely<DB>, work: Work<T>): Promise<T> {
    // Savepoints nest like a stack; ROLLBACK TO and RELEASE name the innermost of a name.
    const name = 'nested_unit';
    await sql.raw(`savepoint ${name}`).execute(trx);
    try {
      const result = await work(trx);
      await sql.raw(`release savepoint ${name}`).execute(trx);
      return result;
    } catch (e) {
      await sql.raw(`rollback to savepoint ${name}`).execute(trx);
      await sql.raw(`release savepoint ${name}`).execute(trx);
      throw e;
    }
  }
}
