import {
  replaceCourseOutcomes,
  staleCourseBatch,
  stillStale,
  type CourseOutcomeRows,
} from '../../db/repositories/course-outcome.repository.js';
import type { Background, Deps } from '../deps.js';
import { loadSettings } from '../settings/settings.js';
import { inTransaction } from '../unit-of-work.js';
import { outcomeRuleSet, ruleFingerprint } from './course-outcomes.js';

/** Courses per round: computed together in a worker. */
const BATCH = 100;
/**
 * Courses per write: each is a background unit of work (group-commit.ts), so a
 * chairside write waits for at most one of these short writes, not a whole round.
 */
const WRITE_SLICE = 10;
/** How often the refresher looks for stale outcomes unprompted (another server may change a rule). */
const POLL_MS = 10_000;

const system = { actor: null, requestId: null, ip: null } as const;

function onlyCourses(rows: CourseOutcomeRows, keep: ReadonlySet<string>): CourseOutcomeRows {
  return {
    summaries: rows.summaries.filter((r) => keep.has(r.course_id)),
    outcomes: rows.outcomes.filter((r) => keep.has(r.course_id)),
    points: rows.points.filter((r) => keep.has(r.course_id)),
  };
}

/**
 * One round: the next stale courses (by index), their outcomes computed from their
 * records by `deps.jobs` (a worker in the server), then written in short background
 * units of a few courses each, which skip any course a chairside write refreshed
 * meanwhile.
 * Returns how many courses it looked at (0 = nothing stale).
 */
export async function refreshStaleRound(deps: Deps): Promise<number> {
  const loaded = await loadSettings(deps.database.db);
  const rules = outcomeRuleSet(loaded.settings);
  const fingerprint = ruleFingerprint(rules);
  const ids = await staleCourseBatch(deps.database.db, fingerprint, BATCH);
  if (ids.length === 0) return 0;
  const rows = await deps.jobs.run('computeCourseOutcomes', {
    courseIds: ids,
    rules,
    settingsVersion: loaded.version,
    now: deps.clock.now().toISOString(),
  });
  const slices: string[][] = [];
  for (let i = 0; i < ids.length; i += WRITE_SLICE) slices.push(ids.slice(i, i + WRITE_SLICE));
  await Promise.all(
    slices.map((slice) =>
      inTransaction(
        deps,
        system,
        async (trx) => {
          const stale = await stillStale(trx, slice, fingerprint);
          // A course given its first dose has rows; one that has none (no dose after all) leaves the queue.
          await replaceCourseOutcomes(trx, [...stale], onlyCourses(rows, stale));
        },
        { background: true },
      ),
    ),
  );
  return ids.length;
}

/** Rounds until nothing is stale (the command line does this before a report). */
export async function refreshAllStale(deps: Deps): Promise<void> {
  while ((await refreshStaleRound(deps)) > 0) {
    /* next round */
  }
}

/**
 * Keeps stored course outcomes current in the background (issue 10): started by
 * the server, woken by a change to an outcome rule and every few seconds. Each
 * round is a worker computation and a short write, with the event loop free
 * between rounds, so interactive writes are never queued behind it for long.
 */
export class OutcomeRefresher implements Background {
  private deps: Deps | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private idleWaiters: (() => void)[] = [];

  start(deps: Deps): void {
    this.deps = deps;
    this.timer = setInterval(() => this.outcomeRulesChanged(), POLL_MS);
    this.timer.unref();
    this.outcomeRulesChanged();
  }

  outcomeRulesChanged(): void {
    if (!this.deps) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
      if (this.again && this.deps) {
        this.again = false;
        this.outcomeRulesChanged();
      } else {
        for (const w of this.idleWaiters.splice(0)) w();
      }
    });
  }

  /** Resolves when no round is running or due (tests, shutdown). */
  whenIdle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.again = false;
    this.deps = null;
    await this.running;
  }

  private async loop(): Promise<void> {
    for (;;) {
      const deps = this.deps;
      if (!deps) return;
      try {
        if ((await refreshStaleRound(deps)) === 0) return;
      } catch (e) {
        deps.log.error({ err: e }, 'recomputing stored course outcomes failed; will retry');
        return;
      }
      // Let the chairside requests that arrived meanwhile go first.
      await new Promise((r) => setImmediate(r));
    }
  }
}
