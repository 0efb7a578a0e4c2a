/**
 * The session state machine (issue 5): scheduled → checked in → cleared →
 * infusing (⇄ paused) → observing → discharged, or aborted with a reason from any
 * state that has not ended. Pure: callers persist the result.
 */
export const SESSION_STATES = [
  'scheduled',
  'checked-in',
  'cleared',
  'infusing',
  'paused',
  'observing',
  'discharged',
  'aborted',
] as const;
export type SessionState = (typeof SESSION_STATES)[number];

/** Whether a stored state names one of the machine's states. */
export const isSessionState = (value: string): value is SessionState =>
  SESSION_STATES.some((state) => state === value);

export const SESSION_ACTIONS = [
  'check-in',
  'clear',
  'start',
  'pause',
  'resume',
  'end-infusion',
  'discharge',
  'abort',
] as const;
export type SessionAction = (typeof SESSION_ACTIONS)[number];

const TRANSITIONS: Readonly<
  Record<Exclude<SessionAction, 'abort'>, { from: readonly SessionState[]; to: SessionState }>
> = {
  'check-in': { from: ['scheduled'], to: 'checked-in' },
  clear: { from: ['checked-in'], to: 'cleared' },
  start: { from: ['cleared'], to: 'infusing' },
  pause: { from: ['infusing'], to: 'paused' },
  resume: { from: ['paused'], to: 'infusing' },
  'end-infusion': { from: ['infusing', 'paused'], to: 'observing' },
  discharge: { from: ['observing'], to: 'discharged' },
};

export const FINAL_STATES: readonly SessionState[] = ['discharged', 'aborted'];

export type TransitionResult = { ok: true; to: SessionState } | { ok: false; reason: string };

export function transition(
  from: SessionState,
  action: SessionAction,
  abortReason?: string,
): TransitionResult {
  if (action === 'abort') {
    if (FINAL_STATES.includes(from))
      return { ok: false, reason: `a ${from} session cannot be aborted` };
    if (!abortReason || abortReason.trim().length < 3)
      return { ok: false, reason: 'aborting needs a reason' };
    return { ok: true, to: 'aborted' };
  }
  const t = TRANSITIONS[action];
  if (!t.from.includes(from)) {
    return {
      ok: false,
      reason: `cannot ${action.replace('-', ' ')} a session that is ${from} (only from ${t.from.join(' or ')})`,
    };
  }
  return { ok: true, to: t.to };
}

/** The actions a screen should offer in a state. */
export function allowedActions(from: SessionState): SessionAction[] {
  return SESSION_ACTIONS.filter((a) => transition(from, a, 'offered').ok);
}
