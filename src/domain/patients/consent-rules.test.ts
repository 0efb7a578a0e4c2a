import { describe, expect, it } from 'vitest';
import { checkConsent, consentInForce } from './consent-rules.js';

const now = new Date('2026-11-27T12:00:00Z');
const valid = {
  documentTitle: 'Consent',
  documentVersion: '1',
  signedOn: '2026-11-01',
  signerName: 'A B',
  signerRelation: 'patient' as const,
};

describe('checkConsent', () => {
  it('accepts a signed consent', () => expect(checkConsent(valid, now)).toEqual([]));
  it('refuses a future signing date and an expiry on or before signing', () => {
    expect(checkConsent({ ...valid, signedOn: '2026-11-28' }, now).map((p) => p.rule)).toEqual([
      'not-in-future',
    ]);
    expect(checkConsent({ ...valid, expiresOn: '2026-11-01' }, now).map((p) => p.rule)).toEqual([
      'after-signed',
    ]);
  });
});

describe('consentInForce', () => {
  const c = { signedOn: '2026-01-10', expiresOn: '2027-01-10', withdrawnOn: null };
  it.each([
    ['2026-01-09', false],
    ['2026-01-10', true],
    ['2027-01-09', true],
    ['2027-01-10', false],
  ])('on %s → %s', (on, expected) => expect(consentInForce(c, on)).toBe(expected));
  it('stops on the day it is withdrawn', () => {
    expect(consentInForce({ ...c, withdrawnOn: '2026-06-01' }, '2026-05-31')).toBe(true);
    expect(consentInForce({ ...c, withdrawnOn: '2026-06-01' }, '2026-06-01')).toBe(false);
  });
});
