import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SESSION_ACTIONS } from '../sessions/session-state.js';
import {
  AUDIT_ACTION_LABELS,
  AUDIT_ENTITY_LABELS,
  auditActionLabel,
  auditEntityLabel,
  humanizeCode,
} from './audit-labels.js';

const SERVICES = join(import.meta.dirname, '../../services');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? sources(join(dir, d.name))
      : d.name.endsWith('.ts') && !d.name.endsWith('.test.ts')
        ? [readFileSync(join(dir, d.name), 'utf8')]
        : [],
  );
}

/** Every code the services write as an audit action or record type (literal or ternary). */
function writtenCodes(key: 'action' | 'entityType'): Set<string> {
  const codes = new Set<string>();
  for (const text of sources(SERVICES)) {
    for (const m of text.matchAll(new RegExp(`\\b${key}:([^,}]*(?:\\?[^,}]*)?)[,}]`, 'g'))) {
      for (const lit of (m[1] ?? '').matchAll(/'([a-z][a-z_.-]*)'/g)) codes.add(lit[1]!);
    }
  }
  return codes;
}

describe('audit labels', () => {
  it('names every action the services write in words', () => {
    const actions = writtenCodes('action');
    // Session transitions are written as `session.<action>`.
    for (const a of SESSION_ACTIONS) actions.add(`session.${a}`);
    const dotted = [...actions].filter((a) => a.includes('.'));
    expect(dotted.length).toBeGreaterThan(60);
    expect(dotted.filter((a) => !Object.hasOwn(AUDIT_ACTION_LABELS, a))).toEqual([]);
  });

  it('names every record type the services write in words', () => {
    const types = [...writtenCodes('entityType')];
    expect(types.length).toBeGreaterThan(20);
    expect(types.filter((t) => !Object.hasOwn(AUDIT_ENTITY_LABELS, t))).toEqual([]);
  });

  it('shows an unknown code in words rather than as the code', () => {
    expect(humanizeCode('auth.totp_failed')).toBe('Auth: totp failed');
    expect(humanizeCode('import.score.correct')).toBe('Import: score correct');
    expect(humanizeCode('studyMember')).toBe('Study member');
    expect(auditActionLabel('session.end-infusion')).toBe('Ended an infusion');
    expect(auditActionLabel('study.member_add')).toBe('Study: member add');
    expect(auditEntityLabel('body_measurement')).toBe('Weight or height');
    expect(auditEntityLabel('study_member')).toBe('Study member');
    // An inherited property name is not a label.
    expect(auditActionLabel('constructor')).toBe('Constructor');
  });
});
