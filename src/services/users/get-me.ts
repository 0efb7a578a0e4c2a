import type { Me } from '../../contracts/auth.contract.js';
import { findUserById } from '../../db/repositories/user.repository.js';
import { DomainError } from '../../domain/errors/domain-error.js';
import type { Deps, RequestContext } from '../deps.js';
import { toMeDto } from './user-dto.js';

export async function getMe(deps: Deps, ctx: RequestContext): Promise<Me> {
  const user = ctx.actor ? await findUserById(deps.database.db, ctx.actor.userId) : undefined;
  if (!user) throw new DomainError('auth.unauthenticated', 'Sign in first.');
  return toMeDto(user);
}
