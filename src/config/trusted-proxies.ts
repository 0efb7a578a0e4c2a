import { isIP } from 'node:net';

/** proxy-addr's names for whole ranges, which Fastify's `trustProxy` list accepts. */
const RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'] as const;

/**
 * Parses KETATRACK_TRUSTED_PROXIES: a comma-separated list of the reverse proxies'
 * addresses (`10.0.0.5`, `::1`), networks (`10.0.0.0/8`, `fd00::/8`) or proxy-addr's
 * range names (`loopback`, `linklocal`, `uniquelocal`). Only a hop from one of them
 * is believed about the client's address, host and protocol (ADR 0024). A network
 * covering every address (`/0`) is refused: it is the old trust-everyone setting.
 */
export function parseTrustedProxies(raw: string | undefined): {
  proxies: readonly string[];
  problems: readonly string[];
} {
  const entries = (raw ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const problems: string[] = [];
  for (const entry of entries) {
    const problem = entryProblem(entry);
    if (problem !== null) problems.push(`KETATRACK_TRUSTED_PROXIES: "${entry}" ${problem}`);
  }
  return { proxies: Object.freeze(problems.length === 0 ? entries : []), problems };
}

function entryProblem(entry: string): string | null {
  if ((RANGE_NAMES as readonly string[]).includes(entry)) return null;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) {
    return `is not an IP address, a network such as 10.0.0.0/8, or one of ${RANGE_NAMES.join(', ')}`;
  }
  if (prefix === undefined) return null;
  const bits = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) {
    return `has a prefix length that is not a whole number from 1 to ${bits}`;
  }
  if (Number(prefix) === 0) return 'covers every address, so anyone could claim any address';
  return null;
}
