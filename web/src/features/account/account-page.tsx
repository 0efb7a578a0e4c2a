import { useState, type FormEvent } from 'react';
import type { TotpSetup } from '../../../../src/contracts/auth.contract.js';
import { ApiError, apiPost } from '../../api/client.js';
import { ErrorBanner, Field } from '../../components/field.js';
import { useSession } from '../auth/session.js';

export function AccountPage() {
  const { state, refresh } = useSession();
  const me = state.status === 'signed-in' ? state.me : null;
  const [pw, setPw] = useState({ currentPassword: '', newPassword: '' });
  const [pwErrors, setPwErrors] = useState<Record<string, string>>({});
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [code, setCode] = useState('');
  const [notice, setNotice] = useState('');
  const [error, setError] = useState<Error | null>(null);
  if (!me) return null;

  const run = async (work: () => Promise<void>) => {
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err as Error);
    }
  };

  const changePassword = (e: FormEvent) => {
    e.preventDefault();
    setPwErrors({});
    void run(async () => {
      try {
        await apiPost('/auth/password', pw);
        setPw({ currentPassword: '', newPassword: '' });
        setNotice('Password changed. Your other sessions were signed out.');
      } catch (err) {
        if (err instanceof ApiError) setPwErrors(err.fieldErrors());
        throw err;
      }
    });
  };

  return (
    <main id="main" className="page">
      <h1>Your account</h1>
      <p>
        {me.displayName} · {me.email} · {me.role}
      </p>
      <p aria-live="polite" className="notice">
        {notice}
      </p>
      <ErrorBanner error={error} />
      <section className="card" aria-labelledby="pw-title">
        <h2 id="pw-title">Change password</h2>
        <form className="form-grid" onSubmit={changePassword}>
          <Field
            label="Current password"
            type="password"
            autoComplete="current-password"
            required
            value={pw.currentPassword}
            onChange={(e) => setPw({ ...pw, currentPassword: e.target.value })}
            error={pwErrors.currentPassword}
          />
          <Field
            label="New password"
            type="password"
            autoComplete="new-password"
            minLength={12}
            required
            value={pw.newPassword}
            onChange={(e) => setPw({ ...pw, newPassword: e.target.value })}
            error={pwErrors.newPassword}
            hint="At least 12 characters"
          />
          <div className="actions span-2">
            <button type="submit">Change password</button>
          </div>
        </form>
      </section>
      <section className="card" aria-labelledby="totp-title">
        <h2 id="totp-title">Two-step sign-in</h2>
        {me.totpEnabled ? (
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void run(async () => {
                await apiPost('/auth/totp/disable', { code });
                setCode('');
                setNotice('Two-step sign-in is off.');
                await refresh();
              });
            }}
          >
            <p>On. To turn it off, enter a current code.</p>
            <Field
              label="Code"
              inputMode="numeric"
              pattern="\d{6}"
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
            <button type="submit" className="danger">
              Turn off
            </button>
          </form>
        ) : setup ? (
          <form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              void run(async () => {
                await apiPost('/auth/totp/enable', { code });
                setSetup(null);
                setCode('');
                setNotice('Two-step sign-in is on.');
                await refresh();
              });
            }}
          >
            <p>
              Scan this with an authenticator app, or type the key, then enter the code it shows.
            </p>
            <div
              className="qr"
              role="img"
              aria-label="QR code for your authenticator app"
              dangerouslySetInnerHTML={{ __html: setup.qrSvg }}
            />
            <p className="mono">{setup.secret}</p>
            <Field
              label="Code"
              inputMode="numeric"
              pattern="\d{6}"
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
            <div className="actions">
              <button type="submit" className="primary">
                Turn on
              </button>
            </div>
          </form>
        ) : (
          <>
            <p>Off. A second step protects patient records if your password leaks.</p>
            <button
              type="button"
              onClick={() =>
                void run(async () => setSetup(await apiPost<TotpSetup>('/auth/totp/setup')))
              }
            >
              Set up
            </button>
          </>
        )}
      </section>
    </main>
  );
}
