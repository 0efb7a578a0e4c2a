/**
 * Roles and what each may do: the single table every route is checked against.
 * Researchers get no identified patient data (PRODUCT.md, "Private").
 */
export const ROLES = ['admin', 'clinician', 'nurse', 'researcher'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'account.self',
  'patients.read',
  'patients.write',
  'patients.archive',
  'users.manage',
  'audit.read',
  'research.read',
  'instruments.use',
  'assessments.record',
  'alerts.acknowledge',
  'settings.read',
  'settings.manage',
  'eligibility.write',
  'sessions.run',
  'sessions.confirm',
  'data.import',
  'sites.manage',
  /** Add and remove a study's members: administrators for every study, others for the ones they own (ADR 0026). */
  'studies.members',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: [
    'account.self',
    'users.manage',
    'audit.read',
    'instruments.use',
    'settings.read',
    'settings.manage',
    'sites.manage',
    'studies.members',
  ],
  clinician: [
    'account.self',
    'patients.read',
    'patients.write',
    'patients.archive',
    'instruments.use',
    'assessments.record',
    'alerts.acknowledge',
    'settings.read',
    'eligibility.write',
    'sessions.run',
    'sessions.confirm',
    'research.read',
    'data.import',
    'studies.members',
  ],
  nurse: [
    'account.self',
    'patients.read',
    'patients.write',
    'instruments.use',
    'assessments.record',
    'settings.read',
    'sessions.run',
  ],
  researcher: [
    'account.self',
    'research.read',
    'instruments.use',
    'settings.read',
    'data.import',
    'studies.members',
  ],
};

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  admin: 'Administrator',
  clinician: 'Clinician (prescriber)',
  nurse: 'Nurse',
  researcher: 'Researcher',
};

export function roleHasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
