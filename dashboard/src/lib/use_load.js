// Loads data for a page and reloads it when a live event says it changed.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { subscribe } from './live.js';

/**
 * load(): Promise<data>; deps reload it; `reloadOn(event) → bool` reloads on live events.
 * Returns {data, error, loading, reload, setData}.
 */
export function useLoad(load, deps = [], reloadOn = null) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const seq = useRef(0);
  const reload = useCallback(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    return load().then(
      (data) => { if (mine === seq.current) setState({ data, error: null, loading: false }); },
      (error) => { if (mine === seq.current) setState((s) => ({ data: s.data, error, loading: false })); },
    );
  }, deps);
  useEffect(() => { reload(); }, [reload]);
  useEffect(() => (reloadOn ? subscribe((e) => { if (reloadOn(e)) reload(); }) : undefined), [reload]);
  const setData = (fn) => setState((s) => ({ ...s, data: typeof fn === 'function' ? fn(s.data) : fn }));
  return { ...state, reload, setData };
}
