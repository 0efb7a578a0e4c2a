import type { Kysely } from 'kysely';
import type { ScreenBody, ScreenDto } from '../../contracts/eligibility.contract.js';
import type { DB } from '../../db/schema.js';
import {
  findScreen,
  insertOverride,
  insertScreen,
  listOverridesOf,
  listScreensOf,
  type OverrideRow,
  type ScreenRow,
} from '../../db/repositories/eligibility.repository.js';
import { isUniqueViolation } from '../../db/unique-violation.js';
import { findContraindication, judgeScreen } from '../../domain/eligibility/contraindications.js';
import { DomainError, validationError } from '../../domain/errors/domain-error.js';
import type { Settings } from '../../domain/settings/setting-definitions.js';
import { type Deps, type RequestContext, requireActor } from '../deps.js';
import { newId } from '../ids.js';
import { assertNotArchived } from '../patients/manage-patients.js';
import { requirePatientInScope } from '../access/site-scope.js';
import { loadSettings, settingsAt } from '../settings/settings.js';
import { inTransaction } from '../unit-of-work.js';
import { listSettingChanges } from '../../db/repositories/setting.repository.js';

function toScreenDto(
  r: ScreenRow,
  overrides: readonly OverrideRow[],
  settings: Settings,
  nowIso: string,
): ScreenDto {
  const present = JSON.parse(r.present) as string[];
  const vitals = {
    systolicMmHg: r.systolic_mmhg,
    diastolicMmHg: r.diastolic_mmhg,
    heartRateBpm: r.heart_rate_bpm,
    spo2Percent: r.spo2_percent,
  };
  const mine = overrides.filter((o) => o.screen_id === r.id);
  const expired = r.expires_at <= nowIso;
  const result = judgeScreen(
    present,
    mine.map((o) => ({ itemId: o.item_id, reason: o.reason })),
    vitals,
    settings,
    expired,
  );
  return {
    id: r.id,
    screenedAt: r.screened_at,
    screenedBy: r.screened_by,
    present,
    notes: r.notes,
    vitals,
    overrides: mine.map((o) => ({
      itemId: o.item_id,
      reason: o.reason,
      overriddenBy: o.overridden_by,
      overriddenAt: o.overridden_at,
    })),
    status: result.status,
    overridden: result.overridden,
    absolute: [...result.absolute],
    relativeOpen: [...result.relativeOpen],
    relativeOverridden: [...result.relativeOverridden],
    notesFromRules: [...result.notes],
    expiresAt: r.expires_at,
    expired,
    settingsVersion: r.settings_version,
  };
}

/** Screens, newest first, each judged with the settings of the version it was made under (inside the caller's transaction). */
export async function screensOf(
  trx: Kysely<DB>,
  patientId: string,
  nowIso: string,
): Promise<ScreenDto[]> {
  const rows = await listScreensOf(trx, patientId);
  const overrides = await listOverridesOf(
    trx,
    rows.map((r) => r.id),
  );
  const changes = await listSettingChanges(trx);
  return rows.map((r) =>
    toScreenDto(r, overrides, settingsAt(changes, r.settings_version).settings, nowIso),
  );
}

export async function listScreens(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
): Promise<ScreenDto[]> {
  const nowIso = deps.clock.now().toISOString();
  return inTransaction(deps, ctx, async (trx, audit) => {
    await requirePatientInScope(trx, ctx, patientId);
    audit({ action: 'screen.list', entityType: 'contraindication_screen', patientId });
    return screensOf(trx, patientId, nowIso);
  });
}

export async function createScreen(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
  body: ScreenBody,
): Promise<ScreenDto> {
  const unknown = body.present.filter((id) => !findContraindication(id));
  if (unknown.length > 0) {
    throw validationError(
      unknown.map((id) => ({
        field: 'present',
        rule: 'known-item',
        message: `${id} is not a screening item`,
      })),
    );
  }
  if (body.diastolicMmHg >= body.systolicMmHg) {
    throw validationError([
      {
        field: 'diastolicMmHg',
        rule: 'below-systolic',
        message: 'must be lower than the systolic pressure',
      },
    ]);
  }
  const now = deps.clock.now();
  return inTransaction(deps, ctx, async (trx, audit) => {
    assertNotArchived(await requirePatientInScope(trx, ctx, patientId));
    const { settings, version } = await loadSettings(trx);
    const row = {
      id: newId(),
      patient_id: patientId,
      screened_at: now.toISOString(),
      screened_by: requireActor(ctx).userId,
      present: JSON.stringify(body.present),
      notes: body.notes?.trim() || null,
      systolic_mmhg: body.systolicMmHg,
      diastolic_mmhg: body.diastolicMmHg,
      heart_rate_bpm: body.heartRateBpm,
      spo2_percent: body.spo2Percent ?? null,
      settings_version: version,
      expires_at: new Date(
        now.getTime() + settings['screen.expiryDays'] * 86_400_000,
      ).toISOString(),
    };
    await insertScreen(trx, row);
    const dto = toScreenDto(row, [], settings, now.toISOString());
    audit({
      action: 'screen.create',
      entityType: 'contraindication_screen',
      entityId: row.id,
      patientId,
      details: { after: { present: body.present, status: dto.status } },
    });
    return dto;
  });
}

/** Only a relative item that is present can be overridden, once, with a written reason. */
export async function overrideScreenItem(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
  screenId: string,
  itemId: string,
  reason: string,
): Promise<ScreenDto> {
  const now = deps.clock.now();
  try {
    return await inTransaction(deps, ctx, async (trx, audit) => {
      assertNotArchived(await requirePatientInScope(trx, ctx, patientId));
      const screen = await findScreen(trx, patientId, screenId);
      if (!screen)
        throw new DomainError('record.not_found', `No screen ${screenId} for this patient.`);
      if (screen.expires_at <= now.toISOString()) {
        throw validationError([
          {
            field: 'screenId',
            rule: 'not-expired',
            message: 'this screen has expired; screen the patient again',
          },
        ]);
      }
      const item = findContraindication(itemId);
      const present = JSON.parse(screen.present) as string[];
      if (!item || !present.includes(itemId)) {
        throw validationError([
          { field: 'itemId', rule: 'present-item', message: 'is not an item found on this screen' },
        ]);
      }
      if (item.kind === 'absolute') {
        throw validationError([
          {
            field: 'itemId',
            rule: 'not-absolute',
            message: `${item.label} is an absolute contraindication and cannot be overridden`,
          },
        ]);
      }
      await insertOverride(trx, {
        id: newId(),
        screen_id: screenId,
        item_id: itemId,
        reason: reason.trim(),
        overridden_by: requireActor(ctx).userId,
        overridden_at: now.toISOString(),
      });
      audit({
        action: 'screen.override',
        entityType: 'contraindication_screen',
        entityId: screenId,
        patientId,
        details: { after: { itemId, reason: reason.trim() } },
      });
      const overrides = await listOverridesOf(trx, [screenId]);
      const changes = await listSettingChanges(trx);
      return toScreenDto(
        screen,
        overrides,
        settingsAt(changes, screen.settings_version).settings,
        now.toISOString(),
      );
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new DomainError('validation.failed', 'This item was already overridden.', [
        { field: 'itemId', rule: 'once', message: 'was already overridden' },
      ]);
    }
    throw error;
  }
}
