import type { Config } from '../config/config.js';
import type { Database } from '../db/database.js';
import type { Role } from '../domain/auth/permissions.js';
import { DomainError } from '../domain/errors/domain-error.js';
import type { Jobs } from './jobs/jobs.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface Logger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

/** Everything a service needs, passed explicitly (no ambient singletons). */
export interface Deps {
  readonly database: Database;
  readonly clock: Clock;
  readonly config: Config;
  readonly log: Logger;
  /** Heavy reads off the event loop (worker threads; inline on the command line). */
  readonly jobs: Jobs;
  /** Work the server keeps doing in the background (outcome recomputation). */
  readonly background: Background;
}

/** Told when something changes that background work must follow. */
export interface Background {
  /** An outcome rule may have changed: recompute stale course outcomes soon. */
  outcomeRulesChanged(): void;
}

/** The command line has no background: its reports bring outcomes up to date first. */
export const noBackground: Background = { outcomeRulesChanged: () => {} };

export interface Actor {
  readonly userId: string;
  readonly email: string;
  readonly role: Role;
}

/** Who is acting and where the request came from; recorded on every audit event. */
export interface RequestContext {
  readonly actor: Actor | null;
  readonly requestId: string | null;
  readonly ip: string | null;
}

export const cliContext = (actor: Actor | null = null): RequestContext => ({
  actor,
  requestId: null,
  ip: 'cli',
});

/** The signed-in actor of a use case that records who did it. */
export function requireActor(ctx: RequestContext): Actor {
  if (!ctx.actor) throw new DomainError('auth.unauthenticated', 'Sign in first.');
  return ctx.actor;
}
