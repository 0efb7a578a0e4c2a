import type { Me } from '../../contracts/auth.contract.js';
import type { UserDto } from '../../contracts/users.contract.js';
import type { UserRow } from '../../db/repositories/user.repository.js';
import { isRole, ROLE_PERMISSIONS, type Role } from '../../domain/auth/permissions.js';

export function roleOf(row: UserRow): Role {
  if (!isRole(row.role)) throw new Error(`user ${row.id} has unknown role ${row.role}`);
  return row.role;
}

export function toUserDto(row: UserRow, sites: { id: string; name: string }[]): UserDto {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: roleOf(row),
    totpEnabled: row.totp_enabled === 1,
    disabled: row.disabled_at !== null,
    lockedUntil: row.locked_until,
    sites,
    createdAt: row.created_at,
  };
}

export function toMeDto(row: UserRow): Me {
  const role = roleOf(row);
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role,
    permissions: [...ROLE_PERMISSIONS[role]],
    totpEnabled: row.totp_enabled === 1,
  };
}
