import { bpRise } from '../../domain/sessions/bp-rise.js';
import { sql, type Kysely, type Updateable } from 'kysely';
import type {
  ActBody,
  AdverseEventBody,
  DoseBody,
  SessionDto,
  SessionRatingBody,
  SymptomBody,
  VitalsBody,
} from '../../contracts/sessions.contract.js';
import type {
  ReadinessDto,
  SessionDoseDto,
  SessionEventDto,
} from '../../contracts/session-records.contract.js';
import { listConsents } from '../../db/repositories/patient.repository.js';
import { prepareQuery } from '../../db/prepared-query.js';
import type { DB } from '../../db/schema.js';
import type { SessionTable } from '../../db/tables/session.table.js';
import { utcDate } from '../../domain/dates.js';
import { calculateInfusionDose, esketamineDevices } from '../../domain/dosing/dose-calculator.js';
import { DomainError, validationError } from '../../domain/errors/domain-error.js';
import { consentInForce } from '../../domain/patients/consent-rules.js';
import { BPRS_POSITIVE_ITEMS } from '../../domain/scales/bprs.js';
import {
  evaluateBprsPositive,
  evaluateCadss,
  evaluateMoaas,
  evaluateSymptom,
  evaluateVitals,
  type SessionAlert,
} from '../../domain/sessions/alert-rules.js';
import { checkReadiness } from '../../domain/sessions/check-readiness.js';
import { transition, type SessionState } from '../../domain/sessions/session-state.js';
import { roleHasPermission } from '../../domain/auth/permissions.js';
import type { Settings } from '../../domain/settings/setting-definitions.js';
import { siteScopeOf } from '../access/site-scope.js';
import { storeAssessment } from '../assessments/record-assessment.js';
import { type Deps, type RequestContext, requireActor } from '../deps.js';
import { screensOf } from '../eligibility/screening.js';
import { newId } from '../ids.js';
import { refreshCourseOutcomes } from '../outcomes/course-outcomes.js';
import { loadSettings } from '../settings/settings.js';
import { inTransaction, type Audit } from '../unit-of-work.js';
import {
  buildSessionDto,
  loadSessionRow,
  predoseOf,
  sessionProtocol,
  sessionRatings,
  sessionVitals,
  stateOf,
  type SessionRow,
  type VitalsRow,
} from './session-view.js';
import { latestMeasurements } from '../../db/repositories/patient.repository.js';

/**
 * Writes a change to a session. With `expected`, only if nobody changed it since
 * that version was read (no lost updates); appends pass null and just bump it so
 * other screens notice.
 */
async function bump(
  trx: Kysely<DB>,
  s: SessionRow,
  expected: number | null,
  patch: Updateable<SessionTable>,
  nowIso: string,
): Promise<void> {
  let q = trx
    .updateTable('sessions')
    .set({ ...patch, version: sql<number>`version + 1`, updated_at: nowIso })
    .where('id', '=', s.id);
  if (expected !== null) q = q.where('version', '=', expected);
  const r = await q.executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) {
    throw new DomainError(
      'session.version_conflict',
      `Someone else changed this session (you had version ${expected}, it is now ${s.version}); your change was not saved. Reload and try again.`,
      [{ field: 'version', rule: 'current-version', message: `must be ${s.version}` }],
    );
  }
}

// Every append (each vitals write) bumps the version: compiled once (prepared-query.ts).
const bumpVersion = prepareQuery((db, p) =>
  db
    .updateTable('sessions')
    .set({ version: sql<number>`version + 1`, updated_at: p(1) })
    .where('id', '=', p(0)),
);

/** `bump` for an append: no expected version, nothing else changed. */
async function touchSession(trx: Kysely<DB>, id: string, nowIso: string): Promise<void> {
  const r = await bumpVersion.execute(trx, [id, nowIso]);
  if (Number(r.numAffectedRows) !== 1) {
    throw new DomainError(
      'session.not_found',
      'No session has this id, or it is not one you may open.',
    );
  }
}

