import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import type { Me, SetupStatus } from '../../../../src/contracts/auth.contract.js';
import type { Permission } from '../../../../src/domain/auth/permissions.js';
import { ApiError, apiGet, apiPost } from '../../api/client.js';

type SessionState =
  | { status: 'loading' }
  | { status: 'needs-setup' }
  | { status: 'signed-out' }
  | { status: 'signed-in'; me: Me };

interface SessionApi {
  state: SessionState;
  refresh: () => Promise<void>;
  signOut: () => Promise<void>;
  can: (permission: Permission) => boolean;
}

const SessionContext = createContext<SessionApi | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const refresh = useCallback(async () => {
    const setup = await apiGet<SetupStatus>('/setup');
    if (setup.needsSetup) return setState({ status: 'needs-setup' });
    try {
      setState({ status: 'signed-in', me: await apiGet<Me>('/auth/me') });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) setState({ status: 'signed-out' });
      else throw error;
    }
  }, []);

  useEffect(() => {
    void refresh();
    const onSignedOut = () => setState({ status: 'signed-out' });
    window.addEventListener('ketatrack:signed-out', onSignedOut);
    return () => window.removeEventListener('ketatrack:signed-out', onSignedOut);
  }, [refresh]);

  const signOut = useCallback(async () => {
    await apiPost('/auth/sign-out').catch(() => undefined);
    setState({ status: 'signed-out' });
  }, []);

  const can = (permission: Permission) =>
    state.status === 'signed-in' && state.me.permissions.includes(permission);

  return (
    <SessionContext.Provider value={{ state, refresh, signOut, can }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): SessionApi {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}
