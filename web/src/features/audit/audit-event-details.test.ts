import { describe, expect, it } from 'vitest';
import { detailLines } from './audit-event-details.js';

describe('audit event details in words', () => {
  it('names sites and accounts, gives times in UTC and roles by their label', () => {
    const names = new Map([
      ['0190a1b2-site', 'North'],
      ['0190a1b2-user', 'nurse@clinic.test'],
    ]);
    expect(
      detailLines(
        {
          after: { role: 'clinician', siteIds: ['0190a1b2-site'] },
          userId: '0190a1b2-user',
          lockedUntil: '2026-12-03T17:26:38.362Z',
        },
        names,
      ),
    ).toEqual([
      { label: 'After: role', value: 'Clinician (prescriber)' },
      { label: 'After: sites', value: 'North' },
      { label: 'User', value: 'nurse@clinic.test' },
      { label: 'Locked until', value: '2026-12-03 17:26 UTC' },
    ]);
  });

  it('leaves an id it cannot name as it is', () => {
    expect(detailLines({ userId: 'unknown-id' })).toEqual([{ label: 'User', value: 'unknown-id' }]);
  });
});
