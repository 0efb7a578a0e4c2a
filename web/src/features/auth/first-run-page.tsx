import { useState, type FormEvent } from 'react';
import { ApiError, apiPost } from '../../api/client.js';
import { ErrorBanner, Field } from '../../components/field.js';
import { useSession } from './session.js';

/** Shown only to the first visitor of an empty installation. */
export function FirstRunPage() {
  const { refresh } = useSession();
  const [form, setForm] = useState({ displayName: '', email: '', password: '', confirm: '' });
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [k]: e.target.value });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (form.password !== form.confirm) {
      setFieldErrors({ confirm: 'does not match the password' });
      return;
    }
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      const { confirm: _confirm, ...body } = form;
      await apiPost('/setup', body);
      await apiPost('/auth/sign-in', { email: form.email, password: form.password });
      await refresh();
    } catch (err) {
      if (err instanceof ApiError) setFieldErrors(err.fieldErrors());
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="auth-page" id="main">
      <form className="card auth-card" onSubmit={submit} aria-labelledby="setup-title">
        <h1 id="setup-title">Welcome to ketatrack</h1>
        <p>
          This installation has no accounts yet. Create the first administrator; they will add
          everyone else.
        </p>
        <ErrorBanner error={error} />
        <Field
          label="Your name"
          required
          value={form.displayName}
          onChange={set('displayName')}
          error={fieldErrors.displayName}
          data-testid="setup-name"
        />
        <Field
          label="Email"
          type="email"
          autoComplete="username"
          required
          value={form.email}
          onChange={set('email')}
          error={fieldErrors.email}
          data-testid="setup-email"
        />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          minLength={12}
          value={form.password}
          onChange={set('password')}
          error={fieldErrors.password}
          hint="At least 12 characters. A short sentence works well."
          data-testid="setup-password"
        />
        <Field
          label="Password again"
          type="password"
          autoComplete="new-password"
          required
          value={form.confirm}
          onChange={set('confirm')}
          error={fieldErrors.confirm}
          data-testid="setup-confirm"
        />
        <button type="submit" className="primary" disabled={busy} data-testid="setup-submit">
          {busy ? 'Creating…' : 'Create administrator'}
        </button>
      </form>
    </main>
  );
}