/** A timeline entry as written: its kind and the detail that kind carries (session-records.contract.ts). */
type SessionEventRecord = SessionEventDto extends infer E
  ? E extends SessionEventDto
    ? Omit<E, 'at' | 'by'>
    : never
  : never;

async function logEvent(
  trx: Kysely<DB>,
  sessionId: string,
  by: string | null,
  event: SessionEventRecord,
  at: string,
): Promise<void> {
  await trx
    .insertInto('session_events')
    .values({
      id: newId(),
      session_id: sessionId,
      at,
      by,
      kind: event.kind,
      detail: JSON.stringify(event.detail),
    })
    .execute();
}

async function raise(
  trx: Kysely<DB>,
  audit: Audit,
  s: SessionRow,
  alerts: readonly SessionAlert[],
  source: string,
  sourceId: string | null,
  at: string,
): Promise<void> {
  for (const a of alerts) {
    const id = newId();
    await trx
      .insertInto('session_alerts')
      .values({
        id,
        session_id: s.id,
        patient_id: s.patient_id,
        rule: a.rule,
        level: a.level,
        value: a.value,
        action: a.action,
        source,
        source_id: sourceId,
        raised_at: at,
        acknowledged_at: a.level === 'recorded' ? at : null,
        acknowledged_by: null,
      })
      .execute();
    audit({
      action: 'session.alert',
      entityType: 'session_alert',
      entityId: id,
      patientId: s.patient_id,
      details: { after: a },
    });
  }
}

export async function getSession(deps: Deps, ctx: RequestContext, id: string): Promise<SessionDto> {
  return inTransaction(deps, ctx, async (trx, audit) => {
    const s = await loadSessionRow(trx, await siteScopeOf(trx, ctx), id);
    audit({ action: 'session.read', entityType: 'session', entityId: id, patientId: s.patient_id });
    const { settings } = await loadSettings(trx);
    return buildSessionDto(trx, s, settings, deps.clock.now());
  });
}

/** A cheap read for screens that poll for changes by others. */
export async function sessionVersion(
  deps: Deps,
  ctx: RequestContext,
  id: string,
): Promise<{ version: number; state: string }> {
  const db = deps.database.db;
  const s = await loadSessionRow(db, await siteScopeOf(db, ctx), id);
  return { version: s.version, state: s.state };
}

async function readinessFor(
  trx: Kysely<DB>,
  s: SessionRow,
  esketamine: boolean,
  now: Date,
  settings: Settings,
) {
  const consents = await listConsents(trx, s.patient_id);
  const screen = (await screensOf(trx, s.patient_id, now.toISOString()))[0];
  const vitals = predoseOf(await sessionVitals(trx, s.id));
  const lastDose = await trx
    .selectFrom('sessions')
    .select((eb) => eb.fn.max('infusion_started_at').as('at'))
    .where('patient_id', '=', s.patient_id)
    .where('id', '!=', s.id)
    .executeTakeFirst();
  const since = new Date(
    now.getTime() - settings['predose.siLookbackDays'] * 86_400_000,
  ).toISOString();
  const openSi = await trx
    .selectFrom('clinical_alerts')
    .innerJoin('assessments', 'assessments.id', 'clinical_alerts.assessment_id')
    .select(['clinical_alerts.detail', 'assessments.instrument'])
    .where('clinical_alerts.patient_id', '=', s.patient_id)
    .where('clinical_alerts.acknowledged_at', 'is', null)
    .where('assessments.administered_at', '>=', since)
    .execute();
  const unacknowledgedSi = openSi
    .map((a) => JSON.parse(a.detail) as { instrument: string; item: string; value: number })
    .filter(
      (d) =>
        (d.instrument === 'qids-sr16' && d.value >= settings['predose.siQidsItem12Min']) ||
        (d.instrument === 'phq-9' && d.value >= settings['predose.siPhq9Item9Min']) ||
        (d.instrument !== 'qids-sr16' && d.instrument !== 'phq-9'),
    );
  return checkReadiness(
    {
      consentInForce: consents.some((c) =>
        consentInForce(
          { signedOn: c.signed_on, expiresOn: c.expires_on, withdrawnOn: c.withdrawn_on },
          utcDate(now),
        ),
      ),
      screen: screen ? { status: screen.status, expired: screen.expired } : null,
      vitals:
        vitals &&
        vitals.systolic_mmhg !== null &&
        vitals.diastolic_mmhg !== null &&
        vitals.heart_rate_bpm !== null
          ? {
              systolicMmHg: vitals.systolic_mmhg,
              diastolicMmHg: vitals.diastolic_mmhg,
              heartRateBpm: vitals.heart_rate_bpm,
              spo2Percent: vitals.spo2_percent,
            }
          : null,
      hoursSinceLastDose: lastDose?.at
        ? (now.getTime() - Date.parse(lastDose.at)) / 3_600_000
        : null,
      unacknowledgedSi,
      esketamine,
      minutesSinceFood: s.last_food_at
        ? (now.getTime() - Date.parse(s.last_food_at)) / 60_000
        : null,
      minutesSinceLiquid: s.last_liquid_at
        ? (now.getTime() - Date.parse(s.last_liquid_at)) / 60_000
        : null,
    },
    settings,
  );
}

