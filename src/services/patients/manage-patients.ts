import type { Kysely } from 'kysely';
import type {
  CreatePatientBody,
  PatientDto,
  PatientList,
  PatientListQuery,
  UpdatePatientBody,
} from '../../contracts/patients.contract.js';
import {
  findPatientIdByMrn,
  insertMeasurement,
  insertPatient,
  latestMeasurements,
  searchPatients,
  updatePatientIfVersion,
  type PatientRow,
} from '../../db/repositories/patient.repository.js';
import { findSiteRows } from '../../db/repositories/site.repository.js';
import type { DB } from '../../db/schema.js';
import { isUniqueViolation } from '../../db/unique-violation.js';
import { isCalendarDate, utcDate } from '../../domain/dates.js';
import { DomainError, validationError } from '../../domain/errors/domain-error.js';
import {
  checkBodyMeasurement,
  checkDemographics,
  cmToMm,
  kgToGrams,
} from '../../domain/patients/patient-rules.js';
import { requirePatientInScope, siteForNewWork, siteScopeOf } from '../access/site-scope.js';
import { changes } from '../audit/audit-event.js';
import type { Deps, RequestContext } from '../deps.js';
import { newId } from '../ids.js';
import { inTransaction, type Audit } from '../unit-of-work.js';
import { toPatientDto, toPatientSummary } from './patient-dto.js';

const nameSearch = (family: string, given: string): string =>
  `${family} ${given}`.toLowerCase().replace(/\s+/g, ' ').trim();

const blankToNull = (v: string | null | undefined): string | null | undefined =>
  v === undefined ? undefined : v === null || v.trim() === '' ? null : v.trim();

export function assertNotArchived(row: PatientRow): void {
  if (row.archived_at !== null) {
    throw new DomainError(
      'patient.archived',
      'This patient is archived; restore the record before changing it.',
    );
  }
}

const mrnTaken = (mrn: string): DomainError =>
  new DomainError('patient.mrn_taken', `MRN ${mrn} belongs to another patient.`, [
    { field: 'mrn', rule: 'unique', message: 'is already used by another patient' },
  ]);

async function mrnMustBeFree(trx: Kysely<DB>, mrn: string, exceptId?: string): Promise<void> {
  const other = await findPatientIdByMrn(trx, mrn);
  if (other && other.id !== exceptId) throw mrnTaken(mrn);
}

/** A concurrent writer can take the MRN between our check and our insert; the unique key decides. */
async function guardMrnRace<T>(mrn: string | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (mrn !== undefined && isUniqueViolation(error)) throw mrnTaken(mrn);
    throw error;
  }
}

export async function createPatient(
  deps: Deps,
  ctx: RequestContext,
  body: CreatePatientBody,
): Promise<PatientDto> {
  const now = deps.clock.now();
  const problems = [
    ...checkDemographics(body, now),
    ...(body.weightKg !== undefined || body.heightCm !== undefined
      ? checkBodyMeasurement({ weightKg: body.weightKg, heightCm: body.heightCm })
      : []),
  ];
  if (problems.length > 0) throw validationError(problems);
  const id = newId();
  const nowIso = now.toISOString();
  const mrn = body.mrn.trim();
  await guardMrnRace(mrn, () =>
    inTransaction(deps, ctx, async (trx, audit) => {
      const siteId = await siteForNewWork(trx, await siteScopeOf(trx, ctx), 'siteId', body.siteId);
      await mrnMustBeFree(trx, mrn);
      const row = {
        id,
        mrn,
        family_name: body.familyName.trim(),
        given_name: body.givenName.trim(),
        name_search: nameSearch(body.familyName, body.givenName),
        date_of_birth: body.dateOfBirth,
        sex: body.sex,
        phone: blankToNull(body.phone) ?? null,
        email: blankToNull(body.email) ?? null,
        notes: blankToNull(body.notes) ?? null,
        archived_at: null,
        archived_reason: null,
        site_id: siteId,
        version: 1,
        created_at: nowIso,
        updated_at: nowIso,
      };
      await insertPatient(trx, row);
      audit({
        action: 'patient.create',
        entityType: 'patient',
        entityId: id,
        patientId: id,
        details: { after: { ...row, name_search: undefined } },
      });
      if (body.weightKg !== undefined || body.heightCm !== undefined) {
        const measurementId = newId();
        const m = {
          id: measurementId,
          patient_id: id,
          measured_on: utcDate(now),
          weight_g: body.weightKg === undefined ? null : kgToGrams(body.weightKg),
          height_mm: body.heightCm === undefined ? null : cmToMm(body.heightCm),
          recorded_by: ctx.actor?.userId ?? 'system',
          recorded_at: nowIso,
        };
        await insertMeasurement(trx, m);
        audit({
          action: 'measurement.create',
          entityType: 'body_measurement',
          entityId: measurementId,
          patientId: id,
          details: { after: m },
        });
      }
    }),
  );
  return getPatient(deps, ctx, id, { audited: true });
}

