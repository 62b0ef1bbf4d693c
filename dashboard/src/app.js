// The console's frame: who is signed in, the navigation, the counters and the live connection.
import { useEffect, useState } from 'preact/hooks';
import { html } from './lib/html.js';
import { ApiError, del, forget, get, useKey, useSession, whenExpired } from './lib/api.js';
import { connect, disconnect, onStatus } from './lib/live.js';
import { can, identity, useStore } from './lib/store.js';
import { useRoute } from './lib/route.js';
import { Toasts } from './components/ui.js';
import { Counters } from './components/counters.js';
import { EmergencyAlert } from './components/emergency.js';
import { Login } from './pages/login.js';
import { PAGES, NAV } from './pages/index.js';

const KEY_STORE = 'frontdesk.key';

async function keyIdentity(key) {
  useKey(key);
  try {
    const { tenant } = await get('settings');
    return { mode: 'key', user: { email: 'API key', role: 'owner' }, tenant };
  } catch (err) {
    forget();
    throw err;
  }
}

function sessionIdentity(s) {
  useSession(s.csrf_token);
  return { mode: 'session', user: s.user, tenant: s.tenant };
}

export function App() {
  const who = useStore(identity);
  const [checked, setChecked] = useState(false);
  const [notice, setNotice] = useState(null);

  useEffect(() => {
    whenExpired(() => {
      forget();
      identity.set(null);
      setNotice('Your session has ended. Sign in again to carry on.');
    });
    (async () => {
      const key = sessionStorage.getItem(KEY_STORE);
      try {
        if (key) identity.set(await keyIdentity(key));
        else identity.set(sessionIdentity(await get('/api/v1/session')));
      } catch (err) {
        if (key) sessionStorage.removeItem(KEY_STORE);
        if (!(err instanceof ApiError) || (err.status !== 401 && err.status !== 404)) setNotice(err.message);
      }
      setChecked(true);
    })();
  }, []);

  useEffect(() => {
    if (!who) return undefined;
    connect();
    return disconnect;
  }, [who]);

  useEffect(() => {
    // bench/console.mjs reads this: the first screen a person can act on.
    if (checked) performance.mark('console:ready');
  }, [checked]);

  if (!checked) return html`<p class="muted boot" role="status">Loading…</p>`;
  if (!who) {
    return html`<${Login} notice=${notice}
      onSession=${(s) => identity.set(sessionIdentity(s))}
      onKey=${async (key) => { identity.set(await keyIdentity(key)); sessionStorage.setItem(KEY_STORE, key); }} />`;
  }
  return html`<${Shell} who=${who} />`;
}

async function signOut(who) {
  if (who.mode === 'session') await del('/api/v1/session').catch(() => {});
  sessionStorage.removeItem(KEY_STORE);
  forget();
  identity.set(null);
  location.hash = '';
}

function LiveDot() {
  const [status, setStatus] = useState('offline');
  useEffect(() => onStatus(setStatus), []);
  const text = { live: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…', offline: 'Offline' }[status];
  return html`<span class=${`live-dot ${status}`} role="status" aria-live="polite" data-testid="live-status">${text}</span>`;
}

function Shell({ who }) {
  const route = useRoute();
  const [menuOpen, setMenuOpen] = useState(false);
  const Current = PAGES[route.page] ?? PAGES.inbox;
  useEffect(() => {
    setMenuOpen(false);
    document.getElementById('page-title')?.focus({ preventScroll: true });
  }, [route.page]);
  return html`<div class="shell">
    <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
    <header class="topbar">
      <button type="button" class="menu-toggle" aria-expanded=${menuOpen} aria-controls="nav" onClick=${() => setMenuOpen(!menuOpen)}>Menu</button>
      <div class="brand"><span class="logo" aria-hidden="true">F</span><span>${who.tenant?.name ?? 'Frontdesk'}</span></div>
      <${Counters} />
      <div class="whoami">
        <${LiveDot} />
        <span class="user" title=${who.user.email}>${who.user.email} · <span class="role">${who.user.role}</span></span>
        <button type="button" onClick=${() => signOut(who)}>Sign out</button>
      </div>
    </header>
    <${EmergencyAlert} />
    <nav id="nav" class=${`sidenav${menuOpen ? ' open' : ''}`} aria-label="Sections">
      <ul>
        ${NAV.filter(([, , level]) => !level || can(level)).map(([page, label]) => html`<li><a href=${`#/${page}`} aria-current=${route.page === page ? 'page' : undefined}>${label}</a></li>`)}
      </ul>
    </nav>
    <main id="main" tabindex="-1"><${Current} route=${route} /></main>
    <${Toasts} />
  </div>`;
}