/** One state-machine step, with the checks each step needs, in one transaction. */
export async function actOnSession(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  body: ActBody,
): Promise<SessionDto> {
  const actor = requireActor(ctx);
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  return inTransaction(deps, ctx, async (trx, audit) => {
    const scope = await siteScopeOf(trx, ctx);
    const s = await loadSessionRow(trx, scope, id);
    if (s.version !== body.version) await bump(trx, s, body.version, {}, nowIso);
    const from = stateOf(s);
    const t = transition(from, body.action, body.reason);
    if (!t.ok) throw new DomainError('session.transition_refused', t.reason);
    const protocol = await sessionProtocol(trx, s.course_id);
    const loaded = await loadSettings(trx);
    const { settings } = loaded;
    const patch: Updateable<SessionTable> = { state: t.to };
    const change = { from, to: t.to };
    // Clearance and discharge record what they checked; the other steps the change of state.
    let event: SessionEventRecord;
    switch (body.action) {
      case 'clear': {
        const readiness = await readinessFor(trx, s, protocol.drug === 'esketamine', now, settings);
        const refuse = (why: string, reasons = readiness.reasons) =>
          new DomainError(
            'session.not_cleared',
            `${why} ${reasons.map((r) => r.message).join(' ')}`,
            readiness.reasons.map((r) => ({ field: r.check, rule: r.level, message: r.message })),
          );
        if (readiness.level === 'not-cleared') {
          throw refuse(
            'Not cleared:',
            readiness.reasons.filter((r) => r.level === 'not-cleared'),
          );
        }
        if (readiness.level === 'caution') {
          if (!roleHasPermission(actor.role, 'sessions.confirm'))
            throw refuse('Caution: a clinician must confirm.');
          if (!body.confirmCaution) throw refuse('Caution: confirm to proceed.');
          patch.readiness_confirmed_by = actor.userId;
        }
        const cleared: ReadinessDto = {
          level: readiness.level,
          reasons: readiness.reasons.map((r) => ({ ...r })),
        };
        patch.readiness = JSON.stringify(cleared);
        event = { kind: body.action, detail: { ...change, readiness: cleared } };
        break;
      }
      case 'discharge': {
        if (body.escortPresent !== undefined) patch.escort_present = body.escortPresent ? 1 : 0;
        const view = await buildSessionDto(
          trx,
          {
            ...s,
            escort_present:
              body.escortPresent === undefined ? s.escort_present : body.escortPresent ? 1 : 0,
          },
          settings,
          now,
        );
        const d = view.discharge;
        if (!d.ready)
          throw new DomainError(
            'session.transition_refused',
            `Not ready for discharge: ${d.unmet.join('; ')}.`,
          );
        event = {
          kind: body.action,
          detail: { ...change, discharge: d, minutesUntilReady: body.minutesUntilReady },
        };
        break;
      }
      case 'check-in':
        if (body.escortPresent !== undefined) patch.escort_present = body.escortPresent ? 1 : 0;
        if (body.lastFoodAt) patch.last_food_at = body.lastFoodAt;
        if (body.lastLiquidAt) patch.last_liquid_at = body.lastLiquidAt;
        event = { kind: body.action, detail: change };
        break;
      case 'start':
        if (!s.dose)
          throw new DomainError('session.transition_refused', 'Set the dose before starting.');
        patch.infusion_started_at = nowIso;
        patch.phase_started_at = nowIso;
        event = { kind: body.action, detail: change };
        break;
      case 'end-infusion':
        patch.infusion_ended_at = nowIso;
        patch.phase_started_at = nowIso;
        event = { kind: body.action, detail: change };
        break;
      case 'abort':
        patch.abort_reason = body.reason?.trim() ?? null;
        event = { kind: body.action, detail: change };
        break;
      case 'pause':
      case 'resume':
        event = { kind: body.action, detail: change };
        break;
    }
    await bump(trx, s, body.version, patch, nowIso);
    // A dose given changes the course's outcomes (first dose, baseline, doses by response).
    if (body.action === 'start') await refreshCourseOutcomes(trx, [s.course_id], loaded, now);
    await logEvent(trx, s.id, actor.userId, event, nowIso);
    audit({
      action: `session.${body.action}`,
      entityType: 'session',
      entityId: s.id,
      patientId: s.patient_id,
      details: {
        before: { state: s.state },
        after: { state: t.to },
        ...(body.reason ? { reason: body.reason } : {}),
      },
    });
    return buildSessionDto(trx, await loadSessionRow(trx, scope, id), settings, now);
  });
}

