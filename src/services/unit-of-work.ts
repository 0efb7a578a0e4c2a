import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { appendAuditEvents } from '../db/repositories/audit.repository.js';
import type { HashedAuditFields } from '../db/audit-hash.js';
import type { RunOptions } from '../db/group-commit.js';
import { auditEvent, type AuditInput } from './audit/audit-event.js';
import type { Deps, RequestContext } from './deps.js';

export type Audit = (input: AuditInput) => void;

/**
 * One unit of work per use case: the work and its audit events commit together
 * or not at all. Concurrent use cases share one transaction and one commit (group
 * commit, ADR 0017), each in its own savepoint; the promise settles once the
 * commit holding this use case's rows has returned, so a caller that answers after
 * it answers with its audit row durable.
 */
export async function inTransaction<T>(
  deps: Deps,
  ctx: RequestContext,
  work: (trx: Kysely<DB>, audit: Audit) => Promise<T>,
  options?: RunOptions,
): Promise<T> {
  return deps.database.commits.run(async (trx) => {
    const events: HashedAuditFields[] = [];
    const result = await work(trx, (input) =>
      events.push(auditEvent(ctx, deps.clock.now(), input)),
    );
    await appendAuditEvents(trx, deps.database.dialect, events);
    return result;
  }, options);
}
