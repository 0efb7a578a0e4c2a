/** The validated, frozen configuration every part of ketatrack receives. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** PostgreSQL connection string; when absent the embedded SQLite database is used. */
  readonly databaseUrl: string | undefined;
  readonly logLevel: LogLevel;
  /**
   * Reverse proxies (addresses, networks, proxy-addr range names) whose X-Forwarded-*
   * headers are believed; empty: none, the connection's own address and Host count.
   */
  readonly trustedProxies: readonly string[];
  /**
   * Public base URL for links sent to patients (self-report); default: the request's own
   * origin. Required when `trustedProxies` is not empty.
   */
  readonly publicUrl: string | undefined;
  /** 32-byte key (hex) that encrypts stored TOTP secrets. */
  readonly secretKey: Buffer;
  readonly session: {
    readonly ttlHours: number;
    readonly idleMinutes: number;
  };
  readonly signIn: {
    /** Failed passwords before an account is locked (ketatrack default 5). */
    readonly maxFailures: number;
    readonly lockoutMinutes: number;
    /** Sign-in attempts per address per minute. */
    readonly ratePerMinute: number;
  };
  /** Worker threads for reports, datasets and background recomputation. */
  readonly workers: number;
  /** A streamed download whose reader takes no data for this long is stopped and its worker freed. */
  readonly streamIdleSeconds: number;
  /** Largest table upload the API accepts, in bytes (KETATRACK_IMPORT_MAX_BYTES); larger files go through the CLI. */
  readonly importMaxBytes: number;
  /** Table uploads the API takes at once (KETATRACK_IMPORT_MAX_CONCURRENT); more are told 503 with Retry-After. */
  readonly importMaxConcurrent: number;
}