/**
 * Computes and stores the dose from the protocol, the latest weight and the
 * chosen basis. Only a clinician may set a dose other than the protocol's
 * starting dose (escalation); the hard maximum always applies.
 */
export async function setSessionDose(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  body: DoseBody,
): Promise<SessionDto> {
  const actor = requireActor(ctx);
  const now = deps.clock.now();
  return inTransaction(deps, ctx, async (trx, audit) => {
    const scope = await siteScopeOf(trx, ctx);
    const s = await loadSessionRow(trx, scope, id);
    if (!['scheduled', 'checked-in', 'cleared'].includes(s.state))
      throw new DomainError(
        'session.transition_refused',
        `The dose cannot change once the session is ${s.state}.`,
      );
    const protocol = await sessionProtocol(trx, s.course_id);
    const { settings } = await loadSettings(trx);
    let dose: SessionDoseDto;
    if (protocol.drug === 'esketamine') {
      const mg = body.esketamineDoseMg ?? protocol.fixedDoseMg ?? 56;
      const r = esketamineDevices(mg);
      if (!r.ok)
        throw new DomainError(
          'session.dose_invalid',
          r.errors.map((e) => e.message).join('; '),
          r.errors,
        );
      dose = {
        drug: 'esketamine',
        route: protocol.route,
        ...r.dose,
        doseUg: mg * 1000,
        lotNumber: body.lotNumber?.trim() ?? null,
      };
    } else {
      const mgPerKg = body.mgPerKg ?? protocol.mgPerKg ?? 0;
      const allowed =
        protocol.mgPerKg === mgPerKg || roleHasPermission(actor.role, 'sessions.confirm');
      if (!allowed)
        throw new DomainError(
          'auth.forbidden',
          'Only a clinician may change the dose from the protocol (escalation).',
        );
      const patient = await trx
        .selectFrom('patients')
        .select(['sex'])
        .where('id', '=', s.patient_id)
        .executeTakeFirstOrThrow();
      const latest = await latestMeasurements(trx, s.patient_id);
      if (latest.weightG === null)
        throw validationError([
          { field: 'weightKg', rule: 'required', message: 'record the patient’s weight first' },
        ]);
      const r = calculateInfusionDose({
        mgPerKg,
        basis: body.basis ?? 'actual',
        actualWeightKg: latest.weightG / 1000,
        heightCm: latest.heightMm === null ? null : latest.heightMm / 10,
        sex: patient.sex,
        concentrationMgPerMl: body.concentrationMgPerMl ?? 1,
        durationMin: protocol.durationMin,
        maxMgPerKg: protocol.drug === 'midazolam' ? mgPerKg : settings['dose.maxMgPerKg'],
      });
      if (!r.ok)
        throw new DomainError(
          'session.dose_invalid',
          r.errors.map((e) => `${e.field}: ${e.message}`).join('; '),
          r.errors,
        );
      dose = {
        drug: protocol.drug,
        route: protocol.route,
        ...r.dose,
        escalated: protocol.mgPerKg !== mgPerKg,
        setBy: actor.userId,
      };
    }
    await bump(trx, s, body.version, { dose: JSON.stringify(dose) }, now.toISOString());
    await logEvent(trx, s.id, actor.userId, { kind: 'dose', detail: dose }, now.toISOString());
    audit({
      action: 'session.dose',
      entityType: 'session',
      entityId: s.id,
      patientId: s.patient_id,
      details: { before: s.dose ? (JSON.parse(s.dose) as unknown) : null, after: dose },
    });
    return buildSessionDto(trx, await loadSessionRow(trx, scope, id), settings, now);
  });
}

