import { randomBytes } from 'node:crypto';
import { ROLES, type Role } from '../../domain/auth/permissions.js';
import { pick, seededRandom } from '../../domain/random.js';
import type { Deps } from '../deps.js';
import { cliContext } from '../deps.js';
import { createPatient } from '../patients/manage-patients.js';
import { addConsent, addDiagnosis } from '../patients/patient-records.js';
import { createUser } from '../users/manage-users.js';
import { runSyntheticCourse, SteppingClock } from './synthetic-courses.js';

// Invented names, chosen so no one mistakes a demo record for a real person.
const FAMILY = [
  'Synthwood',
  'Demoford',
  'Samplewick',
  'Mockridge',
  'Fakenham-Test',
  'Placeholt',
  'Testerby',
  'Dummond',
];
const GIVEN = ['Ada', 'Bo', 'Cy', 'Dee', 'Eli', 'Fen', 'Gus', 'Hal', 'Ivy', 'Jo', 'Kit', 'Lu'];

export interface DemoAccount {
  role: Role;
  email: string;
  password: string;
}

/** Creates one account per role and `patients` clearly synthetic patients. */
export async function createSyntheticClinic(
  deps: Deps,
  opts: { patients: number; seed: number; courses?: boolean },
): Promise<DemoAccount[]> {
  const accounts: DemoAccount[] = [];
  let clinicianId = '';
  for (const role of ROLES) {
    const account = {
      role,
      email: `${role}@demo.ketatrack.invalid`,
      password: randomBytes(12).toString('base64url'),
    };
    const user = await createUser(deps, cliContext(), { ...account, displayName: `Demo ${role}` });
    if (role === 'clinician') clinicianId = user.id;
    accounts.push(account);
  }
  const ctx = cliContext({
    userId: clinicianId,
    email: 'clinician@demo.ketatrack.invalid',
    role: 'clinician',
  });

  const rand = seededRandom(opts.seed);
  // Synthetic history starts 90 days ago and moves forward as courses run.
  const clock = new SteppingClock(deps.clock.now().getTime() - 90 * 86_400_000);
  const sim = { ...deps, clock };
  const today = clock.now();
  for (let i = 1; i <= opts.patients; i++) {
    const age = 19 + Math.floor(rand() * 55);
    const dob = new Date(
      Date.UTC(today.getUTCFullYear() - age, Math.floor(rand() * 12), 1 + Math.floor(rand() * 28)),
    );
    const sex = rand() < 0.55 ? 'female' : 'male';
    const patient = await createPatient(sim, ctx, {
      mrn: `SYN-${String(i).padStart(4, '0')}`,
      familyName: pick(rand, FAMILY),
      givenName: pick(rand, GIVEN),
      dateOfBirth: dob.toISOString().slice(0, 10),
      sex,
      notes: 'SYNTHETIC DEMO PATIENT: not a real person.',
      weightKg: Math.round((sex === 'female' ? 55 + rand() * 40 : 65 + rand() * 45) * 10) / 10,
      heightCm: Math.round((sex === 'female' ? 152 + rand() * 25 : 163 + rand() * 27) * 10) / 10,
    });
    await addDiagnosis(sim, ctx, patient.id, {
      codeSystem: 'ICD-10',
      code: rand() < 0.7 ? 'F33.2' : 'F32.2',
      label: 'Major depressive disorder, severe, without psychotic features',
      isPrimary: true,
    });
    const consented = rand() < 0.8;
    if (consented) {
      await addConsent(sim, ctx, patient.id, {
        documentTitle: 'Ketamine treatment consent (demo)',
        documentVersion: '1.0',
        signedOn: today.toISOString().slice(0, 10),
        signerName: `${patient.givenName} ${patient.familyName}`,
        signerRelation: 'patient',
      });
    }
    if (opts.courses !== false && consented && rand() < 0.85) {
      const start = clock.now().getTime();
      await runSyntheticCourse(sim, ctx, patient.id, rand);
      // Courses of different patients overlap in time rather than queueing up.
      clock.advanceMinutes(-Math.round((clock.now().getTime() - start) / 60_000) + 24 * 60);
    }
  }
  return accounts;
}
