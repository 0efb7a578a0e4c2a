import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { DB } from '../schema.js';
import type {
  AntidepressantTrialTable,
  ContraindicationScreenTable,
  EctCourseTable,
  EpisodeTable,
  ScreenOverrideTable,
  TrdEvaluationTable,
} from '../tables/eligibility.table.js';

export type EpisodeRow = Selectable<EpisodeTable>;
export type TrialRow = Selectable<AntidepressantTrialTable>;
export type EctRow = Selectable<EctCourseTable>;
export type TrdEvaluationRow = Selectable<TrdEvaluationTable>;
export type ScreenRow = Selectable<ContraindicationScreenTable>;
export type OverrideRow = Selectable<ScreenOverrideTable>;

export function listEpisodesOf(db: Kysely<DB>, patientId: string): Promise<EpisodeRow[]> {
  return db
    .selectFrom('episodes')
    .selectAll()
    .where('patient_id', '=', patientId)
    .orderBy('started_on', 'desc')
    .execute();
}

/** The current episode: the latest one not yet ended. */
export function currentEpisode(db: Kysely<DB>, patientId: string): Promise<EpisodeRow | undefined> {
  return db
    .selectFrom('episodes')
    .selectAll()
    .where('patient_id', '=', patientId)
    .where('ended_on', 'is', null)
    .orderBy('started_on', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export function findEpisode(
  db: Kysely<DB>,
  patientId: string,
  id: string,
): Promise<EpisodeRow | undefined> {
  return db
    .selectFrom('episodes')
    .selectAll()
    .where('patient_id', '=', patientId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function insertEpisode(db: Kysely<DB>, row: Insertable<EpisodeTable>): Promise<void> {
  await db.insertInto('episodes').values(row).execute();
}

export async function updateEpisode(
  db: Kysely<DB>,
  id: string,
  patch: Updateable<EpisodeTable>,
): Promise<void> {
  await db.updateTable('episodes').set(patch).where('id', '=', id).execute();
}

export function listTrialsOf(
  db: Kysely<DB>,
  patientId: string,
  episodeId?: string,
): Promise<TrialRow[]> {
  let q = db.selectFrom('antidepressant_trials').selectAll().where('patient_id', '=', patientId);
  if (episodeId) q = q.where('episode_id', '=', episodeId);
  return q.orderBy('recorded_at').execute();
}

export function findTrial(
  db: Kysely<DB>,
  patientId: string,
  id: string,
): Promise<TrialRow | undefined> {
  return db
    .selectFrom('antidepressant_trials')
    .selectAll()
    .where('patient_id', '=', patientId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function insertTrial(
  db: Kysely<DB>,
  row: Insertable<AntidepressantTrialTable>,
): Promise<void> {
  await db.insertInto('antidepressant_trials').values(row).execute();
}

export async function markTrialInError(db: Kysely<DB>, id: string, at: string): Promise<void> {
  await db
    .updateTable('antidepressant_trials')
    .set({ entered_in_error_at: at })
    .where('id', '=', id)
    .execute();
}

export function listEctOf(
  db: Kysely<DB>,
  patientId: string,
  episodeId?: string,
): Promise<EctRow[]> {
  let q = db.selectFrom('ect_courses').selectAll().where('patient_id', '=', patientId);
  if (episodeId) q = q.where('episode_id', '=', episodeId);
  return q.orderBy('started_on').execute();
}

export async function insertEct(db: Kysely<DB>, row: Insertable<EctCourseTable>): Promise<void> {
  await db.insertInto('ect_courses').values(row).execute();
}

export async function insertTrdEvaluation(
  db: Kysely<DB>,
  row: Insertable<TrdEvaluationTable>,
): Promise<void> {
  await db.insertInto('trd_evaluations').values(row).execute();
}

export function listTrdEvaluationsOf(
  db: Kysely<DB>,
  patientId: string,
): Promise<TrdEvaluationRow[]> {
  return db
    .selectFrom('trd_evaluations')
    .selectAll()
    .where('patient_id', '=', patientId)
    .orderBy('evaluated_at', 'desc')
    .execute();
}

export async function insertScreen(
  db: Kysely<DB>,
  row: Insertable<ContraindicationScreenTable>,
): Promise<void> {
  await db.insertInto('contraindication_screens').values(row).execute();
}

export function listScreensOf(db: Kysely<DB>, patientId: string): Promise<ScreenRow[]> {
  return db
    .selectFrom('contraindication_screens')
    .selectAll()
    .where('patient_id', '=', patientId)
    .orderBy('screened_at', 'desc')
    .execute();
}

export function findScreen(
  db: Kysely<DB>,
  patientId: string,
  id: string,
): Promise<ScreenRow | undefined> {
  return db
    .selectFrom('contraindication_screens')
    .selectAll()
    .where('patient_id', '=', patientId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function listOverridesOf(
  db: Kysely<DB>,
  screenIds: readonly string[],
): Promise<OverrideRow[]> {
  if (screenIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('screen_overrides')
    .selectAll()
    .where('screen_id', 'in', screenIds)
    .orderBy('overridden_at')
    .execute();
}

export async function insertOverride(
  db: Kysely<DB>,
  row: Insertable<ScreenOverrideTable>,
): Promise<void> {
  await db.insertInto('screen_overrides').values(row).execute();
}
