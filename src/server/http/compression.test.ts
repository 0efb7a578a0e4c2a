import { describe, expect, it } from 'vitest';
import { compressesOnTheFly } from './compression.js';

describe('compressesOnTheFly', () => {
  it('compresses the data APIs', () => {
    for (const url of [
      '/api/v1/reports/cohort',
      '/api/v1/reports/cohort/dataset.csv',
      '/api/v1/patients/:id',
      '/api/openapi.json',
      '/fhir/R4/Patient',
    ])
      expect(compressesOnTheFly(url), url).toBe(true);
  });

  it('leaves responses that carry a secret uncompressed (BREACH)', () => {
    for (const url of [
      '/api/v1/setup',
      '/api/v1/auth/sign-in',
      '/api/v1/auth/totp/setup',
      '/api/v1/patients/:id/self-report-links',
      '/api/v1/patients/:id/self-report-links/:itemId/revoke',
    ])
      expect(compressesOnTheFly(url), url).toBe(false);
  });

  it('leaves the web app (precompressed at build) and the probes to themselves', () => {
    for (const url of ['/', '/index.html', '/assets/main-abc123.js', '/healthz', '/readyz'])
      expect(compressesOnTheFly(url), url).toBe(false);
  });
});
