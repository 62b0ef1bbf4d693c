// Sign in as a user of the business (session cookie), or paste an API key (owner rights).
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { post } from '../lib/api.js';
import { Field } from '../components/ui.js';

export function Login({ onSession, onKey, notice }) {
  const [useKey, setUseKey] = useState(false);
  const [error, setError] = useState(notice ?? null);
  const [busy, setBusy] = useState(false);
  const [needTotp, setNeedTotp] = useState(false);

  const signIn = async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    setBusy(true);
    setError(null);
    try {
      const body = { email: f.get('email').trim(), password: f.get('password') };
      if (f.get('tenant')?.trim()) body.tenant = f.get('tenant').trim();
      if (f.get('totp')?.trim()) body.totp = f.get('totp').trim();
      onSession(await post('/api/v1/session', body));
    } catch (err) {
      setError(err.status === 401 ? `That email and password do not match an account here${needTotp ? ' (or the code is wrong)' : ''}.`
        : err.status === 423 ? 'Too many wrong attempts: this account is locked for 30 minutes.'
        : err.status === 429 ? 'Too many attempts. Wait a minute and try again.'
        : err.status === 404 ? 'Signing in with a password is not available on this server yet. Use an API key.' : err.message);
    } finally {
      setBusy(false);
    }
  };

  const withKey = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onKey(new FormData(e.target).get('key').trim());
    } catch (err) {
      setError(err.status === 401 ? 'That API key was not accepted.' : err.message);
    } finally {
      setBusy(false);
    }
  };

  return html`<main class="login" id="main">
    <div class="login-card">
      <div class="brand big"><span class="logo" aria-hidden="true">F</span> Frontdesk</div>
      <h1>${useKey ? 'Connect with an API key' : 'Sign in to your front desk'}</h1>
      ${error ? html`<p class="notice error" role="alert">${error}</p>` : null}
      ${useKey ? html`<form onSubmit=${withKey}>
          <${Field} id="key" label="API key" hint="Keys act with owner rights. Prefer signing in.">
            <input id="key" name="key" type="password" autocomplete="off" required placeholder="fd_…" aria-describedby="key-hint" />
          <//>
          <button class="primary" type="submit" disabled=${busy}>Connect</button>
        </form>`
      : html`<form onSubmit=${signIn}>
          <${Field} id="email" label="Email"><input id="email" name="email" type="email" autocomplete="username" required /><//>
          <${Field} id="password" label="Password"><input id="password" name="password" type="password" autocomplete="current-password" required /><//>
          <${Field} id="tenant" label="Business (optional)" hint="Only needed if your email belongs to several businesses.">
            <input id="tenant" name="tenant" autocomplete="organization" placeholder="e.g. demo" aria-describedby="tenant-hint" />
          <//>
          ${needTotp ? html`<${Field} id="totp" label="Authenticator code"><input id="totp" name="totp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" /><//>`
            : html`<button type="button" class="link totp-toggle" onClick=${() => setNeedTotp(true)}>I use an authenticator app</button>`}
          <button class="primary" type="submit" disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
        </form>`}
      <button type="button" class="link" onClick=${() => { setUseKey(!useKey); setError(null); }}>
        ${useKey ? 'Sign in with email and password instead' : 'Use an API key instead'}
      </button>
    </div>
  </main>`;
}
