import type { Kysely } from 'kysely';

// Settings changes, rating-scale assessments, suicidal-ideation alerts and
// patient self-report links (issue 3). JSON columns are text on both dialects.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('setting_changes')
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('previous_value', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('changed_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('self_report_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('patient_id', 'text', (c) => c.notNull().references('patients.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('instruments', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema
    .createIndex('self_report_links_patient')
    .on('self_report_links')
    .column('patient_id')
    .execute();

  await db.schema
    .createTable('assessments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('patient_id', 'text', (c) => c.notNull().references('patients.id'))
    .addColumn('instrument', 'text', (c) => c.notNull())
    .addColumn('scorer_version', 'text', (c) => c.notNull())
    .addColumn('administered_at', 'text', (c) => c.notNull())
    .addColumn('respondent', 'text', (c) => c.notNull())
    .addColumn('entered_by', 'text', (c) => c.references('users.id'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('self_report_link_id', 'text', (c) => c.references('self_report_links.id'))
    .addColumn('answers', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('total', 'integer')
    .addColumn('severity', 'text')
    .addColumn('subscales', 'text', (c) => c.notNull())
    .addColumn('flags', 'text', (c) => c.notNull())
    .addColumn('risk_level', 'text')
    .addColumn('settings_version', 'integer', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('assessments_patient_instrument')
    .on('assessments')
    .columns(['patient_id', 'instrument', 'administered_at'])
    .execute();

  await db.schema
    .createTable('clinical_alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('patient_id', 'text', (c) => c.notNull().references('patients.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('assessment_id', 'text', (c) => c.references('assessments.id'))
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('raised_at', 'text', (c) => c.notNull())
    .addColumn('acknowledged_at', 'text')
    .addColumn('acknowledged_by', 'text', (c) => c.references('users.id'))
    .addColumn('acknowledgement_note', 'text')
    .execute();
  await db.schema
    .createIndex('clinical_alerts_patient')
    .on('clinical_alerts')
    .columns(['patient_id', 'raised_at'])
    .execute();
  await db.schema
    .createIndex('clinical_alerts_open')
    .on('clinical_alerts')
    .columns(['acknowledged_at', 'raised_at'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('202611271500_create-assessments cannot be reverted');
}
