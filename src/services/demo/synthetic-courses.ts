import type { Answers } from '../../domain/scales/instrument.js';
import type { Clock, Deps, RequestContext } from '../deps.js';
import { createScreen } from '../eligibility/screening.js';
import { recordAssessment } from '../assessments/record-assessment.js';
import { startCourse } from '../sessions/courses.js';
import {
  actOnSession,
  recordSessionRating,
  recordSessionVitals,
  setSessionDose,
} from '../sessions/session-workflow.js';

/** A clock the generator moves forward, so synthetic courses have realistic dates. */
export class SteppingClock implements Clock {
  constructor(private t: number) {}
  now(): Date {
    return new Date(this.t);
  }
  advanceMinutes(m: number): void {
    this.t += m * 60_000;
  }
}

/** QIDS-SR16 answers whose total is exactly `total` (0–24 here), item 12 kept at 0 or 1. */
export function qidsAnswers(total: number, item12: number): Answers {
  const a: Record<string, number | null> = {};
  for (let i = 1; i <= 16; i++) a[String(i)] = 0;
  a['7'] = null;
  a['9'] = null;
  a['12'] = item12;
  let left = Math.max(0, total - item12);
  // Single-item domains first, then one item of each group domain, at most 3 each.
  for (const id of ['5', '10', '11', '13', '14', '1', '6', '15']) {
    const v = Math.min(3, left);
    a[id] = v;
    left -= v;
  }
  return a;
}

/** MoCA domain scores adding up to `total` (as raw score, before the education point). */
export function mocaDomains(total: number): Answers {
  const max = [5, 3, 6, 3, 2, 5, 6];
  const ids = [
    'visuospatial-executive',
    'naming',
    'attention',
    'language',
    'abstraction',
    'delayed-recall',
    'orientation',
  ];
  let missing = 30 - total;
  return Object.fromEntries(
    ids.map((id, i) => {
      const take = Math.min(missing, (max[i] ?? 0) - 1);
      missing -= take;
      return [id, (max[i] ?? 0) - take];
    }),
  );
}

/**
 * One synthetic course, run through the same services as the chairside screen:
 * baseline QIDS-SR16 (and MoCA), then sessions with vitals and MOAA/S, and a
 * QIDS-SR16 two days after each. Trajectories fall by about 45% on average over
 * six infusions, in the range published series report (Dai 2022: 47.2%).
 */
export async function runSyntheticCourse(
  deps: Deps & { clock: SteppingClock },
  ctx: RequestContext,
  patientId: string,
  rand: () => number,
): Promise<void> {
  const clock = deps.clock;
  const baseline = 14 + Math.floor(rand() * 9);
  const responder = rand() < 0.55;
  const perSessionFactor = responder ? 0.82 + rand() * 0.06 : 0.95 + rand() * 0.05;
  const doses = rand() < 0.15 ? 3 + Math.floor(rand() * 3) : 6;
  await createScreen(deps, ctx, patientId, {
    present: [],
    systolicMmHg: 118 + Math.floor(rand() * 20),
    diastolicMmHg: 74 + Math.floor(rand() * 12),
    heartRateBpm: 62 + Math.floor(rand() * 20),
  });
  const baselineIdeation = rand() < 0.3 ? 1 : 0;
  await recordAssessment(deps, ctx, patientId, {
    instrument: 'qids-sr16',
    answers: qidsAnswers(baseline, baselineIdeation),
  });
  const moca = 25 + Math.floor(rand() * 5);
  await recordAssessment(deps, ctx, patientId, {
    instrument: 'moca',
    answers: mocaDomains(moca),
    options: { educationYears: 14 },
  });
  clock.advanceMinutes(60 * 24);
  const course = await startCourse(deps, ctx, patientId, {
    protocolId: 'iv-standard',
    startOn: clock.now().toISOString().slice(0, 10),
    trdOverrideReason: 'SYNTHETIC demo course',
  });
  let score = baseline;
  for (const [index, s] of course.sessions.slice(0, doses).entries()) {
    if (index === doses - 1) {
      // Follow-up MoCA before the last infusion, as Dai 2022 measured it.
      await recordAssessment(deps, ctx, patientId, {
        instrument: 'moca',
        answers: mocaDomains(
          Math.max(0, Math.min(30, moca + [-1, 0, 0, 1][Math.floor(rand() * 4)]!)),
        ),
        options: { educationYears: 14 },
      });
    }
    let view = await setSessionDose(deps, ctx, s.id, { version: 1 });
    view = await actOnSession(deps, ctx, s.id, {
      action: 'check-in',
      version: view.version,
      escortPresent: true,
    });
    const sys = 115 + Math.floor(rand() * 20);
    view = await recordSessionVitals(deps, ctx, s.id, {
      systolicMmHg: sys,
      diastolicMmHg: 75,
      heartRateBpm: 70,
      spo2Percent: 98,
    });
    view = await actOnSession(deps, ctx, s.id, {
      action: 'clear',
      version: view.version,
      confirmCaution: true,
    });
    view = await actOnSession(deps, ctx, s.id, { action: 'start', version: view.version });
    for (const minute of [10, 20, 30, 40]) {
      clock.advanceMinutes(10);
      view = await recordSessionVitals(deps, ctx, s.id, {
        systolicMmHg: sys + Math.round((minute / 40) * (6 + rand() * 14)),
        diastolicMmHg: 80,
        heartRateBpm: 76,
        spo2Percent: 97,
      });
    }
    view = await recordSessionRating(deps, ctx, s.id, { instrument: 'moaas', answers: { '1': 5 } });
    view = await actOnSession(deps, ctx, s.id, { action: 'end-infusion', version: view.version });
    clock.advanceMinutes(35);
    view = await recordSessionVitals(deps, ctx, s.id, {
      systolicMmHg: sys + 4,
      diastolicMmHg: 78,
      heartRateBpm: 72,
      spo2Percent: 98,
    });
    view = await recordSessionRating(deps, ctx, s.id, { instrument: 'moaas', answers: { '1': 5 } });
    await actOnSession(deps, ctx, s.id, {
      action: 'discharge',
      version: view.version,
      escortPresent: true,
    });
    clock.advanceMinutes(60 * 24 * 2 - 80);
    score = Math.max(0, Math.round(score * perSessionFactor - rand()));
    await recordAssessment(deps, ctx, patientId, {
      instrument: 'qids-sr16',
      // Ideation fades with response and lingers in non-responders.
      answers: qidsAnswers(score, responder ? 0 : baselineIdeation),
    });
    clock.advanceMinutes(60);
  }
}
