import { useState, type FormEvent } from 'react';
import { ApiError, apiPost } from '../../api/client.js';
import { ErrorBanner, Field } from '../../components/field.js';
import { useSession } from './session.js';

export function SignInPage() {
  const { refresh } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totpCode, setTotpCode] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await apiPost('/auth/sign-in', { email, password, ...(needsCode ? { totpCode } : {}) });
      await refresh();
    } catch (err) {
      if (err instanceof ApiError && err.problem.code === 'auth.totp_required') setNeedsCode(true);
      else setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="auth-page" id="main">
      <form className="card auth-card" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to ketatrack</h1>
        <ErrorBanner error={error} />
        <Field
          label="Email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          data-testid="sign-in-email"
        />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          data-testid="sign-in-password"
        />
        {needsCode && (
          <Field
            label="6-digit code from your authenticator app"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="\d{6}"
            required
            autoFocus
            value={totpCode}
            onChange={(e) => setTotpCode(e.target.value)}
          />
        )}
        <button type="submit" className="primary" disabled={busy} data-testid="sign-in-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
