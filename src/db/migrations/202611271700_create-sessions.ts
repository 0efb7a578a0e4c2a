import { sql, type Kysely } from 'kysely';

// Protocols, courses, chairside sessions with their vitals, alerts and adverse
// events (issue 5). Doses are whole micrograms; mg/kg as whole µg/kg.

const PROTOCOLS = [
  // REFERENCE A.1 / D6: 0.5 mg/kg over 40 min, 6 infusions, 2–3 a week.
  {
    id: 'iv-standard',
    name: 'IV racemic ketamine 0.5 mg/kg over 40 min × 6',
    drug: 'ketamine',
    route: 'iv',
    dose_ug_per_kg: 500,
    fixed_dose_ug: null,
    duration_min: 40,
    sessions_planned: 6,
    per_week: 3,
    steps: [],
    completer_min_doses: 6,
  },
  // REFERENCE A.1: escalation 0.5 → 0.75 → 1.0 mg/kg over 8–10 infusions, advanced only by a clinician.
  {
    id: 'iv-escalation',
    name: 'IV racemic ketamine, escalating 0.5 → 0.75 → 1.0 mg/kg, up to 10',
    drug: 'ketamine',
    route: 'iv',
    dose_ug_per_kg: 500,
    fixed_dose_ug: null,
    duration_min: 40,
    sessions_planned: 10,
    per_week: 2,
    steps: [500, 750, 1000],
    completer_min_doses: 8,
  },
  // REFERENCE A.1: IM has been used; dose per local protocol (ketatrack default 0.5 mg/kg, needs sign-off).
  {
    id: 'im',
    name: 'IM racemic ketamine 0.5 mg/kg',
    drug: 'ketamine',
    route: 'im',
    dose_ug_per_kg: 500,
    fixed_dose_ug: null,
    duration_min: 1,
    sessions_planned: 6,
    per_week: 2,
    steps: [],
    completer_min_doses: 6,
  },
  // REFERENCE A.1 / D6: esketamine 56 mg first, then 56 or 84 mg; twice weekly weeks 1–4.
  {
    id: 'esketamine',
    name: 'Intranasal esketamine 56/84 mg (label schedule)',
    drug: 'esketamine',
    route: 'intranasal',
    dose_ug_per_kg: null,
    fixed_dose_ug: 56000,
    duration_min: 10,
    sessions_planned: 8,
    per_week: 2,
    steps: [],
    completer_min_doses: 8,
  },
  // REFERENCE A.5 / D6: midazolam 0.045 mg/kg over 40 min, the usual active comparator.
  {
    id: 'midazolam',
    name: 'Midazolam 0.045 mg/kg over 40 min (active comparator)',
    drug: 'midazolam',
    route: 'iv',
    dose_ug_per_kg: 45,
    fixed_dose_ug: null,
    duration_min: 40,
    sessions_planned: 6,
    per_week: 3,
    steps: [],
    completer_min_doses: 6,
  },
];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('protocols')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('drug', 'text', (c) => c.notNull())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('dose_ug_per_kg', 'integer')
    .addColumn('fixed_dose_ug', 'integer')
    .addColumn('duration_min', 'integer', (c) => c.notNull())
    .addColumn('sessions_planned', 'integer', (c) => c.notNull())
    .addColumn('per_week', 'integer', (c) => c.notNull())
    .addColumn('escalation_steps', 'text', (c) => c.notNull())
    .addColumn('completer_min_doses', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  const now = new Date().toISOString();
  await db
    .insertInto('protocols')
    .values(
      PROTOCOLS.map(({ steps, per_week, ...p }) => ({
        ...p,
        per_week,
        escalation_steps: JSON.stringify(steps),
        active: 1,
        updated_at: now,
      })),
    )
    .execute();

  await db.schema
    .createTable('courses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('patient_id', 'text', (c) => c.notNull().references('patients.id'))
    .addColumn('protocol_id', 'text', (c) => c.notNull().references('protocols.id'))
    .addColumn('protocol', 'text', (c) => c.notNull())
    .addColumn('start_on', 'text', (c) => c.notNull())
    .addColumn('planned_sessions', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('gates', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('courses_patient').on('courses').column('patient_id').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('course_id', 'text', (c) => c.notNull().references('courses.id'))
    .addColumn('patient_id', 'text', (c) => c.notNull().references('patients.id'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('scheduled_for', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('dose', 'text')
    .addColumn('readiness', 'text')
    .addColumn('readiness_confirmed_by', 'text', (c) => c.references('users.id'))
    .addColumn('escort_present', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_food_at', 'text')
    .addColumn('last_liquid_at', 'text')
    .addColumn('infusion_started_at', 'text')
    .addColumn('infusion_ended_at', 'text')
    .addColumn('phase_started_at', 'text')
    .addColumn('abort_reason', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('sessions_course_number', ['course_id', 'number'])
    .execute();
  await db.schema
    .createIndex('sessions_patient')
    .on('sessions')
    .columns(['patient_id', 'scheduled_for'])
    .execute();

  await db.schema
    .createTable('session_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('by', 'text', (c) => c.references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('session_events_session')
    .on('session_events')
    .columns(['session_id', 'at'])
    .execute();

  await db.schema
    .createTable('vitals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('patient_id', 'text', (c) => c.notNull().references('patients.id'))
    .addColumn('taken_at', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('systolic_mmhg', 'integer')
    .addColumn('diastolic_mmhg', 'integer')
    .addColumn('heart_rate_bpm', 'integer')
    .addColumn('spo2_percent', 'integer')
    .addColumn('respiratory_rate', 'integer')
    .addColumn('rhythm', 'text')
    .addColumn('recorded_by', 'text', (c) => c.references('users.id'))
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('vitals_session')
    .on('vitals')
    .columns(['session_id', 'taken_at'])
    .execute();

  await db.schema
    .createTable('session_alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('patient_id', 'text', (c) => c.notNull().references('patients.id'))
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text')
    .addColumn('raised_at', 'text', (c) => c.notNull())
    .addColumn('acknowledged_at', 'text')
    .addColumn('acknowledged_by', 'text', (c) => c.references('users.id'))
    .execute();
  await db.schema
    .createIndex('session_alerts_session')
    .on('session_alerts')
    .columns(['session_id', 'raised_at'])
    .execute();

  await db.schema
    .createTable('adverse_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
    .addColumn('patient_id', 'text', (c) => c.notNull().references('patients.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('onset_at', 'text', (c) => c.notNull())
    .addColumn('action_taken', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('notes', 'text')
    .addColumn('recorded_by', 'text', (c) => c.references('users.id'))
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('adverse_events_session')
    .on('adverse_events')
    .column('session_id')
    .execute();

  // Ratings given during a session (CADSS, MOAA/S, BPRS+) are assessments tied to it.
  await db.schema.alterTable('assessments').addColumn('session_id', 'text').execute();
  await sql`create index assessments_session on assessments (session_id)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('202611271700_create-sessions cannot be reverted');
}
