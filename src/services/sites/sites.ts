import { DomainError, validationError } from '../../domain/errors/domain-error.js';
import { isUniqueViolation } from '../../db/unique-violation.js';
import type { Deps, RequestContext } from '../deps.js';
import { newId } from '../ids.js';
import { inTransaction } from '../unit-of-work.js';

export interface SiteDto {
  id: string;
  name: string;
  createdAt: string;
}

export async function listSites(deps: Deps): Promise<SiteDto[]> {
  const rows = await deps.database.db.selectFrom('sites').selectAll().orderBy('name').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at }));
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
      await trx.insertInto('sites').values(row).execute();
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
