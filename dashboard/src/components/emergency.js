// Emergencies must not wait for someone to look at the right page: a banner on every page, a
// tone, and a system notification when the tab is in the background.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { subscribe } from '../lib/live.js';
import { contactName } from '../lib/format.js';

function tone() {
  try {
    const ctx = new AudioContext();
    [0, 0.35, 0.7].forEach((at) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.2, ctx.currentTime + at);
      gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + at + 0.3);
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + at);
      osc.stop(ctx.currentTime + at + 0.3);
    });
  } catch { /* no audio device */ }
}

export function EmergencyAlert() {
  const [alerts, setAlerts] = useState([]);
  useEffect(() => subscribe((e) => {
    if (e.type !== 'escalation.raised' || e.data?.escalation?.priority !== 'critical') return;
    const esc = e.data.escalation;
    setAlerts((list) => [...list.filter((a) => a.id !== esc.id), { id: esc.id, summary: esc.summary, who: contactName(e.data.contact, '') }]);
    tone();
    if ('Notification' in window && Notification.permission === 'granted' && document.hidden) {
      new Notification('Emergency', { body: esc.summary, tag: esc.id, requireInteraction: true });
    }
  }), []);
  if (!alerts.length) return null;
  return html`<div class="emergency-banner" role="alert">
    ${alerts.map((a) => html`<div class="emergency-row" key=${a.id}>
      <strong>Emergency</strong> ${a.who ? html`<span>${a.who}:</span>` : null} <span>${a.summary}</span>
      <a class="button" href=${`#/escalations/${a.id}`} onClick=${() => setAlerts((l) => l.filter((x) => x.id !== a.id))}>Open</a>
      <button type="button" class="link" onClick=${() => setAlerts((l) => l.filter((x) => x.id !== a.id))} aria-label="Dismiss this alert">Dismiss</button>
    </div>`)}
    ${'Notification' in window && Notification.permission === 'default'
      ? html`<button type="button" class="link" onClick=${() => Notification.requestPermission()}>Also alert me when this tab is in the background</button>` : null}
  </div>`;
}
