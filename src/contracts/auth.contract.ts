import { Type, type Static } from 'typebox';
import { PERMISSIONS, ROLES } from '../domain/auth/permissions.js';

export const RoleSchema = Type.Enum([...ROLES]);
export const PermissionSchema = Type.Enum([...PERMISSIONS]);

export const Email = Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$' });
/** Length is the rule that matters (NIST SP 800-63B): at least 12 characters. */
export const NewPassword = Type.String({ minLength: 12, maxLength: 256 });

export const SignInBody = Type.Object(
  {
    email: Email,
    password: Type.String({ minLength: 1, maxLength: 256 }),
    totpCode: Type.Optional(Type.String({ pattern: '^\\d{6}$' })),
  },
  { additionalProperties: false },
);
export type SignInBody = Static<typeof SignInBody>;

export const Me = Type.Object({
  id: Type.String(),
  email: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  permissions: Type.Array(PermissionSchema),
  totpEnabled: Type.Boolean(),
});
export type Me = Static<typeof Me>;

export const SetupStatus = Type.Object({ needsSetup: Type.Boolean() });
export type SetupStatus = Static<typeof SetupStatus>;

export const SetupBody = Type.Object(
  {
    email: Email,
    displayName: Type.String({ minLength: 1, maxLength: 120 }),
    password: NewPassword,
  },
  { additionalProperties: false },
);
export type SetupBody = Static<typeof SetupBody>;

export const TotpSetup = Type.Object({
  secret: Type.String({ description: 'base32 secret, for manual entry' }),
  otpauthUri: Type.String(),
  qrSvg: Type.String({ description: 'the otpauth URI as an SVG QR code' }),
});
export type TotpSetup = Static<typeof TotpSetup>;

export const TotpCodeBody = Type.Object(
  { code: Type.String({ pattern: '^\\d{6}$' }) },
  { additionalProperties: false },
);
export type TotpCodeBody = Static<typeof TotpCodeBody>;

export const ChangePasswordBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: NewPassword },
  { additionalProperties: false },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;
