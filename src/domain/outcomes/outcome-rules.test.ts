import { describe, expect, it } from 'vitest';
import {
  isCompleter,
  isRemission,
  percentChange,
  relapseAfterResponse,
  responseStatus,
  selectBaseline,
  selectEndpoint,
  timeToRemission,
  timeToResponse,
  type OutcomeRules,
} from './outcome-rules.js';

const rules: OutcomeRules = {
  baselineWindowDays: 14,
  responseFallPercent: 50,
  partialFallPercent: 25,
  remissionMax: 5,
};
const d = (day: number, hour = 9) => new Date(Date.UTC(2026, 0, 1 + day, hour)).toISOString();

describe('baseline and endpoint (REFERENCE D4)', () => {
  const firstDose = d(14, 10);
  it('takes the last score on or before the first dose, within 14 days', () => {
    const scores = [
      { at: d(0, 9), total: 20 },
      { at: d(10), total: 18 },
      { at: d(14, 9), total: 17 },
      { at: d(15), total: 10 },
    ];
    expect(selectBaseline(scores, firstDose, rules)).toEqual({ at: d(14, 9), total: 17 });
  });
  it('accepts exactly 14 days before, and nothing older', () => {
    expect(selectBaseline([{ at: d(0, 10), total: 20 }], firstDose, rules)).toEqual({
      at: d(0, 10),
      total: 20,
    });
    expect(selectBaseline([{ at: d(0, 9), total: 20 }], firstDose, rules)).toBeNull();
  });
  it('takes the last score at or before the end of the course as the endpoint', () => {
    const baseline = { at: d(13), total: 20 };
    const scores = [
      baseline,
      { at: d(20), total: 12 },
      { at: d(30), total: 9 },
      { at: d(31), total: 4 },
    ];
    expect(selectEndpoint(scores, baseline, d(30))).toEqual({ at: d(30), total: 9 });
    expect(selectEndpoint([baseline], baseline, d(30))).toBeNull();
  });
});

describe('response, partial response and remission', () => {
  it.each([
    [20, 10, 'response'],
    [20, 11, 'partial-response'],
    [20, 15, 'partial-response'],
    [20, 16, 'no-response'],
    [20, 24, 'no-response'],
  ])('baseline %i → %i is %s', (b, v, status) => expect(responseStatus(b, v, rules)).toBe(status));
  it('computes % change and refuses a zero baseline', () => {
    expect(percentChange(20, 10)).toBe(-50);
    expect(percentChange(16, 12)).toBe(-25);
    expect(percentChange(0, 3)).toBeNull();
  });
  it('is remission at or below the threshold', () => {
    expect(isRemission(5, rules)).toBe(true);
    expect(isRemission(6, rules)).toBe(false);
    expect(isRemission(0, { ...rules, remissionMax: null })).toBe(false);
  });
});

describe('time to response and remission, relapse, completer', () => {
  const doses = [d(0, 10), d(2, 10), d(4, 10), d(7, 10), d(9, 10), d(11, 10)];
  const scores = [
    { at: d(0, 9), total: 20 },
    { at: d(2, 9), total: 14 },
    { at: d(4, 9), total: 10 },
    { at: d(7, 9), total: 5 },
    { at: d(9, 9), total: 11 },
    { at: d(11, 9), total: 12 },
  ];
  it('counts days from the first dose and the doses given by then', () => {
    expect(timeToResponse(scores, 20, doses, rules)).toEqual({
      at: d(4, 9),
      days: 4 - 1 / 24,
      doses: 2,
    });
    expect(timeToRemission(scores, doses, rules)).toEqual({
      at: d(7, 9),
      days: 7 - 1 / 24,
      doses: 3,
    });
    expect(timeToResponse(scores, 20, [], rules)).toBeNull();
  });
  it('calls relapse at the second consecutive score above half the baseline', () => {
    expect(relapseAfterResponse(scores, 20, d(4, 9))).toEqual({ at: d(11, 9), total: 12 });
    expect(relapseAfterResponse(scores.slice(0, 5), 20, d(4, 9))).toBeNull();
  });
  it('is a completer at the planned minimum', () => {
    expect(isCompleter(6, 6)).toBe(true);
    expect(isCompleter(5, 6)).toBe(false);
  });
});
