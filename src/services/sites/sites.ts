import type { SiteList } from '../../contracts/sites.contract.js';
import { findSiteRows, insertSite, listSiteRows } from '../../db/repositories/site.repository.js';
import { isUniqueViolation } from '../../db/unique-violation.js';
import { roleHasPermission } from '../../domain/auth/permissions.js';
import { DomainError, validationError } from '../../domain/errors/domain-error.js';
import { siteScopeOf } from '../access/site-scope.js';
import type { Deps, RequestContext } from '../deps.js';
import { newId } from '../ids.js';
import { inTransaction } from '../unit-of-work.js';

export interface SiteDto {
  id: string;
  name: string;
  createdAt: string;
}

/**
 * The sites a user chooses among (registering a patient, starting a course, filtering a
 * report): their own when they are limited to sites, otherwise all. Administrators, who
 * assign sites to users, always get every site.
 */
export async function listSites(deps: Deps, ctx: RequestContext): Promise<SiteList> {
  const db = deps.database.db;
  const admin = ctx.actor !== null && roleHasPermission(ctx.actor.role, 'users.manage');
  const scope = admin ? { kind: 'all' as const } : await siteScopeOf(db, ctx);
  const rows =
    scope.kind === 'all' ? await listSiteRows(db) : await findSiteRows(db, scope.siteIds);
  return {
    sites: rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at })),
    limited: scope.kind === 'sites',
  };
}

/** An administrator adds a site where courses are given (audited). */
export async function createSite(
  deps: Deps,
  ctx: RequestContext,
  body: { name: string },
): Promise<SiteDto> {
  const name = body.name.trim().replace(/\s+/g, ' ');
  if (name.length === 0 || name.length > 80)
    throw validationError([{ field: 'name', rule: 'length', message: 'must be 1–80 characters' }]);
  const row = { id: newId(), name, created_at: deps.clock.now().toISOString() };
  try {
    await inTransaction(deps, ctx, async (trx, audit) => {
      await insertSite(trx, row);
      audit({
        action: 'site.create',
        entityType: 'site',
        entityId: row.id,
        details: { after: row },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new DomainError('site.name_taken', `A site called ${name} already exists.`, [
        { field: 'name', rule: 'unique', message: 'another site has this name' },
      ]);
    throw error;
  }
  return { id: row.id, name: row.name, createdAt: row.created_at };
}
