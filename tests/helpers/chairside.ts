import { expect } from 'vitest';
import type { TestApi } from './test-api.js';

/**
 * A patient with a clear screen, consent and a course of the standard IV protocol (or
 * the one named), the first session checked in at the chair (ready for vitals).
 * Returns the session id.
 */
export async function checkedInSession(
  api: TestApi,
  person: { mrn: string; familyName: string; givenName: string },
  protocolId = 'iv-standard',
): Promise<string> {
  const post = (url: string, payload: object, role: 'clinician' | 'nurse' = 'clinician') =>
    api.as(role, { method: 'POST', url, payload });
  const patient = await post('/api/v1/patients', {
    ...person,
    dateOfBirth: '1980-01-01',
    sex: 'female',
    weightKg: 70,
  });
  expect(patient.statusCode, patient.body).toBe(201);
  const p = (path: string) => `/api/v1/patients/${patient.json().id}${path}`;
  await post(p('/screens'), {
    present: [],
    systolicMmHg: 120,
    diastolicMmHg: 80,
    heartRateBpm: 70,
  });
  await post(p('/consents'), {
    documentTitle: 'Ketamine consent',
    documentVersion: '1',
    signedOn: '2026-01-01',
    signerName: `${person.givenName} ${person.familyName}`,
    signerRelation: 'patient',
  });
  const course = await post(p('/courses'), {
    protocolId,
    startOn: '2026-11-27',
    trdOverrideReason: 'Documented TRD from the referring letter',
  });
  expect(course.statusCode, course.body).toBe(201);
  const sessionId: string = course.json().sessions[0].id;
  const version = (await api.as('nurse', { url: `/api/v1/sessions/${sessionId}` })).json().version;
  const checkIn = await post(
    `/api/v1/sessions/${sessionId}/actions`,
    { action: 'check-in', version, escortPresent: true },
    'nurse',
  );
  expect(checkIn.statusCode, checkIn.body).toBe(200);
  return sessionId;
}
