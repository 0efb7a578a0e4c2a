import type { Generated } from 'kysely';

export interface UserTable {
  id: string;
  email: string;
  display_name: string;
  role: string;
  password_hash: string;
  /** AES-256-GCM ciphertext of the TOTP secret, or null when not set up. */
  totp_secret_enc: string | null;
  totp_enabled: number;
  /** RFC 6238 time step of the last accepted code; codes from it or earlier are refused. */
  totp_last_step: Generated<number | null>;
  failed_signins: Generated<number>;
  locked_until: string | null;
  disabled_at: string | null;
  created_at: string;
  updated_at: string;
}

/** The sites a user is limited to; a user with no rows here is unrestricted (ADR 0027). */
export interface UserSiteTable {
  user_id: string;
  site_id: string;
}
