import type { SetupBody } from '../../contracts/auth.contract.js';
import { countUsers, insertUser } from '../../db/repositories/user.repository.js';
import { DomainError } from '../../domain/errors/domain-error.js';
import type { Deps, RequestContext } from '../deps.js';
import { newId } from '../ids.js';
import { inTransaction } from '../unit-of-work.js';
import { hashPassword } from './passwords.js';

/** Set-up is offered only to an empty installation (no claim and no account, e.g. from the CLI). */
export async function needsSetup(deps: Deps): Promise<boolean> {
  const row = await deps.database.db.selectFrom('install_state').select('id').executeTakeFirst();
  return row === undefined && (await countUsers(deps.database.db)) === 0;
}

/**
 * Creates the first administrator. Claiming the single install_state row
 * (primary key id = 1) in the same transaction makes this race-safe: a second
 * concurrent attempt fails on the key and creates nothing.
 */
export async function createFirstAdmin(
  deps: Deps,
  ctx: RequestContext,
  body: SetupBody,
): Promise<string> {
  if (!(await needsSetup(deps))) {
    throw new DomainError('setup.already_done', 'ketatrack is already set up; sign in instead.');
  }
  const passwordHash = await hashPassword(body.password);
  const nowIso = deps.clock.now().toISOString();
  const id = newId();
  const email = body.email.trim().toLowerCase();
  try {
    await inTransaction(
      deps,
      { ...ctx, actor: { userId: id, email, role: 'admin' } },
      async (trx, audit) => {
        await trx
          .insertInto('install_state')
          .values({ id: 1, first_admin_id: id, completed_at: nowIso })
          .execute();
        await insertUser(trx, {
          id,
          email,
          display_name: body.displayName.trim(),
          role: 'admin',
          password_hash: passwordHash,
          totp_secret_enc: null,
          totp_enabled: 0,
          locked_until: null,
          disabled_at: null,
          created_at: nowIso,
          updated_at: nowIso,
        });
        audit({
          action: 'setup.first_admin',
          entityType: 'user',
          entityId: id,
          details: { after: { email } },
        });
      },
    );
  } catch (error) {
    if (!(await needsSetup(deps))) {
      throw new DomainError('setup.already_done', 'ketatrack is already set up; sign in instead.');
    }
    throw error;
  }
  return id;
}
