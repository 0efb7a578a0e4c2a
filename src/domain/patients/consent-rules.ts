import type { FieldProblem } from '../errors/domain-error.js';
import { isCalendarDate, utcDate } from '../dates.js';

export const SIGNER_RELATIONS = ['patient', 'legal-guardian', 'healthcare-proxy'] as const;
export type SignerRelation = (typeof SIGNER_RELATIONS)[number];

export interface ConsentInput {
  documentTitle: string;
  documentVersion: string;
  signedOn: string;
  signerName: string;
  signerRelation: SignerRelation;
  expiresOn?: string | undefined;
}

export function checkConsent(c: ConsentInput, now: Date): FieldProblem[] {
  const out: FieldProblem[] = [];
  const today = utcDate(now);
  if (c.documentTitle.trim() === '') {
    out.push({ field: 'documentTitle', rule: 'not-blank', message: 'must not be blank' });
  }
  if (c.documentVersion.trim() === '') {
    out.push({ field: 'documentVersion', rule: 'not-blank', message: 'must not be blank' });
  }
  if (c.signerName.trim() === '') {
    out.push({ field: 'signerName', rule: 'not-blank', message: 'must not be blank' });
  }
  if (!isCalendarDate(c.signedOn)) {
    out.push({
      field: 'signedOn',
      rule: 'calendar-date',
      message: 'must be a real date written YYYY-MM-DD',
    });
  } else if (c.signedOn > today) {
    out.push({
      field: 'signedOn',
      rule: 'not-in-future',
      message: `must not be after today (${today})`,
    });
  }
  if (c.expiresOn !== undefined) {
    if (!isCalendarDate(c.expiresOn)) {
      out.push({
        field: 'expiresOn',
        rule: 'calendar-date',
        message: 'must be a real date written YYYY-MM-DD',
      });
    } else if (isCalendarDate(c.signedOn) && c.expiresOn <= c.signedOn) {
      out.push({
        field: 'expiresOn',
        rule: 'after-signed',
        message: 'must be after the signing date',
      });
    }
  }
  return out;
}

/** A consent is in force on a day when signed, not withdrawn and not expired. */
export function consentInForce(
  c: { signedOn: string; expiresOn: string | null; withdrawnOn: string | null },
  on: string,
): boolean {
  if (c.signedOn > on) return false;
  if (c.withdrawnOn !== null && c.withdrawnOn <= on) return false;
  if (c.expiresOn !== null && c.expiresOn <= on) return false;
  return true;
}
