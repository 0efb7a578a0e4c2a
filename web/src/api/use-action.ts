import { useState } from 'react';
import { ApiError } from './client.js';

export interface Action {
  /** Runs the call; a failure becomes `error` (and `fieldErrors` for a problem with fields). */
  run: <T>(call: () => Promise<T>) => Promise<T | undefined>;
  busy: boolean;
  error: Error | null;
  fieldErrors: Record<string, string>;
}

/** One button's call to the API, with its busy state and its errors for the form. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const run = async <T>(call: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      return await call();
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      setError(err);
      if (err instanceof ApiError) setFieldErrors(err.fieldErrors());
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, fieldErrors };
}
