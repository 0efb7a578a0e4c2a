import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import type {
  CreatedLinkDto,
  LinkDto,
  SelfReportFormDto,
  SelfReportSubmitBody,
} from '../../contracts/instruments.contract.js';
import {
  claimLink,
  findLinkByTokenHash,
  insertSelfReportLink,
  listLinksOf,
  revokeLink,
  type SelfReportLinkRow,
} from '../../db/repositories/assessment.repository.js';
import { DomainError, validationError } from '../../domain/errors/domain-error.js';
import type { InstrumentId } from '../../domain/scales/instrument.js';
import { INSTRUMENTS } from '../../domain/scales/instruments.js';
import { hashToken } from '../auth/sign-in.js';
import { type Deps, type RequestContext, requireActor } from '../deps.js';
import { newId } from '../ids.js';
import { assertNotArchived } from '../patients/manage-patients.js';
import { requirePatientInScope } from '../access/site-scope.js';
import { loadSettings } from '../settings/settings.js';
import { inTransaction } from '../unit-of-work.js';
import { toInstrumentDto } from './assessment-dto.js';
import { storeAssessment } from './record-assessment.js';

function linkStatus(r: SelfReportLinkRow, nowIso: string): LinkDto['status'] {
  if (r.revoked_at) return 'revoked';
  if (r.used_at) return 'used';
  if (r.expires_at <= nowIso) return 'expired';
  return 'open';
}

function toLinkDto(r: SelfReportLinkRow, nowIso: string): LinkDto {
  return {
    id: r.id,
    instruments: JSON.parse(r.instruments) as InstrumentId[],
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    usedAt: r.used_at,
    revokedAt: r.revoked_at,
    status: linkStatus(r, nowIso),
  };
}

/**
 * A single-use link for one patient and chosen self-report instruments. The
 * token (256 random bits) appears only in the returned URL; we keep its hash.
 */
export async function createSelfReportLink(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
  instruments: readonly InstrumentId[],
  origin: string,
): Promise<CreatedLinkDto> {
  const notSelf = instruments.filter((i) => !INSTRUMENTS[i].selfReport);
  if (notSelf.length > 0) {
    throw validationError(
      notSelf.map((i) => ({
        field: 'instruments',
        rule: 'self-report',
        message: `${i} is clinician-rated and cannot be sent to a patient`,
      })),
    );
  }
  const actor = requireActor(ctx);
  const token = randomBytes(32).toString('base64url');
  const now = deps.clock.now();
  const row = await inTransaction(deps, ctx, async (trx, audit) => {
    assertNotArchived(await requirePatientInScope(trx, ctx, patientId));
    const { settings } = await loadSettings(trx);
    const link = {
      id: newId(),
      patient_id: patientId,
      token_hash: hashToken(token),
      instruments: JSON.stringify(instruments),
      created_by: actor.userId,
      created_at: now.toISOString(),
      expires_at: new Date(
        now.getTime() + settings['selfReport.linkExpiryHours'] * 3_600_000,
      ).toISOString(),
      used_at: null,
      revoked_at: null,
    };
    await insertSelfReportLink(trx, link);
    audit({
      action: 'selfreport.link_create',
      entityType: 'self_report_link',
      entityId: link.id,
      patientId,
      details: { after: { instruments, expires_at: link.expires_at } },
    });
    return link;
  });
  const url = `${origin.replace(/\/$/, '')}/r/${token}`;
  const qrSvg = await QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return { link: toLinkDto(row, now.toISOString()), url, qrSvg };
}

export async function listSelfReportLinks(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
): Promise<LinkDto[]> {
  const nowIso = deps.clock.now().toISOString();
  return inTransaction(deps, ctx, async (trx, audit) => {
    await requirePatientInScope(trx, ctx, patientId);
    audit({ action: 'selfreport.link_list', entityType: 'self_report_link', patientId });
    return (await listLinksOf(trx, patientId)).map((r) => toLinkDto(r, nowIso));
  });
}

