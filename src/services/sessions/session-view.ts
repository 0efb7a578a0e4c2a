import type { Kysely, Selectable } from 'kysely';
import {
  ReadinessDto,
  SessionDoseDto,
  SessionEventDto,
} from '../../contracts/session-records.contract.js';
import type { ProtocolDto, SessionDto } from '../../contracts/sessions.contract.js';
import { latestMeasurements } from '../../db/repositories/patient.repository.js';
import { prepareQuery } from '../../db/prepared-query.js';
import { patientIdsInScope } from '../../db/repositories/site-scope.repository.js';
import type { DB } from '../../db/schema.js';
import type { SessionTable, VitalsTable } from '../../db/tables/session.table.js';
import { vitalsDue } from '../../domain/sessions/alert-rules.js';
import { checkDischarge } from '../../domain/sessions/discharge-check.js';
import {
  allowedActions,
  isSessionState,
  type SessionState,
} from '../../domain/sessions/session-state.js';
import type { Settings } from '../../domain/settings/setting-definitions.js';
import type { SiteScope } from '../../domain/auth/site-scope.js';
import { DomainError } from '../../domain/errors/domain-error.js';
import { storedJsonReader, storedValueCheck } from '../stored-json.js';

export type SessionRow = Selectable<SessionTable>;
/**
 * A reading as sessions use it: every column but the ids a session already knows
 * (its own, its patient's) and who recorded it. A vitals write reads every reading of
 * the session, and the view lists them all, so narrower rows cost less to read.
 */
export type VitalsRow = Omit<Selectable<VitalsTable>, 'session_id' | 'patient_id' | 'recorded_by'>;

// A chairside screen's view runs these on every write and every poll: compiled once
// per dialect (prepared-query.ts), not built and compiled per request.
const sessionById = prepareQuery((db, p) =>
  db.selectFrom('sessions').selectAll().where('id', '=', p(0)),
);
const courseProtocol = prepareQuery((db, p) =>
  db.selectFrom('courses').select('protocol').where('id', '=', p(0)),
);
const vitalsOfSession = prepareQuery((db, p) =>
  db
    .selectFrom('vitals')
    .select([
      'id',
      'taken_at',
      'phase',
      'systolic_mmhg',
      'diastolic_mmhg',
      'heart_rate_bpm',
      'spo2_percent',
      'respiratory_rate',
      'rhythm',
      'recorded_at',
    ])
    .where('session_id', '=', p(0))
    .orderBy('taken_at')
    .orderBy('recorded_at'),
);
const ratingsOfSession = prepareQuery((db, p) =>
  db
    .selectFrom('assessments')
    .select(['id', 'instrument', 'administered_at', 'total', 'subscales'])
    .where('session_id', '=', p(0))
    .orderBy('administered_at'),
);
const patientOfSession = prepareQuery((db, p) =>
  db
    .selectFrom('patients')
    .select(['id', 'mrn', 'family_name', 'given_name', 'sex'])
    .where('id', '=', p(0)),
);
const alertsOfSession = prepareQuery((db, p) =>
  db.selectFrom('session_alerts').selectAll().where('session_id', '=', p(0)).orderBy('raised_at'),
);
const adverseEventsOfSession = prepareQuery((db, p) =>
  db.selectFrom('adverse_events').selectAll().where('session_id', '=', p(0)).orderBy('onset_at'),
);
const eventsOfSession = prepareQuery((db, p) =>
  db.selectFrom('session_events').selectAll().where('session_id', '=', p(0)).orderBy('at'),
);

// The JSON a session row and its timeline keep, checked against their contracts on reading.
const readDose = storedJsonReader(SessionDoseDto, 'session dose');
const readReadiness = storedJsonReader(ReadinessDto, 'session readiness');
const checkEvent = storedValueCheck(SessionEventDto, 'session event');

/** A session's state, or an error for a row whose state the machine does not know. */
export function stateOf(s: SessionRow): SessionState {
  if (!isSessionState(s.state)) throw new Error(`session ${s.id} is in an unknown state`);
  return s.state;
}

/**
 * A session by id, if its patient is within the scope (siteScopeOf in
 * services/access/site-scope.ts); a session out of scope is not found, as an unknown one.
 */
export async function loadSessionRow(
  db: Kysely<DB>,
  scope: SiteScope,
  id: string,
): Promise<SessionRow> {
  const inScope = patientIdsInScope(db, scope);
  const s =
    inScope === null
      ? (await sessionById.execute(db, [id])).rows[0]
      : await db
          .selectFrom('sessions')
          .selectAll()
          .where('id', '=', id)
          .where('patient_id', 'in', inScope)
          .executeTakeFirst();
  if (!s)
    throw new DomainError(
      'session.not_found',
      'No session has this id, or it is not one you may open.',
    );
  return s;
}

export async function sessionProtocol(db: Kysely<DB>, courseId: string): Promise<ProtocolDto> {
  const c = (await courseProtocol.execute(db, [courseId])).rows[0];
  if (!c) throw new Error(`course ${courseId} of a session is missing`);
  return JSON.parse(c.protocol) as ProtocolDto;
}

export const predoseOf = (vitals: readonly VitalsRow[]): VitalsRow | undefined =>
  vitals.filter((v) => v.phase === 'predose').at(-1);

export async function sessionVitals(db: Kysely<DB>, id: string): Promise<VitalsRow[]> {
  return (await vitalsOfSession.execute(db, [id])).rows;
}

