import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerJobs } from '../../src/services/jobs/jobs.js';
import { checkedInSession } from '../helpers/chairside.js';
import { startTestApi, type TestApi } from '../helpers/test-api.js';
import { dialects } from '../helpers/test-deps.js';

// Issue 10: a report never holds the event loop. The report's worker is made to hold
// its thread (as a long synchronous query does) and the chairside keeps writing.
describe.each(dialects())('a long report and the chairside on %s', (dialect) => {
  let api: TestApi;
  let sessionId: string;
  const post = (url: string, payload: unknown, role: 'clinician' | 'nurse' = 'clinician') =>
    api.as(role, { method: 'POST', url, payload: payload as object });

  beforeAll(async () => {
    api = await startTestApi(dialect);
    sessionId = await checkedInSession(api, {
      mrn: 'CON-1',
      familyName: 'Concurrent',
      givenName: 'Cleo',
    });
  });
  afterAll(async () => api.close());

  it('records vitals and answers health checks while a report holds its worker', async () => {
    const jobs = api.deps.jobs;
    expect(jobs).toBeInstanceOf(WorkerJobs);
    const pause = (jobs as WorkerJobs).pauseNextTask();
    let reportDone = false;
    const report = api
      .as('researcher', { url: '/api/v1/reports/cohort?instrument=qids-sr16' })
      .then((res) => {
        reportDone = true;
        return res;
      });
    // The report's worker has taken the task and is holding its thread.
    await pause.reached;

    const readings = await Promise.all(
      [130, 132, 134].map((systolicMmHg) =>
        post(
          `/api/v1/sessions/${sessionId}/vitals`,
          { systolicMmHg, diastolicMmHg: 80, heartRateBpm: 72, spo2Percent: 98 },
          'nurse',
        ),
      ),
    );
    for (const r of readings) expect(r.statusCode, r.body).toBe(200);
    expect((await api.as(null, { url: '/healthz' })).statusCode).toBe(200);
    const chart = await api.as('nurse', { url: `/api/v1/sessions/${sessionId}` });
    expect(chart.json().vitals).toHaveLength(3);
    // The report is still held: the writes above did not wait for it.
    expect(reportDone).toBe(false);

    pause.release();
    const res = await report;
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ treated: 0, freshness: { current: true } });
  });

  it('lists imported studies from a worker while the chairside writes', async () => {
    const pause = (api.deps.jobs as WorkerJobs).pauseNextTask();
    let listed = false;
    const studies = api.as('researcher', { url: '/api/v1/studies' }).then((res) => {
      listed = true;
      return res;
    });
    await pause.reached;
    const reading = await post(
      `/api/v1/sessions/${sessionId}/vitals`,
      { systolicMmHg: 126, diastolicMmHg: 78, heartRateBpm: 70, spo2Percent: 99 },
      'nurse',
    );
    expect(reading.statusCode, reading.body).toBe(200);
    expect(listed).toBe(false);
    pause.release();
    const res = await studies;
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual([]);
  });

  it('checks the audit chain in a worker while the chairside writes, and finds it whole', async () => {
    const pause = (api.deps.jobs as WorkerJobs).pauseNextTask();
    let verifyDone = false;
    const verify = api.as('admin', { method: 'POST', url: '/api/v1/audit/verify' }).then((res) => {
      verifyDone = true;
      return res;
    });
    await pause.reached;
    const reading = await post(
      `/api/v1/sessions/${sessionId}/vitals`,
      { systolicMmHg: 128, diastolicMmHg: 78, heartRateBpm: 70, spo2Percent: 99 },
      'nurse',
    );
    expect(reading.statusCode, reading.body).toBe(200);
    expect(verifyDone).toBe(false);
    pause.release();
    const res = await verify;
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, firstBrokenSeq: null });
    expect(res.json().checked).toBeGreaterThan(10);
  });
});
