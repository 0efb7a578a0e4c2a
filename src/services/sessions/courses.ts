import type { Kysely, Selectable } from 'kysely';
import { CourseGatesDto } from '../../contracts/session-records.contract.js';
import type { CourseDto, ProtocolDto, StartCourseBody } from '../../contracts/sessions.contract.js';
import { listTrdEvaluationsOf } from '../../db/repositories/eligibility.repository.js';
import { listConsents } from '../../db/repositories/patient.repository.js';
import type { DB } from '../../db/schema.js';
import type { ProtocolTable } from '../../db/tables/session.table.js';
import { isCalendarDate, utcDate } from '../../domain/dates.js';
import { DomainError, validationError } from '../../domain/errors/domain-error.js';
import { consentInForce } from '../../domain/patients/consent-rules.js';
import { type Deps, type RequestContext, requireActor } from '../deps.js';
import { screensOf } from '../eligibility/screening.js';
import { newId } from '../ids.js';
import { assertNotArchived } from '../patients/manage-patients.js';
import { requirePatientInScope, siteForNewWork, siteScopeOf } from '../access/site-scope.js';
import { storedJsonReader } from '../stored-json.js';
import { inTransaction } from '../unit-of-work.js';

const readGates = storedJsonReader(CourseGatesDto, 'course gates');

export function toProtocolDto(p: Selectable<ProtocolTable>): ProtocolDto {
  return {
    id: p.id,
    name: p.name,
    drug: p.drug,
    route: p.route,
    mgPerKg: p.dose_ug_per_kg === null ? null : p.dose_ug_per_kg / 1000,
    fixedDoseMg: p.fixed_dose_ug === null ? null : p.fixed_dose_ug / 1000,
    durationMin: p.duration_min,
    sessionsPlanned: p.sessions_planned,
    perWeek: p.per_week,
    escalationStepsMgPerKg: (JSON.parse(p.escalation_steps) as number[]).map((s) => s / 1000),
    completerMinDoses: p.completer_min_doses,
  };
}

export async function listProtocols(deps: Deps): Promise<ProtocolDto[]> {
  const rows = await deps.database.db
    .selectFrom('protocols')
    .selectAll()
    .where('active', '=', 1)
    .orderBy('id')
    .execute();
  return rows.map(toProtocolDto);
}

