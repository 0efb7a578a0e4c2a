import { describe, expect, it } from 'vitest';
import {
  allowedActions,
  SESSION_ACTIONS,
  SESSION_STATES,
  transition,
  type SessionState,
} from './session-state.js';

const VALID: Record<string, SessionState> = {
  'scheduled:check-in': 'checked-in',
  'checked-in:clear': 'cleared',
  'cleared:start': 'infusing',
  'infusing:pause': 'paused',
  'paused:resume': 'infusing',
  'infusing:end-infusion': 'observing',
  'paused:end-infusion': 'observing',
  'observing:discharge': 'discharged',
};

describe('session state machine', () => {
  // Every state × every action: exactly the listed transitions (and abort from non-final states) succeed.
  for (const from of SESSION_STATES) {
    for (const action of SESSION_ACTIONS) {
      const key = `${from}:${action}`;
      const expected =
        action === 'abort'
          ? from === 'discharged' || from === 'aborted'
            ? null
            : 'aborted'
          : (VALID[key] ?? null);
      it(`${from} --${action}--> ${expected ?? 'refused'}`, () => {
        const r = transition(from, action, 'patient unwell');
        if (expected) expect(r).toEqual({ ok: true, to: expected });
        else expect(r.ok).toBe(false);
      });
    }
  }
  it('explains a refused transition', () => {
    expect(transition('scheduled', 'start')).toEqual({
      ok: false,
      reason: 'cannot start a session that is scheduled (only from cleared)',
    });
  });
  it('needs a reason to abort', () => {
    expect(transition('infusing', 'abort', '')).toMatchObject({
      ok: false,
      reason: 'aborting needs a reason',
    });
  });
  it('offers the allowed actions', () => {
    expect(allowedActions('infusing')).toEqual(['pause', 'end-infusion', 'abort']);
    expect(allowedActions('discharged')).toEqual([]);
  });
});