export async function sessionRatings(db: Kysely<DB>, id: string) {
  return (await ratingsOfSession.execute(db, [id])).rows;
}

/**
 * Everything a chairside screen shows, computed from the stored rows. A caller that
 * has just read the session's vitals in the same transaction (and written nothing
 * to them since, or added what it wrote in order) passes them in rather than have
 * them read again.
 */
export async function buildSessionDto(
  db: Kysely<DB>,
  s: SessionRow,
  settings: Settings,
  now: Date,
  currentVitals?: readonly VitalsRow[],
): Promise<SessionDto> {
  const patient = (await patientOfSession.execute(db, [s.patient_id])).rows[0];
  if (!patient) throw new Error(`patient ${s.patient_id} of session ${s.id} is missing`);
  const latest = await latestMeasurements(db, s.patient_id);
  const protocol = await sessionProtocol(db, s.course_id);
  const vitals = currentVitals ?? (await sessionVitals(db, s.id));
  const alerts = (await alertsOfSession.execute(db, [s.id])).rows;
  const aes = (await adverseEventsOfSession.execute(db, [s.id])).rows;
  const ratings = await sessionRatings(db, s.id);
  const events = (await eventsOfSession.execute(db, [s.id])).rows;
  const state = stateOf(s);
  const postdose = vitals.filter((v) => v.phase !== 'predose');
  const lastVitals = vitals.at(-1);
  const due = s.phase_started_at
    ? vitalsDue(
        state,
        lastVitals ? new Date(lastVitals.taken_at) : null,
        new Date(s.phase_started_at),
        now,
        settings,
      )
    : { dueAt: null, overdue: false };
  const predose = predoseOf(vitals);
  const lastBp = [...postdose]
    .reverse()
    .find((v) => v.systolic_mmhg !== null && v.diastolic_mmhg !== null);
  const lastOf = (instrument: string) =>
    ratings.filter((r) => r.instrument === instrument).at(-1)?.total ?? null;
  const observedFrom = protocol.drug === 'esketamine' ? s.infusion_started_at : s.infusion_ended_at;
  const discharge = checkDischarge(
    {
      esketamine: protocol.drug === 'esketamine',
      minutesObserved: observedFrom ? (now.getTime() - Date.parse(observedFrom)) / 60_000 : 0,
      latestVitals: lastBp
        ? { systolicMmHg: lastBp.systolic_mmhg ?? 0, diastolicMmHg: lastBp.diastolic_mmhg ?? 0 }
        : null,
      predose:
        predose?.systolic_mmhg != null && predose.diastolic_mmhg != null
          ? { systolicMmHg: predose.systolic_mmhg, diastolicMmHg: predose.diastolic_mmhg }
          : null,
      latestMoaas: lastOf('moaas'),
      latestCadss: lastOf('cadss'),
      escortPresent: s.escort_present === 1,
    },
    settings,
  );
  return {
    id: s.id,
    courseId: s.course_id,
    patient: {
      id: patient.id,
      mrn: patient.mrn,
      name: `${patient.family_name}, ${patient.given_name}`,
      weightKg: latest.weightG === null ? null : latest.weightG / 1000,
      heightCm: latest.heightMm === null ? null : latest.heightMm / 10,
      sex: patient.sex,
    },
    protocol,
    number: s.number,
    scheduledFor: s.scheduled_for,
    state,
    version: s.version,
    allowedActions: allowedActions(state),
    dose: s.dose ? readDose(s.dose) : null,
    readiness: s.readiness ? readReadiness(s.readiness) : null,
    readinessConfirmedBy: s.readiness_confirmed_by,
    escortPresent: s.escort_present === 1,
    infusionStartedAt: s.infusion_started_at,
    infusionEndedAt: s.infusion_ended_at,
    abortReason: s.abort_reason,
    vitals: vitals.map((v) => ({
      id: v.id,
      takenAt: v.taken_at,
      phase: v.phase,
      systolicMmHg: v.systolic_mmhg,
      diastolicMmHg: v.diastolic_mmhg,
      heartRateBpm: v.heart_rate_bpm,
      spo2Percent: v.spo2_percent,
      respiratoryRate: v.respiratory_rate,
      rhythm: v.rhythm,
    })),
    nextVitalsDueAt: due.dueAt?.toISOString() ?? null,
    vitalsOverdue: due.overdue,
    alerts: alerts.map((a) => ({
      id: a.id,
      rule: a.rule,
      level: a.level,
      value: a.value,
      action: a.action,
      source: a.source,
      raisedAt: a.raised_at,
      acknowledgedAt: a.acknowledged_at,
      acknowledgedBy: a.acknowledged_by,
    })),
    adverseEvents: aes.map((a) => ({
      id: a.id,
      type: a.type,
      severity: a.severity,
      onsetAt: a.onset_at,
      actionTaken: a.action_taken,
      outcome: a.outcome,
      notes: a.notes,
    })),
    ratings: ratings.map((r) => ({
      id: r.id,
      instrument: r.instrument,
      administeredAt: r.administered_at,
      total: r.total,
      subscales: JSON.parse(r.subscales) as Record<string, number>,
    })),
    events: events.map((e) => {
      const detail: unknown = JSON.parse(e.detail);
      return checkEvent({ at: e.at, by: e.by, kind: e.kind, detail });
    }),
    discharge: { ...discharge, unmet: [...discharge.unmet] },
    serverTime: now.toISOString(),
  };
}