export async function revokeSelfReportLink(
  deps: Deps,
  ctx: RequestContext,
  patientId: string,
  linkId: string,
): Promise<void> {
  const nowIso = deps.clock.now().toISOString();
  await inTransaction(deps, ctx, async (trx, audit) => {
    await requirePatientInScope(trx, ctx, patientId);
    const links = await listLinksOf(trx, patientId);
    if (!links.some((l) => l.id === linkId))
      throw new DomainError('record.not_found', `No link ${linkId} for this patient.`);
    if (!(await revokeLink(trx, linkId, nowIso)))
      throw new DomainError('selfreport.used', 'This link was already used or revoked.');
    audit({
      action: 'selfreport.link_revoke',
      entityType: 'self_report_link',
      entityId: linkId,
      patientId,
    });
  });
}

/** Why a link cannot be used, as the patient should hear it. */
function assertUsable(link: SelfReportLinkRow | undefined, nowIso: string): SelfReportLinkRow {
  if (!link)
    throw new DomainError(
      'selfreport.invalid',
      'This link is not valid. Check it was copied in full, or ask your clinic for a new one.',
    );
  const status = linkStatus(link, nowIso);
  if (status === 'used')
    throw new DomainError(
      'selfreport.used',
      'These questionnaires have already been sent. Thank you. Ask your clinic if you need a new link.',
    );
  if (status === 'revoked')
    throw new DomainError(
      'selfreport.expired',
      'This link was withdrawn by your clinic. Ask them for a new one.',
    );
  if (status === 'expired')
    throw new DomainError(
      'selfreport.expired',
      'This link has expired. Ask your clinic for a new one.',
    );
  return link;
}

/** What the patient sees: the instruments only, never who the link is for. */
export async function openSelfReport(
  deps: Deps,
  ctx: RequestContext,
  token: string,
): Promise<SelfReportFormDto> {
  const nowIso = deps.clock.now().toISOString();
  const link = assertUsable(await findLinkByTokenHash(deps.database.db, hashToken(token)), nowIso);
  const { settings } = await loadSettings(deps.database.db);
  await inTransaction(deps, ctx, async (_trx, audit) => {
    audit({
      action: 'selfreport.open',
      entityType: 'self_report_link',
      entityId: link.id,
      patientId: link.patient_id,
    });
  });
  const ids = JSON.parse(link.instruments) as InstrumentId[];
  return {
    instruments: ids.map((i) => toInstrumentDto(INSTRUMENTS[i], settings)),
    expiresAt: link.expires_at,
  };
}

/**
 * Stores every questionnaire of the link in one transaction, or nothing: the
 * link is claimed (single use) in the same transaction, so a bad answer leaves
 * the link open and a second submission finds it used.
 */
export async function submitSelfReport(
  deps: Deps,
  ctx: RequestContext,
  token: string,
  body: SelfReportSubmitBody,
): Promise<number> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const link = assertUsable(await findLinkByTokenHash(deps.database.db, hashToken(token)), nowIso);
  const expected = JSON.parse(link.instruments) as InstrumentId[];
  const given = body.responses.map((r) => r.instrument);
  if (given.length !== expected.length || !expected.every((i) => given.includes(i))) {
    throw validationError([
      {
        field: 'responses',
        rule: 'link-instruments',
        message: `answer exactly: ${expected.join(', ')}`,
      },
    ]);
  }
  return inTransaction(deps, ctx, async (trx, audit) => {
    if (!(await claimLink(trx, link.id, nowIso))) {
      // Someone submitted (or the clinic revoked it) between our check and now.
      assertUsable(await findLinkByTokenHash(trx, link.token_hash), nowIso);
      throw new DomainError('selfreport.used', 'These questionnaires have already been sent.');
    }
    const loaded = await loadSettings(trx);
    let index = 0;
    for (const response of body.responses) {
      await storeAssessment(
        trx,
        audit,
        {
          patientId: link.patient_id,
          instrument: response.instrument,
          answers: response.answers,
          options: {},
          administeredAt: nowIso,
          respondent: 'patient',
          enteredBy: null,
          source: 'self-report',
          selfReportLinkId: link.id,
        },
        loaded,
        now,
        `responses.${index}.answers`,
      );
      index += 1;
    }
    audit({
      action: 'selfreport.submit',
      entityType: 'self_report_link',
      entityId: link.id,
      patientId: link.patient_id,
      details: { instruments: given },
    });
    return body.responses.length;
  });
}
