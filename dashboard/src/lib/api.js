// The one door to /api/v1. Two ways in: the signed-in user's session cookie (every write carries
// the CSRF token the session gave us) or an API key (scripts and headless kiosks; owner rights).
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

const auth = { mode: null, key: null, csrf: null };

export function useKey(key) {
  auth.mode = 'key';
  auth.key = key;
  auth.csrf = null;
}

export function useSession(csrf) {
  auth.mode = 'session';
  auth.key = null;
  auth.csrf = csrf;
}

export function forget() {
  auth.mode = null;
  auth.key = null;
  auth.csrf = null;
}

let onExpired = () => {};
/** Called when a signed-in session stops being accepted (expired, revoked, signed out elsewhere). */
export function whenExpired(fn) { onExpired = fn; }

export const authMode = () => auth.mode;
export const apiKey = () => auth.key;

export async function request(method, path, body, { contentType } = {}) {
  const headers = { accept: 'application/json' };
  if (auth.mode === 'key') headers.authorization = `Bearer ${auth.key}`;
  if (auth.mode === 'session' && method !== 'GET') headers['x-csrf-token'] = auth.csrf;
  let payload;
  if (body !== undefined) {
    headers['content-type'] = contentType ?? 'application/json';
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(path.startsWith('/') ? path : `/api/v1/${path}`, {
    method, headers, body: payload, credentials: 'same-origin',
  });
  if (res.status === 204) return null;
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!res.ok) {
    const err = json?.error;
    if (res.status === 401 && auth.mode === 'session' && path !== '/api/v1/session') onExpired();
    throw new ApiError(res.status, err?.code, err?.message || text || res.statusText);
  }
  return json;
}

export const get = (path) => request('GET', path);
export const post = (path, body, opts) => request('POST', path, body ?? {}, opts);
export const put = (path, body) => request('PUT', path, body);
export const patch = (path, body) => request('PATCH', path, body);
export const del = (path) => request('DELETE', path);

/** A query string from an object, skipping empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '' && v !== false) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
