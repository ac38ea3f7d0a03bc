// Small hooks of the dashboard: a ticking clock for ages, results of async actions that
// ignore stale answers, and a notice that fades.
import { useCallback, useEffect, useRef, useState } from 'react';

export function useNow(tickMs: number, clock: () => number): number {
  const [now, setNow] = useState(clock);
  useEffect(() => {
    const timer = setInterval(() => setNow(clock()), tickMs);
    return () => clearInterval(timer);
  }, [tickMs, clock]);
  return now;
}

export type Async<T> = { key: string } & ({ status: 'loading' } | { status: 'done'; value: T } | { status: 'error'; message: string });

export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The latest async result; an answer to an earlier request is dropped. */
export function useAsync<T>(): [Async<T> | undefined, (key: string, work: () => Promise<T>) => void] {
  const [state, setState] = useState<Async<T>>();
  const latest = useRef(0);
  const start = useCallback((key: string, work: () => Promise<T>) => {
    const id = ++latest.current;
    setState({ key, status: 'loading' });
    work().then(
      (value) => latest.current === id && setState({ key, status: 'done', value }),
      (err: unknown) => latest.current === id && setState({ key, status: 'error', message: errorText(err) }),
    );
  }, []);
  return [state, start];
}

/** A one-line message that clears itself after a while. */
export function useNotice(clearAfterMs = 8000): [string | undefined, (text: string) => void] {
  const [notice, setNotice] = useState<string>();
  const timer = useRef<NodeJS.Timeout>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const say = useCallback(
    (text: string) => {
      clearTimeout(timer.current);
      setNotice(text);
      timer.current = setTimeout(() => setNotice(undefined), clearAfterMs);
    },
    [clearAfterMs],
  );
  return [notice, say];
}