const PHASE: Partial<Record<SessionState, string>> = {
  'checked-in': 'predose',
  cleared: 'predose',
  infusing: 'infusing',
  paused: 'infusing',
  observing: 'observing',
};

/** What an append to a running session (a reading, a rating, an event) works with. */
interface AppendScope {
  readonly trx: Kysely<DB>;
  readonly audit: Audit;
  readonly session: SessionRow;
  readonly loaded: { readonly settings: Settings; readonly version: number };
  readonly now: Date;
  /**
   * The session's vitals as they now stand, when the work has them in hand (a vitals
   * write): the view is built from them instead of reading every reading again.
   */
  view: { vitals?: readonly VitalsRow[] };
}

/**
 * One transaction for an append: load the session, do the work, bump the version
 * so other screens reload, return the fresh view. Appends need no version from
 * the client: they never overwrite anything.
 */
async function appendToSession(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  work: (scope: AppendScope) => Promise<void>,
): Promise<SessionDto> {
  const now = deps.clock.now();
  return inTransaction(deps, ctx, async (trx, audit) => {
    const scope = await siteScopeOf(trx, ctx);
    const session = await loadSessionRow(trx, scope, id);
    const loaded = await loadSettings(trx);
    const view: AppendScope['view'] = {};
    await work({ trx, audit, session, loaded, now, view });
    await touchSession(trx, session.id, now.toISOString());
    return buildSessionDto(
      trx,
      await loadSessionRow(trx, scope, id),
      loaded.settings,
      now,
      view.vitals,
    );
  });
}

function phaseOf(s: SessionRow, what: string): string {
  const phase = PHASE[s.state as SessionState];
  if (!phase)
    throw new DomainError(
      'session.transition_refused',
      `${what} are recorded from check-in to discharge; this session is ${s.state}.`,
    );
  return phase;
}

/**
 * `rows` (ordered by taken_at, then recorded_at) with `row` added where that order
 * puts it: after every reading taken (and recorded) no later, as a fresh read of
 * the table would list it.
 */
