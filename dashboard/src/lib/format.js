// How times, money and names read on screen (the browser's locale and time zone).
const rtf = typeof Intl.RelativeTimeFormat === 'function' ? new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }) : null;

export function ago(ms, now = Date.now()) {
  if (!ms) return '';
  const s = Math.round((ms - now) / 1000);
  const abs = Math.abs(s);
  if (!rtf) return new Date(ms).toLocaleString();
  if (abs < 45) return 'just now';
  if (abs < 3600) return rtf.format(Math.round(s / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(s / 3600), 'hour');
  return rtf.format(Math.round(s / 86400), 'day');
}

export const dateTime = (v) => (v ? new Date(v).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '');
export const time = (v) => (v ? new Date(v).toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' }) : '');
export const day = (v) => (v ? new Date(v).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' }) : '');

export function money(amount, period) {
  if (amount === null || amount === undefined) return '';
  const s = `£${Number(amount).toLocaleString('en-GB')}`;
  return period === 'month' ? `${s} pcm` : period === 'night' ? `${s}/night` : s;
}

/** UK numbers the way people write them (07700 900123, 020 7946 0000); others as stored. */
export function phone(e164) {
  if (!e164) return '';
  const m = /^\+44(\d{10})$/.exec(e164);
  if (!m) return e164;
  const n = `0${m[1]}`;
  return n.startsWith('02') ? `${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}` : `${n.slice(0, 5)} ${n.slice(5)}`;
}

export function contactName(contact, fallback = 'Unknown contact') {
  if (!contact) return fallback;
  return contact.name || phone(contact.phone) || contact.email || fallback;
}

/** The second line under a name: how to reach them, when the name is not already that. */
export function contactDetail(contact) {
  if (!contact) return '';
  if (!contact.name) return contact.phone && contact.email ? contact.email : '';
  return phone(contact.phone) || contact.email || '';
}

const DELIVERY = { queued: 'sending', sent: 'sent', delivered: 'delivered ✓', read: 'read ✓✓', failed: 'not delivered', simulated: 'simulated (no provider set up)', dead: 'not delivered' };
export const deliveryLabel = (status) => DELIVERY[status] ?? status;

export const CHANNEL_LABEL = { sms: 'SMS', whatsapp: 'WhatsApp', email: 'Email', chat: 'Web chat', voice: 'Call', form: 'Form' };
export const channelLabel = (c) => CHANNEL_LABEL[c] ?? c;

export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

/** RFC 4180 CSV from rows of plain values, for client-side exports. */
export function toCsv(header, rows) {
  const cell = (v) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

export function download(name, text, type = 'text/csv') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
