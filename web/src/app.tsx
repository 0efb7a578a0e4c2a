import { Navigate, Route, Routes } from 'react-router-dom';
import { Layout } from './components/layout.js';
import { AccountPage } from './features/account/account-page.js';
import { AuditPage } from './features/audit/audit-page.js';
import { DashboardPage } from './features/dashboard/dashboard-page.js';
import { FirstRunPage } from './features/auth/first-run-page.js';
import { SessionProvider, useSession } from './features/auth/session.js';
import { SignInPage } from './features/auth/sign-in-page.js';
import { PatientCreatePage } from './features/patients/patient-create-page.js';
import { PatientListPage } from './features/patients/patient-list-page.js';
import { PatientPage } from './features/patients/patient-page.js';
import { ChairsidePage } from './features/sessions/chairside-page.js';
import { CohortPage } from './features/research/cohort-page.js';
import { ImportPage } from './features/research/import-page.js';
import { StudiesPage } from './features/research/studies-page.js';
import { StudyMembersPage } from './features/research/study-members.js';
import { ProtocolsPage } from './features/sessions/protocols-page.js';
import { SettingsPage } from './features/settings/settings-page.js';
import { UsersPage } from './features/users/users-page.js';

// The patient's self-report link (/r/<token>) is not part of this app: it is its own page and
// bundle (web/self-report.html, web/src/main-self-report.tsx), served by the server. ADR 0016.
export function App() {
  return (
    <SessionProvider>
      <StaffApp />
    </SessionProvider>
  );
}

function StaffApp() {
  const { state, can } = useSession();
  if (state.status === 'loading')
    return (
      <p className="page" aria-busy="true">
        Loading…
      </p>
    );
  if (state.status === 'needs-setup') return <FirstRunPage />;
  if (state.status === 'signed-out') return <SignInPage />;
  const home = can('patients.read')
    ? '/dashboard'
    : can('research.read')
      ? '/cohort'
      : can('users.manage')
        ? '/users'
        : '/account';
  return (
    <Layout>
      <Routes>
        {can('patients.read') && <Route path="/dashboard" element={<DashboardPage />} />}
        {can('patients.read') && <Route path="/patients" element={<PatientListPage />} />}
        {can('patients.write') && <Route path="/patients/new" element={<PatientCreatePage />} />}
        {can('patients.read') && <Route path="/patients/:id" element={<PatientPage />} />}
        {can('patients.read') && <Route path="/sessions/:id" element={<ChairsidePage />} />}
        {can('patients.read') && <Route path="/protocols" element={<ProtocolsPage />} />}
        {can('research.read') && <Route path="/cohort" element={<CohortPage />} />}
        {can('research.read') && <Route path="/studies" element={<StudiesPage />} />}
        {can('data.import') && <Route path="/import" element={<ImportPage />} />}
        {can('users.manage') && <Route path="/users" element={<UsersPage />} />}
        {can('users.manage') && <Route path="/study-members" element={<StudyMembersPage />} />}
        {can('audit.read') && <Route path="/audit" element={<AuditPage />} />}
        {can('settings.read') && <Route path="/settings" element={<SettingsPage />} />}
        <Route path="/account" element={<AccountPage />} />
        <Route path="*" element={<Navigate to={home} replace />} />
      </Routes>
    </Layout>
  );
}
