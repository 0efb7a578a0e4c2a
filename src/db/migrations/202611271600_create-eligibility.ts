import type { Kysely } from 'kysely';

// Depressive episodes, antidepressant trials, ECT courses, stored TRD verdicts and
// contraindication screens with their overrides (issue 4). Doses are whole
// micrograms per day and durations whole days, so nothing is lost to floats.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('episodes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('patient_id', 'text', (c) => c.notNull().references('patients.id'))
    .addColumn('started_on', 'text', (c) => c.notNull())
    .addColumn('ended_on', 'text')
    .addColumn('severity', 'text')
    .addColumn('notes', 'text')
    .addColumn('recorded_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('episodes_patient')
    .on('episodes')
    .columns(['patient_id', 'started_on'])
    .execute();

  await db.schema
    .createTable('antidepressant_trials')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('patient_id', 'text', (c) => c.notNull().references('patients.id'))
    .addColumn('episode_id', 'text', (c) => c.notNull().references('episodes.id'))
    .addColumn('drug_id', 'text', (c) => c.notNull())
    .addColumn('dose_per_day_ug', 'integer', (c) => c.notNull())
    .addColumn('started_on', 'text')
    .addColumn('ended_on', 'text')
    .addColumn('duration_days', 'integer', (c) => c.notNull())
    .addColumn('adherence', 'text', (c) => c.notNull())
    .addColumn('improvement_percent', 'integer')
    .addColumn('response_category', 'text')
    .addColumn('augmentation', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('augmentation_agent', 'text')
    .addColumn('entered_in_error_at', 'text')
    .addColumn('recorded_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('trials_patient')
    .on('antidepressant_trials')
    .columns(['patient_id', 'episode_id'])
    .execute();

  await db.schema
    .createTable('ect_courses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('patient_id', 'text', (c) => c.notNull().references('patients.id'))
    .addColumn('episode_id', 'text', (c) => c.notNull().references('episodes.id'))
    .addColumn('started_on', 'text', (c) => c.notNull())
    .addColumn('sessions', 'integer', (c) => c.notNull())
    .addColumn('electrode_placement', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('trd_evaluations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('patient_id', 'text', (c) => c.notNull().references('patients.id'))
    .addColumn('episode_id', 'text', (c) => c.notNull().references('episodes.id'))
    .addColumn('evaluated_at', 'text', (c) => c.notNull())
    .addColumn('evaluated_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('settings_version', 'integer', (c) => c.notNull())
    .addColumn('input', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('trd_evaluations_patient')
    .on('trd_evaluations')
    .columns(['patient_id', 'evaluated_at'])
    .execute();

  await db.schema
    .createTable('contraindication_screens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('patient_id', 'text', (c) => c.notNull().references('patients.id'))
    .addColumn('screened_at', 'text', (c) => c.notNull())
    .addColumn('screened_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('present', 'text', (c) => c.notNull())
    .addColumn('notes', 'text')
    .addColumn('systolic_mmhg', 'integer', (c) => c.notNull())
    .addColumn('diastolic_mmhg', 'integer', (c) => c.notNull())
    .addColumn('heart_rate_bpm', 'integer', (c) => c.notNull())
    .addColumn('spo2_percent', 'integer')
    .addColumn('settings_version', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('screens_patient')
    .on('contraindication_screens')
    .columns(['patient_id', 'screened_at'])
    .execute();

  await db.schema
    .createTable('screen_overrides')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('screen_id', 'text', (c) => c.notNull().references('contraindication_screens.id'))
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('overridden_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('overridden_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('screen_overrides_once', ['screen_id', 'item_id'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('202611271600_create-eligibility cannot be reverted');
}
