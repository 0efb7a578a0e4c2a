import {
  listStudies,
  pendingBatchIds,
  subjectsOf,
  type StudyViewer,
} from '../../db/repositories/import.repository.js';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Deps, RequestContext } from '../deps.js';
import { inTransaction } from '../unit-of-work.js';
import { studyViewer } from './study-access.js';

export interface StudySummary {
  readonly name: string;
  /** The owner's name; null for a study without one (made before owners, or on the command line). */
  readonly owner: string | null;
  readonly baselineTimePoint: string | null;
  readonly subjects: number;
  readonly scores: number;
  readonly instruments: string[];
  /** Categorical attributes (at most 20 distinct values) and their values, for report filters. */
  readonly attributes: Record<string, string[]>;
}

const MAX_CATEGORIES = 20;

/**
 * The imported studies the viewer may see (ADR 0026) with what a report can be filtered
 * by; counts only, no subject ids. Reads every subject of every study, so it runs in a
 * worker thread (ADR 0014).
 */
export async function computeStudySummaries(
  db: Kysely<DB>,
  viewer: StudyViewer | null,
): Promise<StudySummary[]> {
  const out: StudySummary[] = [];
  for (const study of await listStudies(db, viewer)) {
    const subjects = await subjectsOf(db, study.name);
    const values = new Map<string, Set<string>>();
    for (const s of subjects)
      for (const [k, v] of Object.entries(JSON.parse(s.attributes) as Record<string, string>))
        values.set(k, (values.get(k) ?? new Set()).add(v));
    const counts = await db
      .selectFrom('imported_scores')
      .innerJoin('study_subjects', 'study_subjects.id', 'imported_scores.subject_id')
      .select(['imported_scores.instrument', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('study_subjects.study', '=', study.name)
      .where('imported_scores.batch_id', 'not in', pendingBatchIds(db))
      .groupBy('imported_scores.instrument')
      .orderBy('imported_scores.instrument')
      .execute();
    out.push({
      name: study.name,
      owner: study.owner_name,
      baselineTimePoint: study.baseline_time_point,
      subjects: subjects.length,
      scores: counts.reduce((sum, c) => sum + Number(c.n), 0),
      instruments: counts.map((c) => c.instrument),
      attributes: Object.fromEntries(
        [...values].filter(([, v]) => v.size <= MAX_CATEGORIES).map(([k, v]) => [k, [...v].sort()]),
      ),
    });
  }
  return out;
}

/** The imported studies for a user: audited, then read off the event loop. */
export async function listStudySummaries(deps: Deps, ctx: RequestContext): Promise<StudySummary[]> {
  await inTransaction(deps, ctx, async (_trx, audit) => {
    audit({ action: 'study.list', entityType: 'study' });
  });
  return deps.jobs.run('studySummaries', { viewer: studyViewer(ctx, 'read') });
}
