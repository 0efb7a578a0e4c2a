import type { AuditEventDto } from '../../contracts/audit.contract.js';
import type { JsonValue } from '../../contracts/json.contract.js';
import { roleHasPermission, type Role } from '../../domain/auth/permissions.js';

/** What a reader who may not read patient records sees in place of what was left out. */
export const HIDDEN_FROM_NON_CLINICAL = 'hidden: you may not read patient records';

/**
 * The details a reader who may not read patient records (an administrator) may see, per
 * action: paths into the details (`after.email`), a path also covering everything under
 * it. Only actions on what administrators manage themselves (accounts, sign-in, sites,
 * settings, protocol templates) are listed. Everything else is hidden: an action or a
 * field added later stays hidden until it is listed here (allow-list, ADR 0025).
 */
const VISIBLE_WITHOUT_PATIENT_RIGHTS: Readonly<Record<string, readonly string[]>> = {
  'setup.first_admin': ['after.email'],
  'user.create': ['after.email', 'after.role', 'after.siteIds'],
  'user.update': [
    'before.role',
    'before.disabled',
    'before.displayName',
    'before.siteIds',
    'after.role',
    'after.disabled',
    'after.displayName',
    'after.siteIds',
    'after.passwordReset',
    'after.unlocked',
  ],
  'auth.sign_in_failed': ['email', 'reason', 'failures'],
  'auth.totp_failed': ['failures', 'purpose', 'reason'],
  'auth.locked': ['failures', 'lockedUntil', 'cause'],
  // Who may use a study is what an administrator manages; the study's data stays hidden.
  'study.member.add': ['userId'],
  'study.member.remove': ['userId'],
  'site.create': ['after.id', 'after.name', 'after.created_at'],
  'setting.change': ['before.value', 'after.value', 'reason', 'version'],
  // A protocol is a treatment template, not a patient's record.
  'protocol.create': ['before', 'after'],
  'protocol.update': ['before', 'after'],
};

/** Whether this role may see patients' identifiers and clinical values in the audit log. */
export function mayReadPatientRecords(role: Role): boolean {
  return roleHasPermission(role, 'patients.read');
}

const isObject = (v: JsonValue): v is { [key: string]: JsonValue } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Copies the parts of `value` the paths allow; `hidden` tells whether anything was left
 * out. Arrays and scalars are whole values: shown only when their path (or a path above
 * it) is allowed.
 */
function pick(
  value: JsonValue,
  allowed: ReadonlySet<string>,
  path: string,
): { value: JsonValue | undefined; hidden: boolean } {
  if (path !== '' && allowed.has(path)) return { value, hidden: false };
  if (!isObject(value)) return { value: undefined, hidden: true };
  const out: { [key: string]: JsonValue } = {};
  let hidden = false;
  for (const [key, child] of Object.entries(value)) {
    const picked = pick(child, allowed, path === '' ? key : `${path}.${key}`);
    hidden ||= picked.hidden;
    if (picked.value !== undefined) out[key] = picked.value;
  }
  // An object whose every key was hidden shows as nothing, not as an empty shell.
  if (Object.keys(out).length === 0 && Object.keys(value).length > 0)
    return { value: undefined, hidden: true };
  return { value: out, hidden };
}

/**
 * An event as `role` may see it. Roles that may read patient records see it whole. Others
 * (administrators) see who, when, what action on which kind of record, and the details
 * of actions on what they manage (`VISIBLE_WITHOUT_PATIENT_RIGHTS`); any event about a
 * patient has its details hidden whatever its action, and so has the address a patient
 * used (a self-report link: an address identifies a person).
 */
export function redactAuditEvent(event: AuditEventDto, role: Role): AuditEventDto {
  if (mayReadPatientRecords(role)) return event;
  const aboutPatient = event.patientId !== null;
  const allowed = new Set(aboutPatient ? [] : (VISIBLE_WITHOUT_PATIENT_RIGHTS[event.action] ?? []));
  const picked = isObject(event.details)
    ? pick(event.details, allowed, '')
    : // Not an object: the stored text of a row edited by hand, which could hold anything.
      { value: null, hidden: event.details !== null };
  // No signed-in user acted: the patient did (a self-report link). The command line
  // records 'cli', no one's address.
  const patientsAddress =
    aboutPatient && event.actorUserId === null && event.ip !== null && event.ip !== 'cli';
  const hidden = picked.hidden || patientsAddress;
  return {
    ...event,
    ip: patientsAddress ? null : event.ip,
    details: picked.value ?? null,
    hidden: hidden ? HIDDEN_FROM_NON_CLINICAL : null,
  };
}
