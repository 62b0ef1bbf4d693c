// Small shared state: a value, its subscribers, and a hook that re-renders on change.
import { useEffect, useState } from 'preact/hooks';

export function store(initial) {
  let value = initial;
  const subs = new Set();
  return {
    get: () => value,
    set(next) {
      value = typeof next === 'function' ? next(value) : next;
      for (const fn of subs) fn(value);
    },
    subscribe(fn) {
      subs.add(fn);
      return () => subs.delete(fn);
    },
  };
}

export function useStore(s) {
  const [value, setValue] = useState(s.get());
  useEffect(() => s.subscribe(setValue), [s]);
  return value;
}

/** Who is signed in: {user: {id, email, role}, tenant: {id, slug, name}, mode: 'session'|'key'} or null. */
export const identity = store(null);

/** Short-lived notices at the bottom of the screen: [{id, text, kind}]. */
export const toasts = store([]);
let toastId = 0;
export function toast(text, kind = 'info') {
  const id = ++toastId;
  toasts.set((list) => [...list, { id, text, kind }]);
  setTimeout(() => toasts.set((list) => list.filter((t) => t.id !== id)), kind === 'error' ? 8000 : 4000);
}

const WRITE_ROLES = { viewer: 0, agent: 1, admin: 2, owner: 2 };
/** 'read' | 'write' (agents: reply, take over, resolve) | 'admin' (settings, approvals, keys). */
export function can(level) {
  const role = identity.get()?.user?.role ?? 'viewer';
  const have = WRITE_ROLES[role] ?? 0;
  return level === 'read' || (level === 'write' && have >= 1) || (level === 'admin' && have >= 2);
}
