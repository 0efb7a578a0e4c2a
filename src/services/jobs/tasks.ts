import type { Kysely } from 'kysely';
import type { CourseOutcomeRows } from '../../db/repositories/course-outcome.repository.js';
import type { DB } from '../../db/schema.js';
import type { SiteScope } from '../../domain/auth/site-scope.js';
import type { StudyViewer } from '../../db/repositories/import.repository.js';
import type { AuditVerifyResult } from '../../contracts/audit.contract.js';
import type { Dialect } from '../../db/database.js';
import { auditChainHeads, type AuditChainHead } from '../../db/repositories/audit.repository.js';
import { checkAuditChain, type AnchorSource } from '../audit/audit-log.js';
import { computeStudySummaries, type StudySummary } from '../imports/studies.js';
import {
  computeCohortReport,
  streamCohortDataset,
  type CohortFilter,
  type CohortReport,
} from '../outcomes/cohort-report.js';
import { computeCourseOutcomes, type OutcomeRuleSet } from '../outcomes/course-outcomes.js';
import { planTableImport, type PlanTableImportArgs } from '../imports/plan-table-import.js';
import {
  computeStudyReport,
  type StudyFilter,
  type StudyReport,
} from '../outcomes/study-report.js';

/**
 * Everything that may run off the event loop (ADR 0014): reads only, on the
 * connection of whichever thread runs them. Arguments and results cross a thread
 * boundary, so they are plain data (structured clone).
 */
export const TASKS = {
  cohortReport: (
    db: Kysely<DB>,
    a: { filter: CohortFilter; scope: SiteScope },
  ): Promise<CohortReport> => computeCohortReport(db, a.filter, a.scope),
  computeCourseOutcomes: (
    db: Kysely<DB>,
    a: {
      courseIds: readonly string[];
      rules: OutcomeRuleSet;
      settingsVersion: number;
      now: string;
    },
  ): Promise<CourseOutcomeRows> =>
    computeCourseOutcomes(db, a.courseIds, a.rules, a.settingsVersion, new Date(a.now)),
  studyReport: async (
    db: Kysely<DB>,
    a: { filter: StudyFilter; scope: SiteScope; viewer: StudyViewer | null; maxRows?: number },
  ): Promise<StudyReport> => {
    const report = await computeStudyReport(db, a.filter, a.scope, a.viewer);
    // Cut here, in the worker: handing 200k rows to the event loop cost it 0.6 s.
    return a.maxRows === undefined ? report : { ...report, rows: report.rows.slice(0, a.maxRows) };
  },
  studySummaries: (db: Kysely<DB>, a: { viewer: StudyViewer | null }): Promise<StudySummary[]> =>
    computeStudySummaries(db, a.viewer),
  verifyAuditChain: (db: Kysely<DB>, a: { anchors?: AnchorSource }): Promise<AuditVerifyResult> =>
    checkAuditChain(db, a.anchors),
  auditChainHeads: (db: Kysely<DB>, a: { dialect: Dialect }): Promise<AuditChainHead[]> =>
    auditChainHeads(db, a.dialect),
};

/** Tasks that produce text in chunks, each awaited by the reader before the next. */
export const STREAMS = {
  /** `chunkRows`: rows per chunk, 5,000 unless given (tests ask for small chunks to get many). */
  cohortDataset: (
    db: Kysely<DB>,
    a: { filter: CohortFilter; scope: SiteScope; chunkRows?: number },
    emit: (text: string) => Promise<void>,
  ): Promise<void> => streamCohortDataset(db, a.filter, a.scope, emit, a.chunkRows),
  /** A table import read and checked (ADR 0018): JSON messages, the summary last. */
  planTableImport: (
    db: Kysely<DB>,
    a: PlanTableImportArgs,
    emit: (text: string) => Promise<void>,
  ): Promise<void> => planTableImport(db, a, emit),
};

export type TaskName = keyof typeof TASKS;
export type TaskArgs<K extends TaskName> = Parameters<(typeof TASKS)[K]>[1];
export type TaskResult<K extends TaskName> = Awaited<ReturnType<(typeof TASKS)[K]>>;
export type StreamName = keyof typeof STREAMS;
export type StreamArgs<K extends StreamName> = Parameters<(typeof STREAMS)[K]>[1];

export function isTaskName(name: string): name is TaskName {
  return Object.hasOwn(TASKS, name);
}
export function isStreamName(name: string): name is StreamName {
  return Object.hasOwn(STREAMS, name);
}
