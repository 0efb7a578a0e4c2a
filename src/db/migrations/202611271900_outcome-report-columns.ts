import { sql, type Kysely } from 'kysely';

// Cohort reports at registry size (issue 6: 100k patients, 2M assessments)
// read small, indexed columns instead of every vitals row and every answer set:
// - each session keeps its largest blood-pressure rise, refreshed whenever a
//   reading is recorded (filled in here for existing sessions: the last pre-dose
//   reading against the highest later one);
// - each assessment keeps the value of its suicidal-ideation item (QIDS-SR16 12,
//   PHQ-9 9, MADRS 10, HAM-D17 3), filled in here from the stored answers;
// - a covering index serves the report's score query without touching the rows,
//   and the session index covers only ratings given in a session.

const SI_ITEM: Readonly<Record<string, string>> = {
  'qids-sr16': '12',
  'phq-9': '9',
  madrs: '10',
  'hamd-17': '3',
};

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('assessments').addColumn('si_item_value', 'integer').execute();
  for (const [instrument, item] of Object.entries(SI_ITEM)) {
    const rows = (await db
      .selectFrom('assessments')
      .select(['id', 'answers'])
      .where('instrument', '=', instrument)
      .execute()) as { id: string; answers: string }[];
    for (const r of rows) {
      const value = (JSON.parse(r.answers) as Record<string, number | null>)[item] ?? null;
      if (value !== null)
        await db
          .updateTable('assessments')
          .set({ si_item_value: value })
          .where('id', '=', r.id)
          .execute();
    }
  }
  await db.schema
    .createIndex('assessments_outcomes')
    .on('assessments')
    // session_id too, so SQLite treats the index as covering (it checks the partial condition).
    .columns([
      'patient_id',
      'instrument',
      'administered_at',
      'total',
      'si_item_value',
      'session_id',
    ])
    .where(sql.ref('session_id'), 'is', null)
    .execute();
  // Most assessments have no session: indexing only those that do keeps the planner
  // from answering `session_id is null` with a walk over this index.
  await db.schema.dropIndex('assessments_session').execute();
  await db.schema
    .createIndex('assessments_session')
    .on('assessments')
    .column('session_id')
    .where(sql.ref('session_id'), 'is not', null)
    .execute();

  await db.schema.alterTable('sessions').addColumn('systolic_rise_mmhg', 'integer').execute();
  await db.schema.alterTable('sessions').addColumn('diastolic_rise_mmhg', 'integer').execute();
  await createCourseOutcomeTables(db);
  await db.schema
    .createIndex('sessions_course')
    .on('sessions')
    .columns(['course_id', 'number'])
    .execute();

  const vitals = (await db
    .selectFrom('vitals')
    .select(['session_id', 'phase', 'systolic_mmhg', 'diastolic_mmhg'])
    .orderBy('session_id')
    .orderBy('taken_at')
    .orderBy('recorded_at')
    .execute()) as {
    session_id: string;
    phase: string;
    systolic_mmhg: number | null;
    diastolic_mmhg: number | null;
  }[];
  const bySession = new Map<string, typeof vitals>();
  for (const v of vitals) bySession.set(v.session_id, [...(bySession.get(v.session_id) ?? []), v]);
  for (const [sessionId, rows] of bySession) {
    const pre = rows.filter((r) => r.phase === 'predose').at(-1);
    const post = rows.filter((r) => r.phase !== 'predose');
    const rise = (key: 'systolic_mmhg' | 'diastolic_mmhg') => {
      const values = post.map((r) => r[key]).filter((v): v is number => v !== null);
      return pre?.[key] != null && values.length > 0 ? Math.max(...values) - pre[key] : null;
    };
    await db
      .updateTable('sessions')
      .set({
        systolic_rise_mmhg: rise('systolic_mmhg'),
        diastolic_rise_mmhg: rise('diastolic_mmhg'),
      })
      .where('id', '=', sessionId)
      .execute();
  }
}

// Per-course outcomes, kept current by the services whenever a dose is given or
// a score recorded, and recomputed by the report when missing or made under an
// older settings version: the cohort report aggregates these rows instead of
// replaying every course (ADR 0013).
async function createCourseOutcomeTables(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('course_summaries')
    .addColumn('course_id', 'text', (c) => c.primaryKey().references('courses.id'))
    .addColumn('patient_id', 'text', (c) => c.notNull().references('patients.id'))
    .addColumn('settings_version', 'integer', (c) => c.notNull())
    .addColumn('doses', 'integer', (c) => c.notNull())
    .addColumn('completer', 'integer', (c) => c.notNull())
    .addColumn('first_dose_at', 'text', (c) => c.notNull())
    .addColumn('last_dose_at', 'text', (c) => c.notNull())
    .addColumn('si_at_baseline', 'integer', (c) => c.notNull())
    .addColumn('si_resolved', 'integer')
    .addColumn('computed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('course_summaries_settings')
    .on('course_summaries')
    .column('settings_version')
    .execute();
  await db.schema
    .createTable('course_outcomes')
    .addColumn('course_id', 'text', (c) => c.notNull().references('courses.id'))
    .addColumn('instrument', 'text', (c) => c.notNull())
    .addColumn('baseline_at', 'text', (c) => c.notNull())
    .addColumn('baseline_total', 'integer', (c) => c.notNull())
    .addColumn('endpoint_at', 'text', (c) => c.notNull())
    .addColumn('endpoint_total', 'integer', (c) => c.notNull())
    .addColumn('response', 'integer', (c) => c.notNull())
    .addColumn('remission', 'integer', (c) => c.notNull())
    .addColumn('days_to_response', 'double precision')
    .addColumn('censored_days', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('course_outcomes_pk', ['instrument', 'course_id'])
    .execute();
  await db.schema
    .createTable('course_outcome_points')
    .addColumn('course_id', 'text', (c) => c.notNull().references('courses.id'))
    .addColumn('instrument', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('doses', 'integer', (c) => c.notNull())
    .addColumn('day', 'double precision', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('course_outcome_points_pk', ['instrument', 'course_id', 'seq'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('202611271900_outcome-report-columns cannot be reverted');
}
