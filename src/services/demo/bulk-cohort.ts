/**
 * A registry-sized synthetic cohort written straight into the tables (the
 * services would take hours at this size; `ketatrack demo --bulk` and the
 * benchmarks): patients with a diagnosis, courses of the standard IV protocol
 * with sessions, vitals and some adverse events, and about 20 scored
 * assessments per patient. Every questionnaire is scored by the real scorer and
 * each session's stored BP rise comes from bp-rise.ts; course outcomes are left
 * for the first report to compute (ADR 0013). All rows are marked synthetic
 * (MRN SYN-B…).
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { seededRandom } from '../../domain/random.js';
import { bpRise, type BpReading } from '../../domain/sessions/bp-rise.js';
import { scoreInstrument } from '../../domain/scales/score-instrument.js';
import { DEFAULT_SETTINGS } from '../../domain/settings/setting-definitions.js';
import { suicidalIdeationValue } from '../../domain/scales/suicidal-ideation-item.js';
import type { Answers } from '../../domain/scales/instrument.js';
import { toProtocolDto } from '../sessions/courses.js';
import { mocaDomains, qidsAnswers } from './synthetic-courses.js';
import { newId } from '../ids.js';

const DAY = 86_400_000;

type Rows = { [K in keyof DB]?: Record<string, unknown>[] };

async function flush(db: Kysely<DB>, rows: Rows): Promise<number> {
  let n = 0;
  await db.transaction().execute(async (trx) => {
    for (const [table, list] of Object.entries(rows) as [keyof DB, Record<string, unknown>[]][]) {
      const width = Object.keys(list[0] ?? { a: 1 }).length;
      // Stay under both dialects' bind-parameter limits.
      const chunk = Math.max(1, Math.floor(30_000 / width));
      for (let i = 0; i < list.length; i += chunk) {
        await trx
          .insertInto(table)
          .values(list.slice(i, i + chunk))
          .execute();
      }
      n += list.length;
    }
  });
  return n;
}

export interface CohortSize {
  patients: number;
  assessments: number;
  courses: number;
  sessions: number;
  vitals: number;
}

export async function generateCohort(
  db: Kysely<DB>,
  opts: { patients: number; seed: number; userId: string; onProgress?: (done: number) => void },
): Promise<CohortSize> {
  const rand = seededRandom(opts.seed);
  const protocolRow = await db
    .selectFrom('protocols')
    .selectAll()
    .where('id', '=', 'iv-standard')
    .executeTakeFirstOrThrow();
  const protocol = JSON.stringify(toProtocolDto(protocolRow));
  const size: CohortSize = { patients: 0, assessments: 0, courses: 0, sessions: 0, vitals: 0 };
  const start = Date.parse('2022-01-03T09:00:00.000Z');
  const iso = (t: number) => new Date(t).toISOString();
  const score = (instrument: 'qids-sr16' | 'phq-9' | 'moca', answers: Answers) => {
    // Scored as the clinic's default settings would score it (one scorer per instrument).
    const out = scoreInstrument(
      instrument,
      answers,
      instrument === 'moca' ? { educationYears: 16 } : {},
      DEFAULT_SETTINGS,
    );
    if (!out.ok) throw new Error(`bench data did not score: ${JSON.stringify(out.errors)}`);
    return out.result;
  };
  const batch = 2000;
  for (let from = 0; from < opts.patients; from += batch) {
    const rows: Required<
      Pick<
        Rows,
        | 'patients'
        | 'diagnoses'
        | 'courses'
        | 'sessions'
        | 'vitals'
        | 'adverse_events'
        | 'assessments'
        | 'outcome_refresh_queue'
      >
    > = {
      patients: [],
      diagnoses: [],
      courses: [],
      sessions: [],
      vitals: [],
      adverse_events: [],
      assessments: [],
      // Written straight into the tables: the background refresher computes their outcomes.
      outcome_refresh_queue: [],
    };
    const assess = (
      patientId: string,
      instrument: 'qids-sr16' | 'phq-9' | 'moca',
      at: number,
      answers: Answers,
    ) => {
      const r = score(instrument, answers);
      rows.assessments.push({
        id: newId(),
        patient_id: patientId,
        instrument,
        scorer_version: r.version,
        administered_at: iso(at),
        respondent: instrument === 'moca' ? 'clinician' : 'patient',
        entered_by: opts.userId,
        source: 'web',
        self_report_link_id: null,
        answers: JSON.stringify(answers),
        options: instrument === 'moca' ? '{"educationYears":16}' : '{}',
        total: r.total,
        severity: r.severity,
        subscales: JSON.stringify(r.subscales),
        flags: JSON.stringify(r.flags),
        risk_level: null,
        settings_version: 0,
        recorded_at: iso(at),
        session_id: null,
        si_item_value: suicidalIdeationValue(instrument, answers),
      });
    };
    const phq9 = (level: number): Answers =>
      Object.fromEntries(Array.from({ length: 9 }, (_, i) => [String(i + 1), i === 8 ? 0 : level]));
    for (let i = from; i < Math.min(opts.patients, from + batch); i++) {
      const id = newId();
      const family = `Bulk${i}`;
      const t0 = start + Math.floor(rand() * 1400) * DAY;
      rows.patients.push({
        id,
        mrn: `SYN-B${String(i).padStart(7, '0')}`,
        family_name: family,
        given_name: 'Synthetic',
        name_search: `${family.toLowerCase()} synthetic`,
        date_of_birth: `19${50 + Math.floor(rand() * 50)}-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}`,
        sex: rand() < 0.6 ? 'female' : 'male',
        phone: null,
        email: null,
        notes: 'SYNTHETIC record (bulk demo / benchmark): not a real person.',
        archived_at: null,
        archived_reason: null,
        version: 1,
        created_at: iso(t0 - 30 * DAY),
        updated_at: iso(t0 - 30 * DAY),
      });
      rows.diagnoses.push({
        id: newId(),
        patient_id: id,
        code_system: 'ICD-10',
        code: rand() < 0.7 ? 'F33.2' : 'F32.2',
        label: 'Major depressive disorder (synthetic)',
        onset_on: null,
        status: 'active',
        is_primary: 1,
        recorded_by: opts.userId,
        recorded_at: iso(t0 - 30 * DAY),
      });
      let perPatient = 0;
      const baseline = 14 + Math.floor(rand() * 9);
      const item12 = rand() < 0.3 ? 1 : 0;
      if (rand() < 0.7) {
        // Treated: baseline QIDS and MoCA, six (sometimes fewer) infusions twice weekly.
        const courseId = newId();
        const responder = rand() < 0.55;
        const factor = responder ? 0.82 + rand() * 0.06 : 0.95 + rand() * 0.05;
        const doses = rand() < 0.15 ? 3 + Math.floor(rand() * 3) : 6;
        rows.courses.push({
          id: courseId,
          patient_id: id,
          protocol_id: 'iv-standard',
          protocol,
          start_on: iso(t0).slice(0, 10),
          planned_sessions: 6,
          status: doses === 6 ? 'completed' : 'stopped',
          gates: '{"synthetic":true}',
          created_by: opts.userId,
          created_at: iso(t0 - DAY),
        });
        size.courses += 1;
        rows.outcome_refresh_queue.push({ course_id: courseId, queued_at: iso(t0 - DAY) });
        assess(id, 'qids-sr16', t0 - DAY, qidsAnswers(baseline, item12));
        const mocaBefore = 24 + Math.floor(rand() * 6);
        assess(id, 'moca', t0 - DAY, mocaDomains(mocaBefore));
        perPatient += 2;
        let total = baseline;
        for (let s = 1; s <= 6; s++) {
          const at = t0 + (s - 1) * 3.5 * DAY;
          const sessionId = newId();
          const given = s <= doses;
          rows.sessions.push({
            id: sessionId,
            course_id: courseId,
            patient_id: id,
            number: s,
            scheduled_for: iso(at),
            state: given ? 'discharged' : 'aborted',
            version: 1,
            dose: null,
            readiness: null,
            readiness_confirmed_by: null,
            escort_present: given ? 1 : 0,
            last_food_at: null,
            last_liquid_at: null,
            infusion_started_at: given ? iso(at + 15 * 60_000) : null,
            infusion_ended_at: given ? iso(at + 55 * 60_000) : null,
            phase_started_at: null,
            abort_reason: given ? null : 'synthetic dropout',
            updated_at: iso(at + 2 * 3600_000),
            systolic_rise_mmhg: null,
            diastolic_rise_mmhg: null,
          });
          size.sessions += 1;
          if (!given) continue;
          const sys = 115 + Math.floor(rand() * 25);
          const readings: BpReading[] = [];
          for (const [phase, minutes, rise] of [
            ['predose', 5, 0],
            ['infusing', 35, 8 + Math.floor(rand() * 12)],
            ['observing', 90, 3 + Math.floor(rand() * 6)],
          ] as const) {
            rows.vitals.push({
              id: newId(),
              session_id: sessionId,
              patient_id: id,
              taken_at: iso(at + minutes * 60_000),
              phase,
              systolic_mmhg: sys + rise,
              diastolic_mmhg: 75 + Math.floor(rise / 2),
              heart_rate_bpm: 70,
              spo2_percent: 98,
              respiratory_rate: 14,
              rhythm: null,
              recorded_by: opts.userId,
              recorded_at: iso(at + minutes * 60_000),
            });
            size.vitals += 1;
            readings.push({
              phase,
              systolicMmHg: sys + rise,
              diastolicMmHg: 75 + Math.floor(rise / 2),
            });
          }
          const summary = bpRise(readings);
          Object.assign(rows.sessions.at(-1) ?? {}, {
            systolic_rise_mmhg: summary.systolicRiseMmHg,
            diastolic_rise_mmhg: summary.diastolicRiseMmHg,
          });
          if (rand() < 0.08)
            rows.adverse_events.push({
              id: newId(),
              session_id: sessionId,
              patient_id: id,
              type: ['nausea', 'dissociation', 'headache'][Math.floor(rand() * 3)] ?? 'nausea',
              severity: 'mild',
              onset_at: iso(at + 30 * 60_000),
              action_taken: 'observed',
              outcome: 'resolved',
              notes: null,
              recorded_by: opts.userId,
              recorded_at: iso(at + 30 * 60_000),
            });
          total = Math.max(0, Math.round(total * factor - rand()));
          assess(id, 'qids-sr16', at + 2 * DAY, qidsAnswers(total, responder ? 0 : item12));
          perPatient += 1;
        }
        assess(
          id,
          'moca',
          // Before the sixth infusion, so completers have a MoCA endpoint (D4: at or before the last dose).
          t0 + 5 * 3.5 * DAY,
          // No systematic change (ketamine series report none): -1, 0 or +1.
          mocaDomains(Math.max(0, Math.min(30, mocaBefore + Math.floor(rand() * 3) - 1))),
        );
        perPatient += 1;
      }
      // Monitoring before and after (weekly QIDS-SR16 and monthly PHQ-9) up to 20 per patient.
      for (let k = 0; perPatient < 20; k++, perPatient++) {
        const before = k % 2 === 0;
        const at = before ? t0 - (30 + k * 7) * DAY : t0 + (30 + k * 7) * DAY;
        if (k % 4 === 3) assess(id, 'phq-9', at, phq9(1 + Math.floor(rand() * 2)));
        else
          assess(
            id,
            'qids-sr16',
            at,
            qidsAnswers(Math.min(24, baseline + Math.floor(rand() * 3) - 1), 0),
          );
      }
      size.patients += 1;
    }
    size.assessments += rows.assessments.length;
    await flush(db, rows);
    opts.onProgress?.(size.patients);
  }
  return size;
}
