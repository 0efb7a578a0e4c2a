import type { Kysely } from 'kysely';
import type { CreateUserBody, UpdateUserBody, UserDto } from '../../contracts/users.contract.js';
import { deleteSessionsOfUser } from '../../db/repositories/auth-session.repository.js';
import { findSiteRows } from '../../db/repositories/site.repository.js';
import {
  countActiveAdmins,
  findUserByEmail,
  findUserById,
  insertUser,
  listUserSites,
  listUsers as listUserRows,
  replaceUserSites,
  siteIdsOfUser,
  updateUser as updateUserRow,
  type UserRow,
} from '../../db/repositories/user.repository.js';
import type { DB } from '../../db/schema.js';
import { isUniqueViolation } from '../../db/unique-violation.js';
import { DomainError, validationError } from '../../domain/errors/domain-error.js';
import { hashPassword } from '../auth/passwords.js';
import type { Deps, RequestContext } from '../deps.js';
import { newId } from '../ids.js';
import { inTransaction } from '../unit-of-work.js';
import { toUserDto } from './user-dto.js';

export async function listUsers(deps: Deps): Promise<UserDto[]> {
  const db = deps.database.db;
  const sites = new Map<string, { id: string; name: string }[]>();
  for (const r of await listUserSites(db))
    sites.set(r.user_id, [...(sites.get(r.user_id) ?? []), { id: r.site_id, name: r.name }]);
  return (await listUserRows(db)).map((u) => toUserDto(u, sites.get(u.id) ?? []));
}

/** A user with the sites they are limited to. */
async function userDto(db: Kysely<DB>, row: UserRow): Promise<UserDto> {
  const sites = await findSiteRows(db, await siteIdsOfUser(db, row.id));
  return toUserDto(
    row,
    sites.map((s) => ({ id: s.id, name: s.name })),
  );
}

/** The sites an administrator limits a user to: each must exist. */
async function checkedSiteIds(db: Kysely<DB>, siteIds: readonly string[]): Promise<string[]> {
  const found = new Set((await findSiteRows(db, siteIds)).map((s) => s.id));
  const unknown = siteIds.findIndex((id) => !found.has(id));
  if (unknown >= 0)
    throw validationError([
      { field: `siteIds.${unknown}`, rule: 'known-site', message: 'is not a site' },
    ]);
  return [...siteIds].sort();
}

const emailTaken = (email: string): DomainError =>
  new DomainError('user.email_taken', `An account for ${email} already exists.`, [
    { field: 'email', rule: 'unique', message: 'is already in use' },
  ]);

export async function createUser(
  deps: Deps,
  ctx: RequestContext,
  body: CreateUserBody,
): Promise<UserDto> {
  const email = body.email.trim().toLowerCase();
  if (await findUserByEmail(deps.database.db, email)) throw emailTaken(email);
  const passwordHash = await hashPassword(body.password);
  const nowIso = deps.clock.now().toISOString();
  const id = newId();
  await inTransaction(deps, ctx, async (trx, audit) => {
    const siteIds = await checkedSiteIds(trx, body.siteIds ?? []);
    await insertUser(trx, {
      id,
      email,
      display_name: body.displayName.trim(),
      role: body.role,
      password_hash: passwordHash,
      totp_secret_enc: null,
      totp_enabled: 0,
      locked_until: null,
      disabled_at: null,
      created_at: nowIso,
      updated_at: nowIso,
    });
    await replaceUserSites(trx, id, siteIds);
    audit({
      action: 'user.create',
      entityType: 'user',
      entityId: id,
      details: { after: { email, role: body.role, siteIds } },
    });
  }).catch((error: unknown) => {
    throw isUniqueViolation(error) ? emailTaken(email) : error;
  });
  const row = await findUserById(deps.database.db, id);
  if (!row) throw new Error('user vanished after insert');
  return userDto(deps.database.db, row);
}

export async function updateUser(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  body: UpdateUserBody,
): Promise<UserDto> {
  const passwordHash = body.password !== undefined ? await hashPassword(body.password) : undefined;
  const nowIso = deps.clock.now().toISOString();
  await inTransaction(deps, ctx, async (trx, audit) => {
    const user = await findUserById(trx, id);
    if (!user) throw new DomainError('user.not_found', `No user ${id}.`);
    const losesAdmin =
      user.role === 'admin' &&
      user.disabled_at === null &&
      ((body.role !== undefined && body.role !== 'admin') || body.disabled === true);
    if (losesAdmin && (await countActiveAdmins(trx)) <= 1) {
      throw new DomainError(
        'user.last_admin',
        'This is the last active administrator; keep at least one.',
        [
          {
            field: body.role !== undefined ? 'role' : 'disabled',
            rule: 'last-admin',
            message: 'would leave no active administrator',
          },
        ],
      );
    }
    const sitesBefore = await siteIdsOfUser(trx, id);
    const sitesAfter =
      body.siteIds === undefined ? sitesBefore : await checkedSiteIds(trx, body.siteIds);
    if (body.siteIds !== undefined) await replaceUserSites(trx, id, sitesAfter);
    const disabledAt =
      body.disabled === undefined
        ? user.disabled_at
        : body.disabled
          ? (user.disabled_at ?? nowIso)
          : null;
    await updateUserRow(trx, id, {
      display_name: body.displayName?.trim() ?? user.display_name,
      role: body.role ?? user.role,
      disabled_at: disabledAt,
      ...(body.unlock ? { locked_until: null, failed_signins: 0 } : {}),
      ...(passwordHash ? { password_hash: passwordHash } : {}),
      updated_at: nowIso,
    });
    // A role change, a disable or a new password ends the user's open sessions.
    if (body.role !== undefined || body.disabled === true || passwordHash) {
      await deleteSessionsOfUser(trx, id);
    }
    audit({
      action: 'user.update',
      entityType: 'user',
      entityId: id,
      details: {
        before: {
          role: user.role,
          disabled: user.disabled_at !== null,
          displayName: user.display_name,
          siteIds: sitesBefore,
        },
        after: {
          role: body.role ?? user.role,
          disabled: disabledAt !== null,
          displayName: body.displayName ?? user.display_name,
          passwordReset: passwordHash !== undefined,
          unlocked: body.unlock === true,
          siteIds: sitesAfter,
        },
      },
    });
  });
  const row = await findUserById(deps.database.db, id);
  if (!row) throw new DomainError('user.not_found', `No user ${id}.`);
  return userDto(deps.database.db, row);
}
