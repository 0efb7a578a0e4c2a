import { describe, expect, it } from 'vitest';
import { PERMISSIONS, ROLE_PERMISSIONS, ROLES, roleHasPermission } from './permissions.js';

describe('role → permission table', () => {
  it('gives researchers no identified patient data', () => {
    expect(roleHasPermission('researcher', 'patients.read')).toBe(false);
    expect(roleHasPermission('researcher', 'patients.write')).toBe(false);
  });
  it('lets only clinicians archive, and only admins manage users and read the audit log', () => {
    expect(ROLES.filter((r) => roleHasPermission(r, 'patients.archive'))).toEqual(['clinician']);
    expect(ROLES.filter((r) => roleHasPermission(r, 'users.manage'))).toEqual(['admin']);
    expect(ROLES.filter((r) => roleHasPermission(r, 'audit.read'))).toEqual(['admin']);
  });
  it('gives every role its own account and uses only known permissions', () => {
    for (const role of ROLES) {
      expect(roleHasPermission(role, 'account.self')).toBe(true);
      for (const p of ROLE_PERMISSIONS[role]) expect(PERMISSIONS).toContain(p);
    }
  });
});