function withReadingInOrder(rows: readonly VitalsRow[], row: VitalsRow): VitalsRow[] {
  let at = rows.length;
  while (at > 0) {
    const prev = rows[at - 1];
    if (
      prev === undefined ||
      prev.taken_at < row.taken_at ||
      (prev.taken_at === row.taken_at && prev.recorded_at <= row.recorded_at)
    )
      break;
    at -= 1;
  }
  return [...rows.slice(0, at), row, ...rows.slice(at)];
}

/** Appends a reading, evaluates every alert rule against the pre-dose reading, and raises what fires. */
export async function recordSessionVitals(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  body: VitalsBody,
): Promise<SessionDto> {
  const actor = requireActor(ctx);
  if (
    body.systolicMmHg !== undefined &&
    body.diastolicMmHg !== undefined &&
    body.diastolicMmHg >= body.systolicMmHg
  ) {
    throw validationError([
      {
        field: 'diastolicMmHg',
        rule: 'below-systolic',
        message: 'must be lower than the systolic pressure',
      },
    ]);
  }
  if ((body.systolicMmHg === undefined) !== (body.diastolicMmHg === undefined)) {
    throw validationError([
      {
        field: body.systolicMmHg === undefined ? 'systolicMmHg' : 'diastolicMmHg',
        rule: 'pair',
        message: 'give both blood pressure values',
      },
    ]);
  }
  const now = deps.clock.now();
  const takenAt = body.takenAt ? new Date(body.takenAt) : now;
  if (Number.isNaN(takenAt.getTime()) || takenAt.getTime() > now.getTime() + 60_000) {
    throw validationError([
      { field: 'takenAt', rule: 'not-in-future', message: 'must not be in the future' },
    ]);
  }
  return appendToSession(
    deps,
    ctx,
    id,
    async ({ trx, audit, session: s, loaded, now: at, view }) => {
      const phase = phaseOf(s, 'Vitals');
      const earlier = await sessionVitals(trx, s.id);
      const before = predoseOf(earlier);
      const row = {
        id: newId(),
        session_id: s.id,
        patient_id: s.patient_id,
        taken_at: takenAt.toISOString(),
        phase,
        systolic_mmhg: body.systolicMmHg ?? null,
        diastolic_mmhg: body.diastolicMmHg ?? null,
        heart_rate_bpm: body.heartRateBpm ?? null,
        spo2_percent: body.spo2Percent ?? null,
        respiratory_rate: body.respiratoryRate ?? null,
        rhythm: body.rhythm ?? null,
        recorded_by: actor.userId,
        recorded_at: at.toISOString(),
      };
      await trx.insertInto('vitals').values(row).execute();
      // Every reading, in the order sessionVitals reads them, without reading them again.
      const vitals = withReadingInOrder(earlier, row);
      view.vitals = vitals;
      // Keep the session's largest BP rise current for reports (one place: bp-rise.ts).
      const rise = bpRise(
        vitals.map((v) => ({
          phase: v.phase,
          systolicMmHg: v.systolic_mmhg,
          diastolicMmHg: v.diastolic_mmhg,
        })),
      );
      await trx
        .updateTable('sessions')
        .set({
          systolic_rise_mmhg: rise.systolicRiseMmHg,
          diastolic_rise_mmhg: rise.diastolicRiseMmHg,
        })
        .where('id', '=', s.id)
        .execute();
      audit({
        action: 'session.vitals',
        entityType: 'vitals',
        entityId: row.id,
        patientId: s.patient_id,
        details: { after: row },
      });
      if (phase !== 'predose') {
        const reading = (v: typeof row | NonNullable<typeof before>) => ({
          systolicMmHg: v.systolic_mmhg,
          diastolicMmHg: v.diastolic_mmhg,
          heartRateBpm: v.heart_rate_bpm,
          spo2Percent: v.spo2_percent,
          rhythm: v.rhythm as 'regular' | 'irregular' | null,
        });
        await raise(
          trx,
          audit,
          s,
          evaluateVitals(reading(row), before ? reading(before) : null, loaded.settings),
          'vitals',
          row.id,
          at.toISOString(),
        );
      }
    },
  );
}

