import { describe, expect, it } from 'vitest';
import {
  auditAnchorKey,
  readAuditAnchor,
  sameHeads,
  signAuditAnchor,
} from './audit-anchor-line.js';

const key = auditAnchorKey(Buffer.alloc(32, 7));
const heads = [
  { lane: 0, seq: 41, hash: 'a'.repeat(64) },
  { lane: 3, seq: 44, hash: 'b'.repeat(64) },
];
const anchor = signAuditAnchor(key, { v: 1, at: '2026-12-04T10:00:00.000Z', by: 'server', heads });

describe('audit anchor lines', () => {
  it('reads back a line it signed', () => {
    expect(readAuditAnchor(key, JSON.stringify(anchor))).toEqual({ ok: true, anchor });
  });

  it('derives its own key from the secret key (not the secret key itself)', () => {
    expect(auditAnchorKey(Buffer.alloc(32, 7)).equals(Buffer.alloc(32, 7))).toBe(false);
    expect(readAuditAnchor(auditAnchorKey(Buffer.alloc(32, 8)), JSON.stringify(anchor))).toEqual({
      ok: false,
      problem: 'forged',
    });
  });

  it('calls any change to a signed field forged', () => {
    const changes = [
      { ...anchor, at: '2026-12-04T10:00:01.000Z' },
      { ...anchor, by: 'cli' },
      { ...anchor, heads: [heads[0]] },
      { ...anchor, heads: [{ ...heads[0], seq: 40 }, heads[1]] },
      { ...anchor, heads: [heads[0], { ...heads[1], lane: 4 }] },
      { ...anchor, mac: anchor.mac.slice(0, 10) },
    ];
    for (const changed of changes)
      expect(readAuditAnchor(key, JSON.stringify(changed))).toEqual({
        ok: false,
        problem: 'forged',
      });
  });

  it('calls a line that is not JSON unreadable (a torn write), not forged', () => {
    const text = JSON.stringify(anchor);
    for (const line of [text.slice(0, 40), '', text.slice(0, 40) + text])
      expect(readAuditAnchor(key, line)).toEqual({ ok: false, problem: 'unreadable' });
  });

  it('calls whole JSON that is not a well-formed anchor forged: a crash cannot write it', () => {
    const text = JSON.stringify(anchor);
    const { mac: _mac, ...unsigned } = anchor;
    for (const line of [
      'null',
      '{"v":2}',
      text.replace('"v":1', '"v":2'),
      text.replace('"v":1', '"v":"1"'),
      JSON.stringify(unsigned),
    ])
      expect(readAuditAnchor(key, line)).toEqual({ ok: false, problem: 'forged' });
  });

  it('compares heads lane by lane', () => {
    expect(
      sameHeads(
        heads,
        heads.map((h) => ({ ...h })),
      ),
    ).toBe(true);
    expect(sameHeads(heads, [heads[0]!])).toBe(false);
    expect(sameHeads(heads, [heads[0]!, { ...heads[1]!, seq: 45 }])).toBe(false);
  });
});
