import type { ProtocolBody, ProtocolDto } from '../../contracts/sessions.contract.js';
import {
  DomainError,
  validationError,
  type FieldProblem,
} from '../../domain/errors/domain-error.js';
import { ESKETAMINE_LABEL_DOSES_MG } from '../../domain/dosing/dose-calculator.js';
import type { Settings } from '../../domain/settings/setting-definitions.js';
import type { Deps, RequestContext } from '../deps.js';
import { loadSettings } from '../settings/settings.js';
import { inTransaction } from '../unit-of-work.js';
import { toProtocolDto } from './courses.js';

function checkProtocol(b: ProtocolBody, settings: Settings): FieldProblem[] {
  const out: FieldProblem[] = [];
  const max = settings['dose.maxMgPerKg'];
  if (b.drug === 'esketamine') {
    if (
      b.fixedDoseMg === undefined ||
      !(ESKETAMINE_LABEL_DOSES_MG as readonly number[]).includes(b.fixedDoseMg)
    ) {
      out.push({
        field: 'fixedDoseMg',
        rule: 'label-dose',
        message: 'esketamine doses are 56 or 84 mg',
      });
    }
  } else if (b.mgPerKg === undefined) {
    out.push({ field: 'mgPerKg', rule: 'required', message: 'give the dose in mg/kg' });
  } else if (b.drug === 'ketamine' && b.mgPerKg > max) {
    out.push({
      field: 'mgPerKg',
      rule: 'hard-maximum',
      message: `above the hard maximum of ${max} mg/kg`,
    });
  }
  (b.escalationStepsMgPerKg ?? []).forEach((step, i) => {
    if (b.drug === 'ketamine' && step > max)
      out.push({
        field: `escalationStepsMgPerKg.${i}`,
        rule: 'hard-maximum',
        message: `above the hard maximum of ${max} mg/kg`,
      });
  });
  return out;
}

const toRow = (b: ProtocolBody, now: string) => ({
  name: b.name.trim(),
  drug: b.drug,
  route: b.route,
  dose_ug_per_kg: b.mgPerKg === undefined ? null : Math.round(b.mgPerKg * 1000),
  fixed_dose_ug: b.fixedDoseMg === undefined ? null : Math.round(b.fixedDoseMg * 1000),
  duration_min: b.durationMin,
  sessions_planned: b.sessionsPlanned,
  per_week: b.perWeek,
  escalation_steps: JSON.stringify(
    (b.escalationStepsMgPerKg ?? []).map((s) => Math.round(s * 1000)),
  ),
  completer_min_doses: b.completerMinDoses,
  updated_at: now,
});

/** A custom protocol; the templates and customs are edited the same way. Courses keep the snapshot they started with. */
export async function saveProtocol(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  body: ProtocolBody,
  create: boolean,
): Promise<ProtocolDto> {
  if (!/^[a-z0-9-]{2,40}$/.test(id))
    throw validationError([
      { field: 'id', rule: 'slug', message: 'use 2–40 lower-case letters, digits and dashes' },
    ]);
  const now = deps.clock.now().toISOString();
  return inTransaction(deps, ctx, async (trx, audit) => {
    const problems = checkProtocol(body, (await loadSettings(trx)).settings);
    if (problems.length > 0) throw validationError(problems);
    const existing = await trx
      .selectFrom('protocols')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (create && existing)
      throw new DomainError('validation.failed', `Protocol ${id} exists.`, [
        { field: 'id', rule: 'unique', message: 'is already used' },
      ]);
    if (!create && !existing) throw new DomainError('record.not_found', `No protocol ${id}.`);
    const row = toRow(body, now);
    if (create)
      await trx
        .insertInto('protocols')
        .values({ id, ...row, active: 1 })
        .execute();
    else await trx.updateTable('protocols').set(row).where('id', '=', id).execute();
    audit({
      action: create ? 'protocol.create' : 'protocol.update',
      entityType: 'protocol',
      entityId: id,
      details: { before: existing ? toProtocolDto(existing) : null, after: body },
    });
    return toProtocolDto(
      await trx.selectFrom('protocols').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
    );
  });
}