export async function getPatient(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  opts: { audited?: boolean } = {},
): Promise<PatientDto> {
  return inTransaction(deps, ctx, async (trx, audit) => {
    const row = await requirePatientInScope(trx, ctx, id);
    if (!opts.audited)
      audit({ action: 'patient.read', entityType: 'patient', entityId: id, patientId: id });
    const site = row.site_id === null ? undefined : (await findSiteRows(trx, [row.site_id]))[0];
    return toPatientDto(
      row,
      await latestMeasurements(trx, id),
      deps.clock.now(),
      site ? { id: site.id, name: site.name } : null,
    );
  });
}

export async function listPatients(
  deps: Deps,
  ctx: RequestContext,
  query: PatientListQuery,
): Promise<PatientList> {
  const words = (query.q ?? '')
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  const dateOfBirth = words.find((w) => isCalendarDate(w));
  const terms = words.filter((w) => w !== dateOfBirth);
  return inTransaction(deps, ctx, async (trx, audit) => {
    const { rows, total } = await searchPatients(trx, await siteScopeOf(trx, ctx), {
      terms,
      dateOfBirth,
      includeArchived: query.includeArchived ?? false,
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
    });
    // Every patient shown is a read of that patient's record.
    for (const r of rows) {
      audit({
        action: 'patient.list',
        entityType: 'patient',
        entityId: r.id,
        patientId: r.id,
        details: { q: query.q ?? '' },
      });
    }
    return { patients: rows.map(toPatientSummary), total };
  });
}

export async function updatePatient(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  body: UpdatePatientBody,
): Promise<PatientDto> {
  const now = deps.clock.now();
  const problems = checkDemographics(body, now);
  if (problems.length > 0) throw validationError(problems);
  await guardMrnRace(body.mrn?.trim(), () =>
    inTransaction(deps, ctx, async (trx, audit) => {
      const row = await requirePatientInScope(trx, ctx, id);
      assertNotArchived(row);
      if (row.version !== body.version) throw versionConflict(row.version, body.version);
      const siteId =
        body.siteId === undefined || body.siteId === row.site_id
          ? row.site_id
          : await siteForNewWork(trx, await siteScopeOf(trx, ctx), 'siteId', body.siteId);
      if (body.mrn !== undefined) await mrnMustBeFree(trx, body.mrn.trim(), id);
      const family = body.familyName?.trim() ?? row.family_name;
      const given = body.givenName?.trim() ?? row.given_name;
      const patch = {
        mrn: body.mrn?.trim() ?? row.mrn,
        family_name: family,
        given_name: given,
        name_search: nameSearch(family, given),
        date_of_birth: body.dateOfBirth ?? row.date_of_birth,
        sex: body.sex ?? row.sex,
        phone:
          blankToNull(body.phone) === undefined ? row.phone : (blankToNull(body.phone) ?? null),
        email:
          blankToNull(body.email) === undefined ? row.email : (blankToNull(body.email) ?? null),
        notes:
          blankToNull(body.notes) === undefined ? row.notes : (blankToNull(body.notes) ?? null),
        site_id: siteId,
        updated_at: now.toISOString(),
      };
      if (!(await updatePatientIfVersion(trx, id, body.version, patch))) {
        throw versionConflict(row.version, body.version);
      }
      const { name_search: _ignored, updated_at: _u, ...visible } = patch;
      audit({
        action: 'patient.update',
        entityType: 'patient',
        entityId: id,
        patientId: id,
        details: changes(row, visible),
      });
    }),
  );
  return getPatient(deps, ctx, id, { audited: true });
}

function versionConflict(stored: number, sent: number): DomainError {
  return new DomainError(
    'patient.version_conflict',
    `Someone else changed this patient (version ${stored}, you sent ${sent}); reload and apply your change again.`,
    [{ field: 'version', rule: 'current-version', message: `must be ${stored}` }],
  );
}

async function setArchived(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  archive: { reason: string } | null,
  audit: Audit,
  trx: Kysely<DB>,
): Promise<void> {
  const row = await requirePatientInScope(trx, ctx, id);
  const nowIso = deps.clock.now().toISOString();
  if (archive) assertNotArchived(row);
  else if (row.archived_at === null) return;
  const patch = archive
    ? { archived_at: nowIso, archived_reason: archive.reason.trim(), updated_at: nowIso }
    : { archived_at: null, archived_reason: null, updated_at: nowIso };
  await updatePatientIfVersion(trx, id, row.version, patch);
  audit({
    action: archive ? 'patient.archive' : 'patient.restore',
    entityType: 'patient',
    entityId: id,
    patientId: id,
    details: changes(row, patch),
  });
}

/** Archiving hides a patient from lists; clinical data is never deleted. */
export async function archivePatient(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  reason: string,
): Promise<PatientDto> {
  await inTransaction(deps, ctx, (trx, audit) =>
    setArchived(deps, ctx, id, { reason }, audit, trx),
  );
  return getPatient(deps, ctx, id, { audited: true });
}

export async function restorePatient(
  deps: Deps,
  ctx: RequestContext,
  id: string,
): Promise<PatientDto> {
  await inTransaction(deps, ctx, (trx, audit) => setArchived(deps, ctx, id, null, audit, trx));
  return getPatient(deps, ctx, id, { audited: true });
}
