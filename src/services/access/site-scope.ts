import type { Kysely } from 'kysely';
import { findPatient, type PatientRow } from '../../db/repositories/patient.repository.js';
import { findSiteRows } from '../../db/repositories/site.repository.js';
import { siteIdsOfUser } from '../../db/repositories/user.repository.js';
import type { DB } from '../../db/schema.js';
import {
  scopeIncludesSite,
  scopeOfSites,
  UNRESTRICTED,
  type SiteScope,
} from '../../domain/auth/site-scope.js';
import { DomainError, validationError } from '../../domain/errors/domain-error.js';
import type { RequestContext } from '../deps.js';

/**
 * Access scoping by site, in one place (issue 11, ADR 0027). A use case turns its
 * actor into a `SiteScope` here; a patient id from a request is only ever resolved
 * through `requirePatientInScope` (sessions through `requireSessionInScope` in
 * session-view.ts, which uses the same scope), and every query listing patients or
 * their records across patients takes the scope as a required argument. Out of
 * scope answers exactly as unknown does (404), so existence is not revealed.
 */

/** The scope of whoever acts: a signed-in user's sites, or unrestricted with no user (CLI, self-report link). */
export async function siteScopeOf(db: Kysely<DB>, ctx: RequestContext): Promise<SiteScope> {
  if (ctx.actor === null) return UNRESTRICTED;
  return scopeOfSites(await siteIdsOfUser(db, ctx.actor.userId));
}

/** The patient, if it exists and the actor may see it; otherwise the same 404 either way. */
export async function requirePatientInScope(
  db: Kysely<DB>,
  ctx: RequestContext,
  patientId: string,
): Promise<PatientRow> {
  const row = await findPatient(db, await siteScopeOf(db, ctx), patientId);
  if (!row)
    throw new DomainError(
      'patient.not_found',
      'No patient record has this id, or it is not one you may open.',
    );
  return row;
}

/**
 * The site to record new work at (a registration, a course): the one asked for, which
 * must exist and, for a scoped user, be one of theirs; or when none is asked for, the
 * `fallback` if the scope allows it, else a scoped user's only site. An unrestricted
 * user may record none (null); a scoped user must record one of their sites, so their
 * work stays visible to them.
 */
export async function siteForNewWork(
  db: Kysely<DB>,
  scope: SiteScope,
  field: string,
  requested: string | null | undefined,
  fallback: string | null = null,
): Promise<string | null> {
  const yours = { field, rule: 'your-site', message: 'must be one of the sites you work at' };
  if (requested === undefined) {
    if (scope.kind === 'all') return fallback;
    if (fallback !== null && scopeIncludesSite(scope, fallback)) return fallback;
    const [only, ...more] = scope.siteIds;
    if (only !== undefined && more.length === 0) return only;
    throw validationError([{ ...yours, rule: 'required', message: 'choose one of your sites' }]);
  }
  if (requested === null) {
    if (scope.kind === 'all') return null;
    throw validationError([yours]);
  }
  if ((await findSiteRows(db, [requested])).length === 0)
    throw validationError([{ field, rule: 'known-site', message: 'is not a site' }]);
  if (!scopeIncludesSite(scope, requested)) throw validationError([yours]);
  return requested;
}
