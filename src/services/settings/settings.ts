import type { Kysely } from 'kysely';
import type { SettingDto, SettingList } from '../../contracts/instruments.contract.js';
import {
  insertSettingChange,
  listSettingChanges,
  type SettingChangeRow,
} from '../../db/repositories/setting.repository.js';
import type { DB } from '../../db/schema.js';
import { isUniqueViolation } from '../../db/unique-violation.js';
import { DomainError, validationError } from '../../domain/errors/domain-error.js';
import {
  checkSettingValue,
  DEFAULT_SETTINGS,
  SETTING_DEFINITIONS,
  settingDefinition,
  type SettingKey,
  type Settings,
} from '../../domain/settings/setting-definitions.js';
import { type Deps, type RequestContext, requireActor } from '../deps.js';
import { inTransaction } from '../unit-of-work.js';

export interface LoadedSettings {
  readonly settings: Settings;
  /** The number of the last change (0 = all defaults); stored with every verdict and score. */
  readonly version: number;
  readonly lastChange: ReadonlyMap<string, SettingChangeRow>;
}

/** Defaults overlaid with the latest stored change of each key. */
export async function loadSettings(db: Kysely<DB>): Promise<LoadedSettings> {
  return settingsAt(await listSettingChanges(db), Number.POSITIVE_INFINITY);
}

/** The settings as they stood at a version: defaults plus every change up to it. */
export function settingsAt(
  changes: readonly SettingChangeRow[],
  upToVersion: number,
): LoadedSettings {
  const values: Record<string, number> = { ...DEFAULT_SETTINGS };
  const lastChange = new Map<string, SettingChangeRow>();
  let version = 0;
  for (const c of changes) {
    if (c.version > upToVersion) continue;
    if (settingDefinition(c.key)) {
      values[c.key] = Number(c.value);
      lastChange.set(c.key, c);
    }
    version = Math.max(version, c.version);
  }
  return { settings: values as Settings, version, lastChange };
}

export async function listSettings(deps: Deps): Promise<SettingList> {
  const { settings, version, lastChange } = await loadSettings(deps.database.db);
  const out: SettingDto[] = SETTING_DEFINITIONS.map((d) => ({
    key: d.key,
    group: d.group,
    label: d.label,
    unit: d.unit,
    value: settings[d.key] ?? d.defaultValue,
    defaultValue: d.defaultValue,
    min: d.min,
    max: d.max,
    integer: d.integer,
    source: d.source,
    needsLocalSignOff: d.needsLocalSignOff,
    changedAt: lastChange.get(d.key)?.changed_at ?? null,
    changedBy: lastChange.get(d.key)?.changed_by ?? null,
  }));
  return { version, settings: out };
}

/** A new version per change, audited with before and after; old versions stay for reproducing old results. */
export async function changeSetting(
  deps: Deps,
  ctx: RequestContext,
  key: string,
  value: number,
  reason: string,
): Promise<SettingList> {
  const d = settingDefinition(key);
  if (!d) throw new DomainError('record.not_found', `No setting ${key}.`);
  const problem = checkSettingValue(d, value);
  if (problem) throw validationError([{ field: 'value', rule: 'setting-range', message: problem }]);
  const actor = requireActor(ctx);
  try {
    await inTransaction(deps, ctx, async (trx, audit) => {
      const { settings, version } = await loadSettings(trx);
      const previous = settings[key as SettingKey];
      await insertSettingChange(trx, {
        version: version + 1,
        key,
        value: String(value),
        previous_value: String(previous),
        reason: reason.trim(),
        changed_by: actor.userId,
        changed_at: deps.clock.now().toISOString(),
      });
      audit({
        action: 'setting.change',
        entityType: 'setting',
        entityId: key,
        details: { before: { value: previous }, after: { value }, reason, version: version + 1 },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new DomainError(
        'setting.conflict',
        'Another change was saved at the same moment; reload and try again.',
      );
    }
    throw error;
  }
  // Stored course outcomes follow their rules: the refresher recomputes any it finds
  // stale (only a setting an outcome rule reads changes their fingerprint).
  deps.background.outcomeRulesChanged();
  return listSettings(deps);
}
