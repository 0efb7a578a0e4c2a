import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleHasPermission } from '../../src/domain/auth/permissions.js';
import { needsDeclaredAccess } from '../../src/server/plugins/access.js';
import { cliContext } from '../../src/services/deps.js';
import { createUser } from '../../src/services/users/manage-users.js';
import { uploadRequest } from '../helpers/table-upload.js';
import { PASSWORD, sessionCookie, startTestApi, type TestApi } from '../helpers/test-api.js';
import { dialects } from '../helpers/test-deps.js';

/**
 * Access scoping by site over every route (issue 11 item 13, ADR 0027). Users of site A
 * call every route that takes a patient, session or alert id on records of site B and
 * get the same 404 an unknown id gets; users of site B get their answer. List and
 * report routes show site A users nothing of site B. A route with no case here fails
 * the test, so a new route cannot skip the scope unnoticed.
 */

const qids = (item12: number) => {
  const a: Record<string, number | null> = {};
  for (let i = 1; i <= 16; i++) a[String(i)] = 1;
  a['7'] = null;
  a['9'] = null;
  a['12'] = item12;
  return a;
};

/** The records of site B the cases point at. */
interface Fixture {
  patient: string;
  measurementDay: string;
  diagnosis: string;
  consentToWithdraw: string;
  episode: string;
  trial: string;
  relativeScreen: string;
  /** Infusing, with an open session alert. */
  infusing: string;
  sessionAlert: string;
  /** Scheduled, untouched. */
  scheduled: string;
  esketamine: string;
  alert: string;
  link: string;
}

type Body = (f: Fixture, api: Scoped) => unknown;
type NotFound = 'patient.not_found' | 'session.not_found' | 'record.not_found';

/** A route reached by the id of a patient's record: 404 out of scope, `ok` in scope. */
interface IdCase {
  readonly url: (f: Fixture) => string;
  readonly body?: Body;
  readonly notFound: NotFound;
  readonly ok: number;
  /** Positive checks run in this order (state-changing ones that end things last). */
  readonly last?: number;
}

/** Routes that carry no record of one patient, each with why scoping does not apply. */
const UNSCOPED: Record<string, string> = {
  'GET /healthz': 'probe',
  'GET /readyz': 'probe',
  'GET /api/openapi.json': 'API description',
  'GET /api/v1/setup': 'first-run state',
  'POST /api/v1/setup': 'first-run set-up',
  'POST /api/v1/auth/sign-in': 'own account',
  'POST /api/v1/auth/sign-out': 'own account',
  'GET /api/v1/auth/me': 'own account',
  'POST /api/v1/auth/password': 'own account',
  'POST /api/v1/auth/totp/setup': 'own account',
  'POST /api/v1/auth/totp/enable': 'own account',
  'POST /api/v1/auth/totp/disable': 'own account',
  'GET /api/v1/users': 'administration',
  'POST /api/v1/users': 'administration',
  'PATCH /api/v1/users/:id': 'administration',
  'GET /api/v1/sites': 'site names (a limited user gets their own; checked below)',
  'POST /api/v1/sites': 'administration',
  'GET /api/v1/settings': 'clinic settings',
  'PATCH /api/v1/settings/:key': 'clinic settings',
  'GET /api/v1/audit': 'administrators only; they read no clinical records (identifiers redacted)',
  'POST /api/v1/audit/verify': 'chain check, no records',
  'GET /api/v1/instruments': 'instrument library',
  'POST /api/v1/instruments/:id/score': 'scores answers, stores nothing',
  'GET /api/v1/antidepressants': 'drug catalogue',
  'GET /api/v1/contraindications': 'screening catalogue',
  'GET /api/v1/protocols': 'protocol templates',
  'POST /api/v1/protocols/:id': 'protocol templates',
  'PUT /api/v1/protocols/:id': 'protocol templates',
  'GET /api/v1/self-report/:token': 'the token names one patient; no account',
  'POST /api/v1/self-report/:token': 'the token names one patient; no account',
  'GET /api/v1/studies': 'study names and counts, no subject or patient data',
  'GET /api/v1/studies/managed': 'study names and their members, no subject or patient data',
  'POST /api/v1/studies/:study/members': 'who may use a study, no subject or patient data',
  'DELETE /api/v1/studies/:study/members/:userId':
    'who may use a study, no subject or patient data',
};

/** List, registration, report and import routes: each has its own test below. */
const CHECKED_BELOW = [
  'GET /api/v1/patients',
  'POST /api/v1/patients',
  'GET /api/v1/alerts',
  'GET /api/v1/reports/cohort',
  'GET /api/v1/reports/cohort/dataset.csv',
  'GET /api/v1/reports/cohort/report.html',
  'GET /api/v1/reports/study',
  'POST /api/v1/imports/table',
];

