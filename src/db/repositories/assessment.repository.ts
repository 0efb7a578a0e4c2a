import type { Insertable, Kysely, Selectable } from 'kysely';
import type { SiteScope } from '../../domain/auth/site-scope.js';
import type { DB } from '../schema.js';
import { patientIdsInScope } from './site-scope.repository.js';
import type {
  AssessmentTable,
  ClinicalAlertTable,
  SelfReportLinkTable,
} from '../tables/assessment.table.js';

export type AssessmentRow = Selectable<AssessmentTable>;
export type AlertRow = Selectable<ClinicalAlertTable>;
export type SelfReportLinkRow = Selectable<SelfReportLinkTable>;

export async function insertAssessment(
  db: Kysely<DB>,
  row: Insertable<AssessmentTable>,
): Promise<void> {
  await db.insertInto('assessments').values(row).execute();
}

export function listAssessmentsOf(
  db: Kysely<DB>,
  patientId: string,
  instrument?: string,
): Promise<AssessmentRow[]> {
  let q = db.selectFrom('assessments').selectAll().where('patient_id', '=', patientId);
  if (instrument) q = q.where('instrument', '=', instrument);
  return q.orderBy('administered_at').orderBy('recorded_at').execute();
}

export async function insertAlert(
  db: Kysely<DB>,
  row: Insertable<ClinicalAlertTable>,
): Promise<void> {
  await db.insertInto('clinical_alerts').values(row).execute();
}

export function listAlertsOf(db: Kysely<DB>, patientId: string): Promise<AlertRow[]> {
  return db
    .selectFrom('clinical_alerts')
    .selectAll()
    .where('patient_id', '=', patientId)
    .orderBy('raised_at', 'desc')
    .execute();
}

export interface OpenAlertRow extends AlertRow {
  mrn: string;
  family_name: string;
  given_name: string;
}

/** Unacknowledged alerts across active patients in the scope, oldest first: the clinician's worklist. */
export function listOpenAlerts(
  db: Kysely<DB>,
  scope: SiteScope,
  limit: number,
): Promise<OpenAlertRow[]> {
  const inScope = patientIdsInScope(db, scope);
  return db
    .selectFrom('clinical_alerts')
    .innerJoin('patients', 'patients.id', 'clinical_alerts.patient_id')
    .selectAll('clinical_alerts')
    .select(['patients.mrn', 'patients.family_name', 'patients.given_name'])
    .where('clinical_alerts.acknowledged_at', 'is', null)
    .where('patients.archived_at', 'is', null)
    .$call((q) => (inScope ? q.where('clinical_alerts.patient_id', 'in', inScope) : q))
    .orderBy('clinical_alerts.raised_at')
    .limit(limit)
    .execute();
}

/** An alert by id, if its patient is within the scope. */
export function findAlert(
  db: Kysely<DB>,
  scope: SiteScope,
  id: string,
): Promise<AlertRow | undefined> {
  const inScope = patientIdsInScope(db, scope);
  return db
    .selectFrom('clinical_alerts')
    .selectAll()
    .where('id', '=', id)
    .$call((q) => (inScope ? q.where('patient_id', 'in', inScope) : q))
    .executeTakeFirst();
}

/** Acknowledges only if still open; returns whether this call did it. */
export async function acknowledgeAlertRow(
  db: Kysely<DB>,
  id: string,
  by: string,
  at: string,
  note: string,
): Promise<boolean> {
  const r = await db
    .updateTable('clinical_alerts')
    .set({ acknowledged_at: at, acknowledged_by: by, acknowledgement_note: note })
    .where('id', '=', id)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertSelfReportLink(
  db: Kysely<DB>,
  row: Insertable<SelfReportLinkTable>,
): Promise<void> {
  await db.insertInto('self_report_links').values(row).execute();
}

export function findLinkByTokenHash(
  db: Kysely<DB>,
  tokenHash: string,
): Promise<SelfReportLinkRow | undefined> {
  return db
    .selectFrom('self_report_links')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export function listLinksOf(db: Kysely<DB>, patientId: string): Promise<SelfReportLinkRow[]> {
  return db
    .selectFrom('self_report_links')
    .selectAll()
    .where('patient_id', '=', patientId)
    .orderBy('created_at', 'desc')
    .execute();
}

/**
 * Claims a link for one submission: succeeds only while it is unused, not
 * revoked and not expired, so two racing submissions cannot both store.
 */
export async function claimLink(db: Kysely<DB>, id: string, at: string): Promise<boolean> {
  const r = await db
    .updateTable('self_report_links')
    .set({ used_at: at })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function revokeLink(db: Kysely<DB>, id: string, at: string): Promise<boolean> {
  const r = await db
    .updateTable('self_report_links')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
