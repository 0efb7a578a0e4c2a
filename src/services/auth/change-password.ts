import type { ChangePasswordBody } from '../../contracts/auth.contract.js';
import { deleteSessionsOfUser } from '../../db/repositories/auth-session.repository.js';
import { findUserById, updateUser } from '../../db/repositories/user.repository.js';
import { DomainError } from '../../domain/errors/domain-error.js';
import type { Deps, RequestContext } from '../deps.js';
import { inTransaction } from '../unit-of-work.js';
import { hashPassword, verifyPassword } from './passwords.js';

/** Changing your password ends your other sessions but keeps this one. */
export async function changeOwnPassword(
  deps: Deps,
  ctx: RequestContext,
  currentSessionId: string | null,
  body: ChangePasswordBody,
): Promise<void> {
  const user = ctx.actor ? await findUserById(deps.database.db, ctx.actor.userId) : undefined;
  if (!user) throw new DomainError('auth.unauthenticated', 'Sign in first.');
  if (!(await verifyPassword(user.password_hash, body.currentPassword))) {
    throw new DomainError('validation.failed', 'currentPassword: is not your current password', [
      {
        field: 'currentPassword',
        rule: 'matches-current',
        message: 'is not your current password',
      },
    ]);
  }
  const hash = await hashPassword(body.newPassword);
  await inTransaction(deps, ctx, async (trx, audit) => {
    await updateUser(trx, user.id, {
      password_hash: hash,
      updated_at: deps.clock.now().toISOString(),
    });
    await deleteSessionsOfUser(trx, user.id, currentSessionId ?? undefined);
    audit({ action: 'auth.password_changed', entityType: 'user', entityId: user.id });
  });
}
