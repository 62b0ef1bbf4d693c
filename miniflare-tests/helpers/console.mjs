// The operator console's session from a test's side: sign in (POST /api/v1/session) and call
// the API with the `fd_session` cookie and the CSRF token, as the console page does.

/** Signs in; returns { status, json, text, setCookie, cookie, csrf } (cookie: "fd_session=…" or undefined). */
export async function signIn(server, { email, password, tenant, totp } = {}) {
  const res = await fetch(server.baseUrl + '/api/v1/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, ...(tenant === undefined ? {} : { tenant }), ...(totp === undefined ? {} : { totp }) }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  const setCookie = res.headers.get('set-cookie') ?? undefined;
  const cookie = setCookie?.split(';')[0];
  return { status: res.status, headers: res.headers, json, text, setCookie, cookie, csrf: json?.csrf_token };
}

/**
 * Calls the API as a signed-in browser: `session` from signIn (its cookie; its CSRF token on
 * writes unless `csrf` says otherwise: a string to send instead, or null for none).
 */
export async function asUser(server, session, path, { method = 'GET', body, csrf } = {}) {
  const headers = { cookie: session.cookie };
  const token = csrf === undefined ? (method === 'GET' ? undefined : session.csrf) : csrf;
  if (token !== undefined && token !== null) headers['x-csrf-token'] = token;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(server.baseUrl + path, {
    method, headers, body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

export const DEMO_USERS = {
  owner: { tenant: 'demo', email: 'owner@demo.example', password: 'demo-owner-password' },
  agent: { tenant: 'demo', email: 'agent@demo.example', password: 'demo-agent-password' },
  viewer: { tenant: 'demo', email: 'viewer@demo.example', password: 'demo-viewer-password' },
  owner2: { tenant: 'demo2', email: 'owner@demo2.example', password: 'demo2-owner-password' },
};