const p = (f: Fixture, rest = '') => `/api/v1/patients/${f.patient}${rest}`;
const s = (id: string, rest = '') => `/api/v1/sessions/${id}${rest}`;
const today = () => new Date().toISOString().slice(0, 10);
const versionOf = async (api: Scoped, sessionId: string) =>
  (await api.asB('nurse', { url: s(sessionId) })).json().version as number;

const BY_ID: Record<string, IdCase> = {
  'GET /api/v1/patients/:id': { url: p, notFound: 'patient.not_found', ok: 200 },
  'PATCH /api/v1/patients/:id': {
    url: p,
    body: async (f, api) => ({
      version: (await api.asB('clinician', { url: p(f) })).json().version,
      notes: 'Prefers morning sessions',
    }),
    notFound: 'patient.not_found',
    ok: 200,
  },
  'POST /api/v1/patients/:id/archive': {
    url: (f) => p(f, '/archive'),
    body: () => ({ reason: 'Moved to another clinic' }),
    notFound: 'patient.not_found',
    ok: 200,
    last: 1,
  },
  'POST /api/v1/patients/:id/restore': {
    url: (f) => p(f, '/restore'),
    notFound: 'patient.not_found',
    ok: 200,
    last: 2,
  },
  'GET /api/v1/patients/:id/measurements': {
    url: (f) => p(f, '/measurements'),
    notFound: 'patient.not_found',
    ok: 200,
  },
  'POST /api/v1/patients/:id/measurements': {
    url: (f) => p(f, '/measurements'),
    body: (f) => ({ measuredOn: f.measurementDay, weightKg: 71 }),
    notFound: 'patient.not_found',
    ok: 201,
  },
  'GET /api/v1/patients/:id/diagnoses': {
    url: (f) => p(f, '/diagnoses'),
    notFound: 'patient.not_found',
    ok: 200,
  },
  'POST /api/v1/patients/:id/diagnoses': {
    url: (f) => p(f, '/diagnoses'),
    body: () => ({ codeSystem: 'ICD-10', code: 'F41.1', label: 'Generalised anxiety disorder' }),
    notFound: 'patient.not_found',
    ok: 201,
  },
  'PATCH /api/v1/patients/:id/diagnoses/:itemId': {
    url: (f) => p(f, `/diagnoses/${f.diagnosis}`),
    body: () => ({ status: 'in-remission' }),
    notFound: 'patient.not_found',
    ok: 200,
  },
  'GET /api/v1/patients/:id/consents': {
    url: (f) => p(f, '/consents'),
    notFound: 'patient.not_found',
    ok: 200,
  },
  'POST /api/v1/patients/:id/consents': {
    url: (f) => p(f, '/consents'),
    body: () => ({
      documentTitle: 'Research consent',
      documentVersion: '2',
      signedOn: '2026-01-02',
      signerName: 'Bea Sitebee',
      signerRelation: 'patient',
    }),
    notFound: 'patient.not_found',
    ok: 201,
  },
  'POST /api/v1/patients/:id/consents/:itemId/withdraw': {
    url: (f) => p(f, `/consents/${f.consentToWithdraw}/withdraw`),
    body: () => ({ withdrawnOn: today() }),
    notFound: 'patient.not_found',
    ok: 200,
  },
  'GET /api/v1/patients/:id/episodes': {
    url: (f) => p(f, '/episodes'),
    notFound: 'patient.not_found',
    ok: 200,
  },
  'POST /api/v1/patients/:id/episodes': {
    url: (f) => p(f, '/episodes'),
    body: () => ({ startedOn: '2026-02-01' }),
    notFound: 'patient.not_found',
    ok: 201,
    // After the open episode was ended.
    last: 0.5,
  },
  'PATCH /api/v1/patients/:id/episodes/:itemId': {
    url: (f) => p(f, `/episodes/${f.episode}`),
    body: () => ({ endedOn: '2026-01-31' }),
    notFound: 'patient.not_found',
    ok: 200,
    // After the trial that needs it open.
    last: 0.4,
  },
  'GET /api/v1/patients/:id/trials': {
    url: (f) => p(f, '/trials'),
    notFound: 'patient.not_found',
    ok: 200,
  },
  'POST /api/v1/patients/:id/trials': {
    url: (f) => p(f, '/trials'),
    body: () => ({
      drugId: 'escitalopram',
      dosePerDayMg: 20,
      weeks: 8,
      adherence: 'good',
      improvementPercent: 10,
    }),
    notFound: 'patient.not_found',
    ok: 201,
  },
  'POST /api/v1/patients/:id/trials/:itemId/entered-in-error': {
    url: (f) => p(f, `/trials/${f.trial}/entered-in-error`),
    notFound: 'patient.not_found',
    ok: 200,
  },
  'GET /api/v1/patients/:id/ect-courses': {
    url: (f) => p(f, '/ect-courses'),
    notFound: 'patient.not_found',
    ok: 200,
  },
  'POST /api/v1/patients/:id/ect-courses': {
    url: (f) => p(f, '/ect-courses'),
    body: () => ({
      startedOn: '2024-01-01',
      sessions: 8,
      electrodePlacement: 'bilateral',
      outcome: 'failed',
    }),
    notFound: 'patient.not_found',
    ok: 201,
  },
  'GET /api/v1/patients/:id/trd': {
    url: (f) => p(f, '/trd'),
    notFound: 'patient.not_found',
    ok: 200,
  },
  'POST /api/v1/patients/:id/trd/evaluate': {
    url: (f) => p(f, '/trd/evaluate'),
    notFound: 'patient.not_found',
    ok: 201,
  },
  'GET /api/v1/patients/:id/screens': {
    url: (f) => p(f, '/screens'),
    notFound: 'patient.not_found',
    ok: 200,
  },
  'POST /api/v1/patients/:id/screens': {
    url: (f) => p(f, '/screens'),
    body: () => ({ present: [], systolicMmHg: 118, diastolicMmHg: 76, heartRateBpm: 66 }),
    notFound: 'patient.not_found',
    ok: 201,
  },
  'POST /api/v1/patients/:id/screens/:itemId/overrides': {
    url: (f) => p(f, `/screens/${f.relativeScreen}/overrides`),
    body: () => ({ itemId: 'psychosis-history', reason: 'One episode in 2001, none since' }),
    notFound: 'patient.not_found',
    ok: 200,
  },
  'GET /api/v1/patients/:id/courses': {
    url: (f) => p(f, '/courses'),
    notFound: 'patient.not_found',
    ok: 200,
  },
  'POST /api/v1/patients/:id/courses': {
    url: (f) => p(f, '/courses'),
    body: () => ({
      protocolId: 'iv-standard',
      startOn: '2026-12-20',
      trdOverrideReason: 'Documented TRD from the referring letter',
    }),
    notFound: 'patient.not_found',
    ok: 201,
  },
  'GET /api/v1/patients/:id/progress': {
    url: (f) => p(f, '/progress'),
    notFound: 'patient.not_found',
    ok: 200,
  },
  'GET /api/v1/patients/:id/progress.pdf': {
    url: (f) => p(f, '/progress.pdf'),
    notFound: 'patient.not_found',
    ok: 200,
  },
  'GET /api/v1/patients/:id/assessments': {
    url: (f) => p(f, '/assessments'),
    notFound: 'patient.not_found',
    ok: 200,
  },
  'POST /api/v1/patients/:id/assessments': {
    url: (f) => p(f, '/assessments'),
    body: () => ({ instrument: 'qids-sr16', answers: qids(0) }),
    notFound: 'patient.not_found',
    ok: 201,
  },
  'GET /api/v1/patients/:id/alerts': {
    url: (f) => p(f, '/alerts'),
    notFound: 'patient.not_found',
    ok: 200,
  },
  'POST /api/v1/alerts/:id/acknowledge': {
    url: (f) => `/api/v1/alerts/${f.alert}/acknowledge`,
    body: () => ({ note: 'Called the patient; safety plan reviewed' }),
    notFound: 'record.not_found',
    ok: 200,
  },
  'GET /api/v1/patients/:id/self-report-links': {
    url: (f) => p(f, '/self-report-links'),
    notFound: 'patient.not_found',
    ok: 200,
  },
  'POST /api/v1/patients/:id/self-report-links': {
    url: (f) => p(f, '/self-report-links'),
    body: () => ({ instruments: ['phq-9'] }),
    notFound: 'patient.not_found',
    ok: 201,
  },
  'POST /api/v1/patients/:id/self-report-links/:itemId/revoke': {
    url: (f) => p(f, `/self-report-links/${f.link}/revoke`),
    notFound: 'patient.not_found',
    ok: 200,
  },
  'GET /api/v1/sessions/:id': {
    url: (f) => s(f.infusing),
    notFound: 'session.not_found',
    ok: 200,
  },
  'GET /api/v1/sessions/:id/version': {
    url: (f) => s(f.infusing, '/version'),
    notFound: 'session.not_found',
    ok: 200,
  },
  'GET /api/v1/sessions/:id/monitoring-form.csv': {
    url: (f) => s(f.esketamine, '/monitoring-form.csv'),
    notFound: 'session.not_found',
    ok: 200,
  },
  'POST /api/v1/sessions/:id/actions': {
    url: (f) => s(f.scheduled, '/actions'),
    body: async (f, api) => ({
      action: 'check-in',
      version: await versionOf(api, f.scheduled),
      escortPresent: true,
    }),
    notFound: 'session.not_found',
    ok: 200,
  },
  'POST /api/v1/sessions/:id/dose': {
    url: (f) => s(f.scheduled, '/dose'),
    body: async (f, api) => ({
      version: await versionOf(api, f.scheduled),
      concentrationMgPerMl: 1,
    }),
    notFound: 'session.not_found',
    ok: 200,
  },
  'POST /api/v1/sessions/:id/vitals': {
    url: (f) => s(f.infusing, '/vitals'),
    body: () => ({ systolicMmHg: 124, diastolicMmHg: 80, heartRateBpm: 72 }),
    notFound: 'session.not_found',
    ok: 200,
  },
  'POST /api/v1/sessions/:id/alerts/:alertId/acknowledge': {
    url: (f) => s(f.infusing, `/alerts/${f.sessionAlert}/acknowledge`),
    notFound: 'session.not_found',
    ok: 200,
  },
  'POST /api/v1/sessions/:id/ratings': {
    url: (f) => s(f.infusing, '/ratings'),
    body: () => ({ instrument: 'moaas', answers: { '1': 5 } }),
    notFound: 'session.not_found',
    ok: 200,
  },
  'POST /api/v1/sessions/:id/adverse-events': {
    url: (f) => s(f.infusing, '/adverse-events'),
    body: () => ({
      type: 'tachycardia',
      severity: 'mild',
      actionTaken: 'observed',
      outcome: 'resolved',
    }),
    notFound: 'session.not_found',
    ok: 200,
  },
  'POST /api/v1/sessions/:id/symptoms': {
    url: (f) => s(f.infusing, '/symptoms'),
    body: () => ({ symptom: 'chest-pain' }),
    notFound: 'session.not_found',
    ok: 200,
  },
};

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
const SCOPED_ROLES = ['clinician', 'nurse', 'researcher'] as const;
type ScopedRole = (typeof SCOPED_ROLES)[number];

