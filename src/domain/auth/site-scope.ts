/**
 * Which sites' patients and courses a user may work with (issue 11, ADR 0027).
 * A user with no sites assigned is unrestricted; a user with sites sees a patient
 * whose home site is one of them or who has a course at one of them, and in
 * reports only courses given at them. Plain data, so it crosses into report workers.
 */
export type SiteScope =
  { readonly kind: 'all' } | { readonly kind: 'sites'; readonly siteIds: readonly string[] };

/**
 * Unrestricted: for administrators' own tools, the command line (its operator holds
 * the database itself) and a patient's self-report link (the token names one patient).
 * Never for a signed-in user's request: that scope comes from `scopeOfSites`.
 */
export const UNRESTRICTED: SiteScope = Object.freeze({ kind: 'all' });

/** The scope of a user limited to these sites; none means unrestricted. */
export function scopeOfSites(siteIds: readonly string[]): SiteScope {
  return siteIds.length === 0 ? UNRESTRICTED : { kind: 'sites', siteIds: [...siteIds].sort() };
}

/** Whether work recorded at this site (null: none recorded) is within the scope. */
export function scopeIncludesSite(scope: SiteScope, siteId: string | null): boolean {
  if (scope.kind === 'all') return true;
  return siteId !== null && scope.siteIds.includes(siteId);
}
