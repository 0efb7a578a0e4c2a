import { useCallback, useEffect, useState } from 'react';
import type { ApiError } from './client.js';

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads a value whenever `deps` change, and again on `reload()`. Answers from
 * an older load are dropped so a slow response never overwrites a newer one.
 */
export function useResource<T>(
  load: () => Promise<T>,
  deps: readonly unknown[],
  refreshMs?: number,
): Resource<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({
    loading: true,
  });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: s.data === undefined }));
    load().then(
      (data) => {
        if (live) setState({ data, loading: false });
      },
      (error: unknown) => {
        if (live)
          setState({
            error: error instanceof Error ? error : new Error(String(error)),
            loading: false,
          });
      },
    );
    return () => {
      live = false;
    };
    // `load` is rebuilt each render; the caller's deps say when it really changes.
  }, [...deps, tick]);
  // Optional polling, for worklists that must show new safety alerts without a reload.
  useEffect(() => {
    if (!refreshMs) return;
    const timer = setInterval(() => setTick((t) => t + 1), refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs]);
  // Stable, so callers can list it among an effect's dependencies.
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