type As = (role: ScopedRole, opts: InjectOptions) => Promise<LightMyRequestResponse>;

interface Scoped {
  api: TestApi;
  siteA: string;
  siteB: string;
  asA: As;
  asB: As;
  /** A user of both sites A and B. */
  asAB: As;
}

async function signIn(api: TestApi, email: string): Promise<string> {
  const res = await api.app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { email, password: PASSWORD },
  });
  return sessionCookie(res);
}

/** Sites A and B, and a user of each scoped role at A, at B, and at both. */
async function scopedUsers(api: TestApi): Promise<Scoped> {
  const site = async (name: string) => {
    const res = await api.as('admin', { method: 'POST', url: '/api/v1/sites', payload: { name } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const siteA = await site('North clinic');
  const siteB = await site('South clinic');
  const cookies = new Map<string, string>();
  for (const [label, siteIds] of [
    ['a', [siteA]],
    ['b', [siteB]],
    ['ab', [siteA, siteB]],
  ] as const) {
    for (const role of SCOPED_ROLES) {
      const email = `${role}-${label}@test.invalid`;
      await createUser(api.deps, cliContext(), {
        email,
        role,
        displayName: `${role} of ${label}`,
        password: PASSWORD,
        siteIds: [...siteIds],
      });
      cookies.set(`${label}:${role}`, await signIn(api, email));
    }
  }
  const as = (label: string) => (role: ScopedRole, opts: InjectOptions) =>
    api.app.inject({
      ...opts,
      headers: { ...(opts.headers ?? {}), cookie: cookies.get(`${label}:${role}`) ?? '' },
    });
  return { api, siteA, siteB, asA: as('a'), asB: as('b'), asAB: as('ab') };
}

/** A patient at site B with one of every record the id routes reach, made by site B's staff. */
async function siteBRecords(sc: Scoped): Promise<Fixture> {
  const post = async (url: string, payload: object, role: ScopedRole = 'clinician') => {
    const res = await sc.asB(role, { method: 'POST', url, payload });
    expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  };
  const patient = await post('/api/v1/patients', {
    mrn: 'SITE-B-1',
    familyName: 'Sitebee',
    givenName: 'Bea',
    dateOfBirth: '1980-01-01',
    sex: 'female',
    weightKg: 70,
  });
  // Registered by a user of site B alone: at site B without being asked.
  expect(patient.site).toEqual({ id: sc.siteB, name: 'South clinic' });
  const f = { patient: patient.id } as Fixture;
  f.measurementDay = today();
  f.relativeScreen = (
    await post(p(f, '/screens'), {
      present: ['psychosis-history'],
      systolicMmHg: 120,
      diastolicMmHg: 80,
      heartRateBpm: 70,
    })
  ).id;
  // The clock stands still in tests: the clear screen is the later one.
  sc.api.clock.advance(60_000);
  await post(p(f, '/screens'), {
    present: [],
    systolicMmHg: 120,
    diastolicMmHg: 80,
    heartRateBpm: 70,
  });
  const consent = {
    documentTitle: 'Ketamine consent',
    documentVersion: '1',
    signedOn: '2026-01-01',
    signerName: 'Bea Sitebee',
    signerRelation: 'patient',
  };
  await post(p(f, '/consents'), consent);
  f.consentToWithdraw = (await post(p(f, '/consents'), { ...consent, documentVersion: 'x' })).id;
  f.diagnosis = (
    await post(p(f, '/diagnoses'), {
      codeSystem: 'ICD-10',
      code: 'F33.2',
      label: 'Recurrent depressive disorder',
      isPrimary: true,
    })
  ).id;
  f.episode = (await post(p(f, '/episodes'), { startedOn: '2025-06-01' })).id;
  f.trial = (
    await post(p(f, '/trials'), {
      drugId: 'citalopram',
      dosePerDayMg: 40,
      weeks: 8,
      adherence: 'good',
      improvementPercent: 10,
    })
  ).id;
  const course = await post(p(f, '/courses'), {
    protocolId: 'iv-standard',
    startOn: today(),
    trdOverrideReason: 'Documented TRD from the referring letter',
  });
  expect(course.site).toEqual({ id: sc.siteB, name: 'South clinic' });
  f.infusing = course.sessions[0].id;
  f.scheduled = course.sessions[1].id;
  const esketamine = await post(p(f, '/courses'), {
    protocolId: 'esketamine',
    startOn: today(),
    trdOverrideReason: 'Documented TRD from the referring letter',
  });
  f.esketamine = esketamine.sessions[0].id;
  f.link = (await post(p(f, '/self-report-links'), { instruments: ['qids-sr16'] })).link.id;

  // The first session through to infusing, with a red vitals alert open.
  const act = async (action: string, extra: object = {}) =>
    post(
      s(f.infusing, '/actions'),
      { action, version: await versionOf(sc, f.infusing), ...extra },
      'clinician',
    );
  await act('check-in', { escortPresent: true });
  await post(s(f.infusing, '/dose'), {
    version: await versionOf(sc, f.infusing),
    concentrationMgPerMl: 1,
  });
  await post(
    s(f.infusing, '/vitals'),
    { systolicMmHg: 120, diastolicMmHg: 78, heartRateBpm: 70, spo2Percent: 98 },
    'nurse',
  );
  await act('clear');
  await act('start');
  const red = await post(
    s(f.infusing, '/vitals'),
    { systolicMmHg: 182, diastolicMmHg: 104, heartRateBpm: 90 },
    'nurse',
  );
  f.sessionAlert = red.alerts.find((a: { acknowledgedAt: string | null }) => !a.acknowledgedAt).id;
  // A suicidal-ideation alert for a clinician to acknowledge (after the start, which it would block).
  await post(p(f, '/assessments'), { instrument: 'qids-sr16', answers: qids(2) });
  f.alert = (await sc.asB('clinician', { url: p(f, '/alerts') })).json().alerts[0].id;
  return f;
}

const key = (r: { method: string; url: string }) => `${r.method} ${r.url}`;

describe.each(dialects())('access scoping by site on %s', (dialect) => {
  let api: TestApi;
  let sc: Scoped;
  let f: Fixture;
  beforeAll(async () => {
    api = await startTestApi(dialect);
    sc = await scopedUsers(api);
    f = await siteBRecords(sc);
  });
  afterAll(async () => api.close());

  const routes = () =>
    api.app.registeredRoutes.filter((r) => needsDeclaredAccess(r.url) && r.method !== 'HEAD');
  const rolesFor = (r: { access: unknown }) => {
    const access = r.access as { permission?: Parameters<typeof roleHasPermission>[1] };
    return SCOPED_ROLES.filter(
      (role) => access.permission !== undefined && roleHasPermission(role, access.permission),
    );
  };

  it('has a scoping case for every route, and an id case for every route reaching a patient record', () => {
    for (const r of routes()) {
      const k = key(r);
      const cases = [k in BY_ID, k in UNSCOPED, CHECKED_BELOW.includes(k)].filter(Boolean);
      expect(cases.length, `no site-scoping case for ${k}: add one to this test`).toBe(1);
      if (/\/(patients|sessions|alerts)\/:/.test(r.url))
        expect(BY_ID[k], `${k} takes a record id: it needs an id case`).toBeDefined();
    }
    // Every case names a route that exists.
    const known = new Set(routes().map(key));
    for (const k of [...Object.keys(BY_ID), ...Object.keys(UNSCOPED), ...CHECKED_BELOW])
      expect(known.has(k), `${k} is not a route`).toBe(true);
  });

  it('answers 404, as for an unknown id, to every role of site A on every record of site B', async () => {
    let checked = 0;
    for (const r of routes()) {
      const c = BY_ID[key(r)];
      if (!c) continue;
      const roles = rolesFor(r);
      expect(roles.length, key(r)).toBeGreaterThan(0);
      for (const role of roles) {
        const body = c.body ? await c.body(f, sc) : undefined;
        const res = await sc.asA(role, {
          method: r.method as Method,
          url: c.url(f),
          ...(body === undefined ? {} : { payload: body as object }),
        });
        expect(res.statusCode, `${role} of site A: ${key(r)}: ${res.body}`).toBe(404);
        expect(res.json().code, `${role} of site A: ${key(r)}`).toBe(c.notFound);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(40);
    // Nothing they sent reached site B's records.
    const record = (await sc.asB('clinician', { url: p(f) })).json();
    expect(record).toMatchObject({ version: 1, archived: false, notes: null });
  });

  it('lets the staff of site B do the same on their own records', async () => {
    const ordered = routes()
      .filter((r) => BY_ID[key(r)])
      .sort((a, b) => (BY_ID[key(a)]?.last ?? 0) - (BY_ID[key(b)]?.last ?? 0));
    for (const r of ordered) {
      const c = BY_ID[key(r)]!;
      const role = rolesFor(r)[0]!;
      const body = c.body ? await c.body(f, sc) : undefined;
      const res = await sc.asB(role, {
        method: r.method as Method,
        url: c.url(f),
        ...(body === undefined ? {} : { payload: body as object }),
      });
      expect(res.statusCode, `${role} of site B: ${key(r)}: ${res.body}`).toBe(c.ok);
    }
  });

  it('lists and searches only patients within the user’s sites', async () => {
    const unassigned = await api.as('clinician', {
      method: 'POST',
      url: '/api/v1/patients',
      payload: {
        mrn: 'NO-SITE-1',
        familyName: 'Nosite',
        givenName: 'Noa',
        dateOfBirth: '1975-05-05',
        sex: 'female',
      },
    });
    expect(unassigned.json().site).toBeNull();
    const mrns = async (res: LightMyRequestResponse) =>
      res.json().patients.map((x: { mrn: string }) => x.mrn) as string[];
    for (const role of ['clinician', 'nurse'] as const) {
      expect(await mrns(await sc.asA(role, { url: '/api/v1/patients' }))).toEqual([]);
      expect(await mrns(await sc.asA(role, { url: '/api/v1/patients?q=SITE-B' }))).toEqual([]);
      expect(await mrns(await sc.asB(role, { url: '/api/v1/patients' }))).toEqual(['SITE-B-1']);
      expect(await mrns(await sc.asAB(role, { url: '/api/v1/patients' }))).toEqual(['SITE-B-1']);
    }
    // Unrestricted users see every patient, with or without a site.
    expect((await mrns(await api.as('clinician', { url: '/api/v1/patients' }))).sort()).toEqual([
      'NO-SITE-1',
      'SITE-B-1',
    ]);
    // A patient with no home site is out of every limited user's reach by id as well.
    const byId = await sc.asB('clinician', { url: `/api/v1/patients/${unassigned.json().id}` });
    expect(byId.statusCode).toBe(404);
  });

  it('lists open alerts only of patients within the user’s sites', async () => {
    await api.as('nurse', {
      method: 'POST',
      url: p(f, '/assessments'),
      payload: { instrument: 'qids-sr16', answers: qids(3) },
    });
    const patientsOf = async (res: LightMyRequestResponse) =>
      res.json().alerts.map((a: { patientId: string }) => a.patientId) as string[];
    expect(await patientsOf(await sc.asA('nurse', { url: '/api/v1/alerts' }))).toEqual([]);
    expect(await patientsOf(await sc.asB('nurse', { url: '/api/v1/alerts' }))).toContain(f.patient);
  });

  it('registers patients and starts courses only at the user’s own sites', async () => {
    const body = {
      familyName: 'Northwood',
      givenName: 'Ned',
      dateOfBirth: '1970-03-03',
      sex: 'male',
    };
    const elsewhere = await sc.asA('clinician', {
      method: 'POST',
      url: '/api/v1/patients',
      payload: { ...body, mrn: 'SITE-A-X', siteId: sc.siteB },
    });
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.json().errors).toEqual([
      expect.objectContaining({ field: 'siteId', rule: 'your-site' }),
    ]);
    const none = await sc.asA('clinician', {
      method: 'POST',
      url: '/api/v1/patients',
      payload: { ...body, mrn: 'SITE-A-X', siteId: null },
    });
    expect(none.json().errors).toEqual([
      expect.objectContaining({ field: 'siteId', rule: 'your-site' }),
    ]);
    // A user of two sites chooses one.
    const unchosen = await sc.asAB('clinician', {
      method: 'POST',
      url: '/api/v1/patients',
      payload: { ...body, mrn: 'SITE-A-X' },
    });
    expect(unchosen.json().errors).toEqual([
      expect.objectContaining({ field: 'siteId', rule: 'required' }),
    ]);
    const atA = await sc.asA('clinician', {
      method: 'POST',
      url: '/api/v1/patients',
      payload: { ...body, mrn: 'SITE-A-1' },
    });
    expect(atA.statusCode, atA.body).toBe(201);
    expect(atA.json().site).toEqual({ id: sc.siteA, name: 'North clinic' });
    // Moving the patient to a site the user does not work at is refused.
    const move = await sc.asA('clinician', {
      method: 'PATCH',
      url: `/api/v1/patients/${atA.json().id}`,
      payload: { version: atA.json().version, siteId: sc.siteB },
    });
    expect(move.statusCode).toBe(400);
    expect(move.json().errors[0]).toMatchObject({ field: 'siteId', rule: 'your-site' });

    // A user of both sites may start a course of a site B patient at site A: from then
    // on the patient is within reach of site A's staff too.
    const courseAtB = await sc.asAB('clinician', {
      method: 'POST',
      url: p(f, '/courses'),
      payload: {
        protocolId: 'iv-standard',
        startOn: '2027-01-10',
        siteId: sc.siteA,
        trdOverrideReason: 'Documented TRD from the referring letter',
      },
    });
    expect(courseAtB.statusCode, courseAtB.body).toBe(201);
    expect(courseAtB.json().site.id).toBe(sc.siteA);
    expect((await sc.asA('nurse', { url: p(f) })).statusCode).toBe(200);
    expect((await sc.asA('nurse', { url: s(courseAtB.json().sessions[0].id) })).statusCode).toBe(
      200,
    );
  });

  it('limits cohort reports and datasets to courses given at the reader’s sites', async () => {
    const cohort = async (as: As) =>
      (await as('researcher', { url: '/api/v1/reports/cohort' })).json();
    const all = (await api.as('researcher', { url: '/api/v1/reports/cohort' })).json();
    expect(all.treated).toBeGreaterThan(0);
    expect((await cohort(sc.asB)).treated).toBe(all.treated);
    // The course of site B's patient at site A (previous test) gave no dose: none at A.
    expect((await cohort(sc.asA)).treated).toBe(0);
    // Asking for site B's courses by filter does not widen the scope.
    const filtered = await sc.asA('researcher', {
      url: `/api/v1/reports/cohort?siteId=${sc.siteB}`,
    });
    expect(filtered.json().treated).toBe(0);
    const html = await sc.asA('researcher', { url: '/api/v1/reports/cohort/report.html' });
    expect(html.statusCode).toBe(200);
    expect(html.body).toContain('<th>Treated (≥ 1 dose)</th><td>0</td>');
    const csv = await sc.asA('researcher', { url: '/api/v1/reports/cohort/dataset.csv' });
    expect(csv.statusCode).toBe(200);
    // No analysed course: the header alone, so the download is not an empty file.
    expect(csv.body.trim()).toBe(
      'course,subject,doses,completer,baseline,endpoint,percentChange,response,remission,daysToResponse,siAtBaseline,siResolved',
    );
  });

  it('links imported subjects only to patients within the importer’s sites, and counts them only for readers who may see them', async () => {
    const patient = await sc.asB('clinician', {
      method: 'POST',
      url: '/api/v1/patients',
      payload: {
        mrn: 'SITE-B-3',
        familyName: 'Southey',
        givenName: 'Sue',
        dateOfBirth: '1985-08-08',
        sex: 'female',
      },
    });
    expect(patient.statusCode).toBe(201);
    const upload = (study: string) =>
      uploadRequest({
        fileName: `${study}.csv`,
        content: 'mrn,date,visit,phq9\nSITE-B-3,2025-03-01,0,14\n',
        mapping: {
          study,
          subject: { column: 'mrn', linkPatientsBy: 'mrn' },
          date: { column: 'date' },
          timePoint: { column: 'visit', values: { '0': { label: 'baseline', baseline: true } } },
          scores: [{ column: 'phq9', instrument: 'phq-9' }],
        },
        dryRun: false,
      });
    const fromA = await sc.asA('clinician', upload('north-import'));
    expect(fromA.statusCode).toBe(422);
    expect(fromA.json().errors[0].message).toBe('no patient has the MRN "SITE-B-3"');
    const fromB = await sc.asB('clinician', upload('south-import'));
    expect(fromB.statusCode, fromB.body).toBe(200);
    expect(fromB.json().subjects).toMatchObject({ linkedToPatients: 1 });
    // Site A's clinician is made a member, so only the site scope keeps the subject out.
    const clinicianA = await sc.asA('clinician', { url: '/api/v1/auth/me' });
    expect(clinicianA.statusCode).toBe(200);
    const member = await sc.asB('clinician', {
      method: 'POST',
      url: '/api/v1/studies/south-import/members',
      payload: { email: clinicianA.json().email },
    });
    expect(member.statusCode, member.body).toBe(200);
    const report = (as: As) =>
      as('clinician', { url: '/api/v1/reports/study?study=south-import&instrument=phq-9' });
    expect((await report(sc.asB)).json().subjects).toBe(1);
    expect((await report(sc.asA)).json().subjects).toBe(0);

    // The same study imported by the member from site A without linking: existing subjects
    // are matched by their study id, so a dry run would compare with site B's stored 14
    // and an update would overwrite it. Refused before anything is compared.
    for (const dryRun of [true, false]) {
      const probe = await sc.asA(
        'clinician',
        uploadRequest({
          fileName: 'probe.csv',
          content: 'mrn,date,visit,phq9\nSITE-B-3,2025-03-01,0,3\n',
          mapping: {
            study: 'south-import',
            subject: { column: 'mrn' },
            date: { column: 'date' },
            timePoint: { column: 'visit', values: { '0': { label: 'baseline', baseline: true } } },
            scores: [{ column: 'phq9', instrument: 'phq-9' }],
          },
          dryRun,
          onConflict: 'update',
        }),
      );
      expect(probe.statusCode, probe.body).toBe(409);
      expect(probe.json().errors).toEqual([
        expect.objectContaining({ field: 'mapping.study', rule: 'site-scope' }),
      ]);
      expect(probe.body).not.toContain('differs from');
    }
    const stored = await api.deps.database.db
      .selectFrom('imported_scores')
      .innerJoin('study_subjects', 'study_subjects.id', 'imported_scores.subject_id')
      .select('imported_scores.total')
      .where('study_subjects.study', '=', 'south-import')
      .execute();
    expect(stored.map((r) => Number(r.total))).toEqual([14]);
  });

  it('lets administrators limit a user to sites (audited), effective on the next request', async () => {
    const users = (await api.as('admin', { url: '/api/v1/users' })).json().users;
    const nurse = users.find((u: { email: string }) => u.email === 'nurse@test.invalid');
    expect(nurse.sites).toEqual([]);
    expect((await api.as('nurse', { url: p(f) })).statusCode).toBe(200);
    const unknown = await api.as('admin', {
      method: 'PATCH',
      url: `/api/v1/users/${nurse.id}`,
      payload: { siteIds: [sc.siteA, 'no-such-site'] },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0]).toMatchObject({ field: 'siteIds.1', rule: 'known-site' });
    const limited = await api.as('admin', {
      method: 'PATCH',
      url: `/api/v1/users/${nurse.id}`,
      payload: { siteIds: [sc.siteA] },
    });
    expect(limited.json().sites).toEqual([{ id: sc.siteA, name: 'North clinic' }]);
    // Site B's patient has had a course at site A since an earlier test; a fresh one has not.
    const other = await sc.asB('clinician', {
      method: 'POST',
      url: '/api/v1/patients',
      payload: {
        mrn: 'SITE-B-2',
        familyName: 'Southby',
        givenName: 'Sam',
        dateOfBirth: '1990-09-09',
        sex: 'male',
      },
    });
    expect((await api.as('nurse', { url: `/api/v1/patients/${other.json().id}` })).statusCode).toBe(
      404,
    );
    const sites = (await api.as('nurse', { url: '/api/v1/sites' })).json();
    expect(sites).toMatchObject({ limited: true, sites: [{ id: sc.siteA }] });
    expect((await api.as('admin', { url: '/api/v1/sites' })).json().sites).toHaveLength(2);
    const event = await api.deps.database.db
      .selectFrom('audit_events')
      .select(['details'])
      .where('action', '=', 'user.update')
      .where('entity_id', '=', nurse.id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(event.details)).toMatchObject({
      before: { siteIds: [] },
      after: { siteIds: [sc.siteA] },
    });
    // Back to every site.
    await api.as('admin', {
      method: 'PATCH',
      url: `/api/v1/users/${nurse.id}`,
      payload: { siteIds: [] },
    });
    expect((await api.as('nurse', { url: `/api/v1/patients/${other.json().id}` })).statusCode).toBe(
      200,
    );
  });
});
