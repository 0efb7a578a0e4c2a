import type { DrugDto } from '../../contracts/eligibility.contract.js';
import { ANTIDEPRESSANTS } from '../../domain/eligibility/antidepressants.js';
import { minDoseMg } from '../../domain/settings/setting-definitions.js';
import type { Deps } from '../deps.js';
import { loadSettings } from '../settings/settings.js';

/** The antidepressant list with today's minimum adequate doses (settings). */
export async function listDrugs(deps: Deps): Promise<DrugDto[]> {
  const { settings } = await loadSettings(deps.database.db);
  return ANTIDEPRESSANTS.map((d) => ({
    id: d.id,
    name: d.name,
    drugClass: d.drugClass,
    minDoseMg: minDoseMg(settings, d.id) ?? d.defaultMinDoseMg,
    source: d.source,
  }));
}
