import { Type, type Static } from 'typebox';
import { Email, NewPassword, RoleSchema } from './auth.contract.js';
import { Timestamp } from './common.contract.js';

const SiteIds = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
  maxItems: 100,
  uniqueItems: true,
  description:
    'the sites this user is limited to: patients whose home site or a course is at one of them, and reports on courses there; empty for every site',
});

export const UserDto = Type.Object({
  id: Type.String(),
  email: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  totpEnabled: Type.Boolean(),
  disabled: Type.Boolean(),
  lockedUntil: Type.Union([Timestamp, Type.Null()]),
  /** Empty: not limited to any site. */
  sites: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
  createdAt: Timestamp,
});
export type UserDto = Static<typeof UserDto>;

export const UserList = Type.Object({ users: Type.Array(UserDto) });
export type UserList = Static<typeof UserList>;

export const CreateUserBody = Type.Object(
  {
    email: Email,
    displayName: Type.String({ minLength: 1, maxLength: 120 }),
    role: RoleSchema,
    password: NewPassword,
    siteIds: Type.Optional(SiteIds),
  },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    role: Type.Optional(RoleSchema),
    disabled: Type.Optional(Type.Boolean()),
    /** Clears a sign-in lockout. */
    unlock: Type.Optional(Type.Boolean()),
    password: Type.Optional(NewPassword),
    siteIds: Type.Optional(SiteIds),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;
