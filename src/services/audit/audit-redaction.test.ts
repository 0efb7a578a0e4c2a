import { describe, expect, it } from 'vitest';
import type { AuditEventDto } from '../../contracts/audit.contract.js';
import { ROLES } from '../../domain/auth/permissions.js';
import {
  HIDDEN_FROM_NON_CLINICAL,
  mayReadPatientRecords,
  redactAuditEvent,
} from './audit-redaction.js';

const event = (over: Partial<AuditEventDto>): AuditEventDto => ({
  seq: 7,
  id: 'e1',
  at: '2026-12-04T10:00:00.000Z',
  actorUserId: 'u1',
  actorEmail: 'nurse@clinic.test',
  actorRole: 'nurse',
  action: 'patient.create',
  entityType: 'patient',
  entityId: 'p1',
  patientId: 'p1',
  requestId: 'r1',
  ip: '10.0.0.9',
  details: {},
  hidden: null,
  ...over,
});

const created = event({
  details: {
    after: { mrn: 'MRN-991', family_name: 'Quill', date_of_birth: '1961-07-23', notes: 'x' },
  },
});

describe('redactAuditEvent', () => {
  it('shows an administrator the event about a patient without its details', () => {
    const seen = redactAuditEvent(created, 'admin');
    expect(seen).toEqual({ ...created, details: null, hidden: HIDDEN_FROM_NON_CLINICAL });
    expect(HIDDEN_FROM_NON_CLINICAL).toBe('hidden: you may not read patient records');
  });

  it('shows the whole event to a role that may read patient records', () => {
    for (const role of ROLES.filter(mayReadPatientRecords))
      expect(redactAuditEvent(created, role)).toBe(created);
    expect(mayReadPatientRecords('admin')).toBe(false);
    expect(mayReadPatientRecords('researcher')).toBe(false);
  });

  it('hides details about a patient even under an action whose details admins may see', () => {
    const odd = event({ action: 'user.update', details: { after: { role: 'nurse' } } });
    expect(redactAuditEvent(odd, 'admin')).toMatchObject({
      details: null,
      hidden: expect.any(String),
    });
  });

  it('shows only the listed fields of actions on what administrators manage', () => {
    const update = event({
      action: 'user.update',
      entityType: 'user',
      patientId: null,
      details: {
        before: { role: 'nurse', disabled: false },
        after: { role: 'clinician', disabled: false, somethingNew: 'secret' },
      },
    });
    expect(redactAuditEvent(update, 'admin')).toMatchObject({
      details: {
        before: { role: 'nurse', disabled: false },
        after: { role: 'clinician', disabled: false },
      },
      hidden: HIDDEN_FROM_NON_CLINICAL,
    });
    const clean = event({
      action: 'user.create',
      entityType: 'user',
      patientId: null,
      details: { after: { email: 'a@b.test', role: 'nurse' } },
    });
    expect(redactAuditEvent(clean, 'admin')).toEqual(clean);
  });

  it('hides the details of an action nobody listed, and of an object under an allowed scalar path', () => {
    const unknown = event({
      action: 'study.member_add',
      entityType: 'study',
      patientId: null,
      details: { member: 'x' },
    });
    expect(redactAuditEvent(unknown, 'admin')).toMatchObject({
      details: null,
      hidden: HIDDEN_FROM_NON_CLINICAL,
    });
    const nested = event({
      action: 'auth.locked',
      entityType: 'user',
      patientId: null,
      details: { failures: 5, extra: { a: 1 } },
    });
    expect(redactAuditEvent(nested, 'admin').details).toEqual({ failures: 5 });
  });

  it('keeps empty details and events with nothing to hide as they are', () => {
    const read = event({ action: 'patient.read' });
    expect(redactAuditEvent(read, 'admin')).toEqual({ ...read, details: {}, hidden: null });
  });

  it("hides the stored text of a hand-edited row and a patient's own address", () => {
    const edited = event({ patientId: null, action: 'site.create', details: 'not json' });
    expect(redactAuditEvent(edited, 'admin')).toMatchObject({
      details: null,
      hidden: HIDDEN_FROM_NON_CLINICAL,
    });
    const selfReport = event({
      action: 'selfreport.open',
      entityType: 'self_report_link',
      actorUserId: null,
      actorEmail: null,
      actorRole: null,
    });
    expect(redactAuditEvent(selfReport, 'admin')).toMatchObject({
      ip: null,
      hidden: HIDDEN_FROM_NON_CLINICAL,
    });
    const cli = event({ actorUserId: null, ip: 'cli', action: 'patient.read' });
    expect(redactAuditEvent(cli, 'admin')).toMatchObject({ ip: 'cli', hidden: null });
  });
});
