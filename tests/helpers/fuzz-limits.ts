/** What the operation fuzz holds back on purpose, and why (bench/fuzz.ts prints it). */
export const FUZZ_LIMITS: readonly string[] = [
  'POST /api/v1/auth/sign-out is sent with a fresh session of the role (signed in just before), never the fixture session the other requests use.',
  'PATCH /api/v1/users/{id} gets spare users\u2019 ids, never the acting users\u2019: disabling or demoting one would turn every later request into 401/403.',
  'POST /api/v1/auth/sign-in gets spare users\u2019 emails, never the acting users\u2019: wrong passwords would lock them.',
  'POST /api/v1/auth/password is never offered the acting users\u2019 current password, so their passwords (and sessions) stay.',
  'POST /api/v1/imports/table gets small tables (a few rows) sent whole; slow or long streaming uploads have their own tests (upload-refusals, import-abandoned).',
  'After POST /api/v1/patients/{id}/archive the active fixture patients are restored, so later operations still reach them.',
];
