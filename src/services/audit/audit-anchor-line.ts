import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { AuditChainHead } from '../../db/repositories/audit.repository.js';

/**
 * One line of the anchor file (ADR 0025): when, written by whom (the server or the
 * command line), the head of every chain of the audit log at that moment, and an
 * HMAC-SHA-256 over all of it with a key derived from the install's secret key, so a
 * line cannot be made up or altered without that key.
 */
export interface AuditAnchor {
  v: 1;
  at: string;
  by: string;
  heads: AuditChainHead[];
  mac: string;
}

/** The anchor key: derived from the secret key, so it is used for nothing else. */
export function auditAnchorKey(secretKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), 'ketatrack audit anchor', 32));
}

function mac(key: Buffer, a: Omit<AuditAnchor, 'mac'>): string {
  const canonical = JSON.stringify([a.v, a.at, a.by, a.heads.map((h) => [h.lane, h.seq, h.hash])]);
  return createHmac('sha256', key).update(canonical).digest('hex');
}

export function signAuditAnchor(key: Buffer, a: Omit<AuditAnchor, 'mac'>): AuditAnchor {
  return { ...a, mac: mac(key, a) };
}

const isHead = (h: unknown): h is AuditChainHead => {
  if (typeof h !== 'object' || h === null) return false;
  const { lane, seq, hash } = h as Record<string, unknown>;
  return (
    Number.isSafeInteger(lane) &&
    Number.isSafeInteger(seq) &&
    typeof hash === 'string' &&
    /^[0-9a-f]{64}$/.test(hash)
  );
};

/**
 * A line read back: `unreadable` when it is not JSON (a line torn by a crash while it was
 * written, and the next appended after it), `forged` when it is JSON but not a well-formed
 * anchor, or one whose MAC does not match (edited, or written with another secret key):
 * a crash cuts a line short, it cannot write whole JSON with other fields (hostile test).
 */
export type ReadAnchor =
  { ok: true; anchor: AuditAnchor } | { ok: false; problem: 'unreadable' | 'forged' };

export function readAuditAnchor(key: Buffer, text: string): ReadAnchor {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'unreadable' };
  }
  if (typeof value !== 'object' || value === null) return { ok: false, problem: 'forged' };
  const a = value as Record<string, unknown>;
  if (
    a.v !== 1 ||
    typeof a.at !== 'string' ||
    typeof a.by !== 'string' ||
    typeof a.mac !== 'string' ||
    !Array.isArray(a.heads) ||
    !a.heads.every(isHead)
  )
    return { ok: false, problem: 'forged' };
  const anchor: AuditAnchor = {
    v: 1,
    at: a.at,
    by: a.by,
    heads: a.heads.map((h) => ({ lane: h.lane, seq: h.seq, hash: h.hash })),
    mac: a.mac,
  };
  const expected = Buffer.from(mac(key, anchor), 'hex');
  const given = Buffer.from(anchor.mac, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, problem: 'forged' };
  return { ok: true, anchor };
}

export function sameHeads(a: readonly AuditChainHead[], b: readonly AuditChainHead[]): boolean {
  return (
    a.length === b.length &&
    a.every((h, i) => h.lane === b[i]?.lane && h.seq === b[i]?.seq && h.hash === b[i]?.hash)
  );
}
