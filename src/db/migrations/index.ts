import type { Migration } from 'kysely';
import * as createCore from './202611271400_create-core.js';
import * as createAssessments from './202611271500_create-assessments.js';
import * as createEligibility from './202611271600_create-eligibility.js';
import * as createSessions from './202611271700_create-sessions.js';
import * as createImports from './202611271800_create-imports.js';
import * as outcomeReportColumns from './202611271900_outcome-report-columns.js';
import * as createSites from './202611272000_create-sites.js';
import * as outcomeFreshness from './202612021000_outcome-freshness.js';
import * as stageImportBatches from './202612030800_stage-import-batches.js';
import * as auditLanes from './202612031400_audit-lanes.js';
import * as outcomeCourseIndexes from './202612031500_outcome-course-indexes.js';
import * as totpLastStep from './202612040900_totp-last-step.js';
import * as scopeUsersToSites from './202612041200_scope-users-to-sites.js';
import * as addStudyOwners from './202612041100_add-study-owners.js';

/** Every migration, in order. Append only; never edit one that has shipped. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '202611271400_create-core': createCore,
  '202611271500_create-assessments': createAssessments,
  '202611271600_create-eligibility': createEligibility,
  '202611271700_create-sessions': createSessions,
  '202611271800_create-imports': createImports,
  '202611271900_outcome-report-columns': outcomeReportColumns,
  '202611272000_create-sites': createSites,
  '202612021000_outcome-freshness': outcomeFreshness,
  '202612030800_stage-import-batches': stageImportBatches,
  '202612031400_audit-lanes': auditLanes,
  '202612031500_outcome-course-indexes': outcomeCourseIndexes,
  '202612040900_totp-last-step': totpLastStep,
  '202612041200_scope-users-to-sites': scopeUsersToSites,
  '202612041100_add-study-owners': addStudyOwners,
};
