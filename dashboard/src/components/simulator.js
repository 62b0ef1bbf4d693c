// An SMS conversation with the business from the browser: the server signs each message with the
// tenant's own token and sends it through the real webhook (POST /api/v1/simulator/sms).
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { post } from '../lib/api.js';
import { Action } from './ui.js';

export function Simulator() {
  const [from] = useState(() => `+4477009${String(Math.floor(Math.random() * 100000)).padStart(5, '0')}`);
  const [text, setText] = useState('');
  const [log, setLog] = useState([]);
  const send = async () => {
    const body = text.trim();
    if (!body) throw new Error('Write a message first.');
    setLog((l) => [...l, { dir: 'inbound', body }]);
    setText('');
    const r = await post('simulator/sms', { from, body });
    for (const reply of r.replies ?? [r.reply].filter(Boolean)) setLog((l) => [...l, { dir: 'outbound', body: reply }]);
  };
  return html`<div class="sim" data-testid="simulator">
    <p class="hint">Texting from ${from}</p>
    <ol class="sim-log" aria-live="polite" aria-label="Simulated conversation">
      ${log.map((m) => html`<li class=${`msg ${m.dir}`}>${m.body}</li>`)}
    </ol>
    <form class="actions" onSubmit=${(e) => e.preventDefault()}>
      <label class="sr-only" for="sim-text">Message</label>
      <input id="sim-text" style="flex:1" placeholder="e.g. Hi, do you have any 2 bed flats?" value=${text} onInput=${(e) => setText(e.target.value)} />
      <${Action} kind="primary" type="submit" run=${send}>Send SMS<//>
    </form>
  </div>`;
}
