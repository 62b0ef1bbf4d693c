// One contact's story in order: messages on every channel, calls, bookings, tickets, escalations.
import { useEffect } from 'preact/hooks';
import { html } from '../lib/html.js';
import { channelLabel, dateTime, deliveryLabel, time } from '../lib/format.js';

const ms = (v) => (v === null || v === undefined ? '–' : v < 1000 ? `${v} ms` : `${(v / 1000).toFixed(1)} s`);

function Message({ m, by }) {
  const staff = by ?? m.by ?? m.author;
  const who = m.direction === 'inbound' || !staff ? '' : staff.you ? 'You' : `Staff · ${staff.email ?? staff.actor ?? 'API key'}`;
  return html`<li class=${`msg ${m.direction}${staff ? ' staff' : ''}`} data-testid="message" data-direction=${m.direction}>
    ${m.body}
    <div class="meta">
      ${who ? html`<span>${who}</span>` : null}
      <span>${channelLabel(m.channel)}</span>
      <time datetime=${new Date(m.created_at ?? m.at).toISOString()}>${time(m.created_at ?? m.at)}</time>
      ${m.direction === 'outbound' && m.status ? html`<span data-testid="delivery" class=${m.status === 'failed' || m.status === 'dead' ? 'bad' : ''}>${deliveryLabel(m.status)}</span>` : null}
      ${m.first_token_ms !== undefined && m.first_token_ms !== null
        ? html`<span class="latency" title="From the caller's last word: first word spoken, reply finished">⏱ ${ms(m.first_token_ms)} → ${ms(m.last_token_ms)}</span>` : null}
      ${m.error ? html`<span class="bad">${m.error}</span>` : null}
    </div>
  </li>`;
}

function Call({ c }) {
  const summary = c.summary?.text ?? c.summary?.summary ?? (typeof c.summary === 'string' ? c.summary : null);
  return html`<li class="call-card">
    <strong>${c.direction === 'outbound' ? 'Outbound call' : 'Call'}</strong> · ${dateTime(c.created_at ?? c.at)}
    ${c.duration_seconds ? ` · ${Math.round(c.duration_seconds / 60)} min` : ''} ${c.outcome ? html` · <span class="badge">${c.outcome}</span>` : null}
    ${summary ? html`<p>${summary}</p>` : null}
    ${c.recording_url ? html`<a href=${c.recording_url} target="_blank" rel="noopener">Recording</a>` : null}
    ${c.transcript?.length ? html`<details><summary>Transcript</summary>${c.transcript.map((t) => html`<p><strong>${t.role ?? t.speaker}:</strong> ${t.text}</p>`)}</details>` : null}
  </li>`;
}

function Other({ item }) {
  const at = time(item.at ?? item.created_at);
  if (item.kind === 'booking') {
    const what = item.booking_kind ? item.booking_kind[0].toUpperCase() + item.booking_kind.slice(1) : 'Booking';
    return html`<li class="event-item">${what} ${item.status ?? ''} for ${dateTime(item.start_ms)} · ${at}</li>`;
  }
  if (item.kind === 'ticket') return html`<li class="event-item">Ticket: ${item.summary ?? item.ticket?.summary} · ${at}</li>`;
  if (item.kind === 'escalation') {
    const e = item.escalation ?? item;
    return html`<li class=${`event-item${e.priority === 'critical' ? ' bad' : ''}`}>⚠ Escalation (${e.reason}): ${e.summary} · ${e.status} · ${at}</li>`;
  }
  if (item.kind === 'lead') return html`<li class="event-item">Lead ${item.status ?? ''} ${item.score !== undefined ? `· score ${item.score}` : ''} · ${at}</li>`;
  return null;
}

export function Timeline({ items, senders = {} }) {
  return html`<ol class="timeline" aria-label="Timeline" aria-live="polite" data-testid="timeline">
    ${items.map((item) => {
      if (item.kind === 'message' || (!item.kind && item.body !== undefined)) return html`<${Message} key=${item.id} m=${item.message ?? item} by=${senders[(item.message ?? item).id]} />`;
      if (item.kind === 'call') return html`<${Call} key=${item.id} c=${item.call ?? item} />`;
      return html`<${Other} key=${item.id ?? `${item.kind}-${item.at}`} item=${item} />`;
    })}
  </ol>`;
}

/** Keeps the newest item in view as items arrive (a conversation, a call in progress). */
export function useFollowTimeline(count) {
  useEffect(() => {
    const list = document.querySelector('.timeline');
    if (list) list.scrollTop = list.scrollHeight;
  }, [count]);
}
