import { describe, expect, it } from 'vitest';
import { webFallback } from './web-app.js';

describe('webFallback', () => {
  it("answers the app's client-side routes with its page", () => {
    for (const path of ['/', '/dashboard', '/patients/0d6c0c2e-5f4e-4a47-9a43-2f6f0f0b8f10'])
      expect(webFallback(path), path).toBe('app-page');
  });

  it("answers a self-report link with the patient's page", () => {
    expect(webFallback('/r/AbC-dEf_123456789')).toBe('self-report-page');
  });

  it('treats a path naming a file as missing, never as a page', () => {
    for (const path of [
      '/assets/main-abc123.js.map',
      '/assets/main-abc123.js',
      '/assets/anything',
      '/main.js.map',
      '/favicon.ico',
      '/r/token/app.js',
    ])
      expect(webFallback(path), path).toBe('missing-file');
  });
});