export async function acknowledgeSessionAlert(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  alertId: string,
): Promise<SessionDto> {
  const actor = requireActor(ctx);
  return appendToSession(deps, ctx, id, async ({ trx, audit, session: s, now }) => {
    const r = await trx
      .updateTable('session_alerts')
      .set({ acknowledged_at: now.toISOString(), acknowledged_by: actor.userId })
      .where('id', '=', alertId)
      .where('session_id', '=', id)
      .where('acknowledged_at', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) {
      throw new DomainError(
        'alert.already_acknowledged',
        'This alert does not exist on this session or was already acknowledged.',
      );
    }
    await logEvent(
      trx,
      s.id,
      actor.userId,
      { kind: 'alert-acknowledged', detail: { alertId } },
      now.toISOString(),
    );
    audit({
      action: 'session.alert_acknowledge',
      entityType: 'session_alert',
      entityId: alertId,
      patientId: s.patient_id,
    });
  });
}

/** CADSS, MOAA/S or BPRS scored by the instrument library, then checked against the session's first rating. */
export async function recordSessionRating(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  body: SessionRatingBody,
): Promise<SessionDto> {
  const actor = requireActor(ctx);
  return appendToSession(deps, ctx, id, async ({ trx, audit, session: s, loaded, now }) => {
    phaseOf(s, 'Ratings');
    const earlier = (await sessionRatings(trx, s.id)).filter(
      (r) => r.instrument === body.instrument,
    );
    const stored = await storeAssessment(
      trx,
      audit,
      {
        patientId: s.patient_id,
        instrument: body.instrument,
        answers: body.answers,
        options: {},
        administeredAt: now.toISOString(),
        respondent: 'clinician',
        enteredBy: actor.userId,
        source: 'web',
        selfReportLinkId: null,
        sessionId: s.id,
      },
      loaded,
      now,
    );
    const baseline = earlier[0]?.total ?? null;
    const alerts =
      body.instrument === 'moaas'
        ? evaluateMoaas(stored.total ?? 5, baseline, loaded.settings)
        : body.instrument === 'cadss'
          ? evaluateCadss(stored.total ?? 0, baseline, loaded.settings)
          : evaluateBprsPositive(
              Object.fromEntries(BPRS_POSITIVE_ITEMS.map((i) => [i, body.answers[i] ?? null])),
              loaded.settings,
            );
    await raise(trx, audit, s, alerts, 'rating', stored.id, now.toISOString());
  });
}

export async function recordAdverseEvent(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  body: AdverseEventBody,
): Promise<SessionDto> {
  const actor = requireActor(ctx);
  return appendToSession(deps, ctx, id, async ({ trx, audit, session: s, now }) => {
    const row = {
      id: newId(),
      session_id: s.id,
      patient_id: s.patient_id,
      type: body.type,
      severity: body.severity,
      onset_at: body.onsetAt ?? now.toISOString(),
      action_taken: body.actionTaken,
      outcome: body.outcome,
      notes: body.notes?.trim() || null,
      recorded_by: actor.userId,
      recorded_at: now.toISOString(),
    };
    await trx.insertInto('adverse_events').values(row).execute();
    await logEvent(
      trx,
      s.id,
      actor.userId,
      { kind: 'adverse-event', detail: { type: body.type, severity: body.severity } },
      now.toISOString(),
    );
    audit({
      action: 'session.adverse_event',
      entityType: 'adverse_event',
      entityId: row.id,
      patientId: s.patient_id,
      details: { after: row },
    });
  });
}

export async function reportSymptom(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  body: SymptomBody,
): Promise<SessionDto> {
  requireActor(ctx);
  return appendToSession(deps, ctx, id, async ({ trx, audit, session: s, now }) => {
    await raise(trx, audit, s, [evaluateSymptom(body.symptom)], 'symptom', null, now.toISOString());
  });
}
