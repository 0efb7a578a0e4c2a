import type { AlertDto } from '../../contracts/instruments.contract.js';
import {
  acknowledgeAlertRow,
  findAlert,
  listAlertsOf,
  listOpenAlerts as listOpenAlertRows,
} from '../../db/repositories/assessment.repository.js';
import { DomainError } from '../../domain/errors/domain-error.js';
import { type Deps, type RequestContext, requireActor } from '../deps.js';
import { requirePatientInScope, siteScopeOf } from '../access/site-scope.js';
import { inTransaction } from '../unit-of-work.js';
import { toAlertDto } from './assessment-dto.js';

/** The clinician's worklist: every open alert, with who it is about (each a read of that patient). */
export async function listOpenAlerts(deps: Deps, ctx: RequestContext): Promise<AlertDto[]> {
  return inTransaction(deps, ctx, async (trx, audit) => {
    const rows = await listOpenAlertRows(trx, await siteScopeOf(trx, ctx), 500);
    for (const r of rows)
      audit({
        action: 'alert.list',
        entityType: 'clinical_alert',
        entityId: r.id,
        patientId: r.patient_id,
      });
    return rows.map(toAlertDto);
  });
}

export async function listPatientAlerts(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
): Promise<AlertDto[]> {
  return inTransaction(deps, ctx, async (trx, audit) => {
    await requirePatientInScope(trx, ctx, patientId);
    audit({ action: 'alert.list', entityType: 'clinical_alert', patientId });
    return (await listAlertsOf(trx, patientId)).map(toAlertDto);
  });
}

/** An alert stays until a clinician acknowledges it with a note of what was done. */
export async function acknowledgeAlert(
  deps: Deps,
  ctx: RequestContext,
  alertId: string,
  note: string,
): Promise<AlertDto> {
  const actor = requireActor(ctx);
  const at = deps.clock.now().toISOString();
  return inTransaction(deps, ctx, async (trx, audit) => {
    const alert = await findAlert(trx, await siteScopeOf(trx, ctx), alertId);
    if (!alert) throw new DomainError('record.not_found', `No alert ${alertId}.`);
    if (!(await acknowledgeAlertRow(trx, alertId, actor.userId, at, note.trim()))) {
      throw new DomainError(
        'alert.already_acknowledged',
        `This alert was already acknowledged at ${alert.acknowledged_at ?? 'an earlier time'}.`,
      );
    }
    audit({
      action: 'alert.acknowledge',
      entityType: 'clinical_alert',
      entityId: alertId,
      patientId: alert.patient_id,
      details: {
        before: { acknowledged_at: null },
        after: { acknowledged_at: at, note: note.trim() },
      },
    });
    return toAlertDto({
      ...alert,
      acknowledged_at: at,
      acknowledged_by: actor.userId,
      acknowledgement_note: note.trim(),
    });
  });
}
