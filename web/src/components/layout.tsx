import type { ReactNode } from 'react';
import { NavLink } from 'react-router-dom';
import { useSession } from '../features/auth/session.js';

export function Layout({ children }: { children: ReactNode }) {
  const { state, can, signOut } = useSession();
  const me = state.status === 'signed-in' ? state.me : null;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">ketatrack</span>
        <nav aria-label="Main">
          {can('patients.read') && <NavLink to="/dashboard">Dashboard</NavLink>}
          {can('patients.read') && <NavLink to="/patients">Patients</NavLink>}
          {can('patients.read') && <NavLink to="/protocols">Protocols</NavLink>}
          {can('research.read') && <NavLink to="/cohort">Cohort</NavLink>}
          {can('research.read') && <NavLink to="/studies">Studies</NavLink>}
          {can('data.import') && <NavLink to="/import">Import</NavLink>}
          {can('users.manage') && <NavLink to="/users">Users</NavLink>}
          {can('users.manage') && <NavLink to="/study-members">Study members</NavLink>}
          {can('audit.read') && <NavLink to="/audit">Audit log</NavLink>}
          {can('settings.read') && <NavLink to="/settings">Settings</NavLink>}
          <NavLink to="/account">Account</NavLink>
        </nav>
        {me && (
          <div className="who">
            <span>{me.displayName}</span>
            <span className="tag">{me.role}</span>
            <button type="button" onClick={() => void signOut()} data-testid="sign-out">
              Sign out
            </button>
          </div>
        )}
      </header>
      {children}
    </>
  );
}