/** Session dates spread over the week: 3 a week → every 2–3 days, 2 a week → every 3–4 days. */
export function sessionDates(startOn: string, count: number, perWeek: number): string[] {
  const start = Date.parse(`${startOn}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) =>
    new Date(start + Math.floor((i * 7) / perWeek) * 86_400_000).toISOString().slice(0, 10),
  );
}

async function courseDto(db: Kysely<DB>, id: string): Promise<CourseDto> {
  const c = await db
    .selectFrom('courses')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const site = c.site_id
    ? await db.selectFrom('sites').selectAll().where('id', '=', c.site_id).executeTakeFirst()
    : undefined;
  const sessions = await db
    .selectFrom('sessions')
    .select(['id', 'number', 'scheduled_for', 'state'])
    .where('course_id', '=', id)
    .orderBy('number')
    .execute();
  return {
    id: c.id,
    protocol: JSON.parse(c.protocol) as ProtocolDto,
    startOn: c.start_on,
    plannedSessions: c.planned_sessions,
    site: site ? { id: site.id, name: site.name } : null,
    status: c.status,
    gates: readGates(c.gates),
    sessions: sessions.map((s) => ({
      id: s.id,
      number: s.number,
      scheduledFor: s.scheduled_for,
      state: s.state as CourseDto['sessions'][number]['state'],
    })),
    createdAt: c.created_at,
  };
}

export async function listCourses(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
): Promise<CourseDto[]> {
  return inTransaction(deps, ctx, async (trx, audit) => {
    await requirePatientInScope(trx, ctx, patientId);
    audit({ action: 'course.list', entityType: 'course', patientId });
    const ids = await trx
      .selectFrom('courses')
      .select('id')
      .where('patient_id', '=', patientId)
      .orderBy('created_at', 'desc')
      .execute();
    return Promise.all(ids.map((r) => courseDto(trx, r.id)));
  });
}

/**
 * A course starts only with a TRD verdict (or a clinician's written override), a
 * contraindication screen that is clear (or overridden) and not expired, and
 * consent in force (issue 5). The gates as they stood are stored with the course.
 */
export async function startCourse(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
  body: StartCourseBody,
): Promise<CourseDto> {
  const actor = requireActor(ctx);
  const now = deps.clock.now();
  if (!isCalendarDate(body.startOn))
    throw validationError([
      { field: 'startOn', rule: 'calendar-date', message: 'must be a real date' },
    ]);
  return inTransaction(deps, ctx, async (trx, audit) => {
    const patient = await requirePatientInScope(trx, ctx, patientId);
    assertNotArchived(patient);
    const protocol = await trx
      .selectFrom('protocols')
      .selectAll()
      .where('id', '=', body.protocolId)
      .where('active', '=', 1)
      .executeTakeFirst();
    if (!protocol)
      throw validationError([
        { field: 'protocolId', rule: 'known-protocol', message: 'is not an active protocol' },
      ]);
    // Given at one of the starter's sites when they are limited to sites; by default at the
    // patient's home site (ADR 0027).
    const siteId = await siteForNewWork(
      trx,
      await siteScopeOf(trx, ctx),
      'siteId',
      body.siteId,
      patient.site_id,
    );
    // The gates are read in the same transaction that starts the course.
    const verdictRow = (await listTrdEvaluationsOf(trx, patientId))[0];
    const verdict = verdictRow
      ? {
          id: verdictRow.id,
          evaluatedAt: verdictRow.evaluated_at,
          trd: (JSON.parse(verdictRow.result) as { trd: boolean }).trd,
        }
      : undefined;
    const screen = (await screensOf(trx, patientId, now.toISOString()))[0];
    const consents = await listConsents(trx, patientId);
    const consentOk = consents.some((c) =>
      consentInForce(
        { signedOn: c.signed_on, expiresOn: c.expires_on, withdrawnOn: c.withdrawn_on },
        utcDate(now),
      ),
    );
    const problems = [];
    if (!verdict?.trd && !body.trdOverrideReason) {
      problems.push({
        field: 'trdOverrideReason',
        rule: 'trd-required',
        message: verdict
          ? 'the latest verdict is not TRD; give a clinician override reason to proceed'
          : 'no TRD verdict on file; evaluate eligibility or give an override reason',
      });
    }
    if (!screen)
      problems.push({
        field: 'screen',
        rule: 'screen-required',
        message: 'no contraindication screen on file',
      });
    else if (screen.expired)
      problems.push({
        field: 'screen',
        rule: 'screen-current',
        message: 'the contraindication screen has expired',
      });
    else if (screen.status !== 'clear')
      problems.push({
        field: 'screen',
        rule: 'screen-clear',
        message: `the contraindication screen is ${screen.status}`,
      });
    if (!consentOk)
      problems.push({ field: 'consent', rule: 'consent-required', message: 'no consent in force' });
    if (problems.length > 0)
      throw new DomainError(
        'course.gates_not_met',
        problems.map((p) => p.message).join('; '),
        problems,
      );

    const planned = body.plannedSessions ?? protocol.sessions_planned;
    const protocolDto = toProtocolDto(protocol);
    const id = newId();
    const gates: CourseGatesDto = {
      trd: verdict
        ? { evaluationId: verdict.id, trd: verdict.trd, evaluatedAt: verdict.evaluatedAt }
        : null,
      trdOverrideReason: body.trdOverrideReason ?? null,
      screen: screen
        ? {
            id: screen.id,
            status: screen.status,
            overridden: screen.overridden,
            expiresAt: screen.expiresAt,
          }
        : null,
      consent: true,
    };
    await trx
      .insertInto('courses')
      .values({
        id,
        patient_id: patientId,
        protocol_id: protocol.id,
        protocol: JSON.stringify(protocolDto),
        start_on: body.startOn,
        planned_sessions: planned,
        status: 'active',
        gates: JSON.stringify(gates),
        created_by: actor.userId,
        created_at: now.toISOString(),
        site_id: siteId,
      })
      .execute();
    const dates = sessionDates(body.startOn, planned, protocol.per_week);
    await trx
      .insertInto('sessions')
      .values(
        dates.map((d, i) => ({
          id: newId(),
          course_id: id,
          patient_id: patientId,
          number: i + 1,
          scheduled_for: d,
          state: 'scheduled',
          version: 1,
          dose: null,
          readiness: null,
          readiness_confirmed_by: null,
          escort_present: 0,
          last_food_at: null,
          last_liquid_at: null,
          infusion_started_at: null,
          infusion_ended_at: null,
          phase_started_at: null,
          abort_reason: null,
          updated_at: now.toISOString(),
        })),
      )
      .execute();
    audit({
      action: 'course.start',
      entityType: 'course',
      entityId: id,
      patientId,
      details: { after: { protocol: protocol.id, planned, gates } },
    });
    return courseDto(trx, id);
  });
}
