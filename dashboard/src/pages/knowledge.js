// Knowledge: what the AI may quote. Add FAQs or documents, test a search, answer what it could not.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get, post, query } from '../lib/api.js';
import { useLoad } from '../lib/use_load.js';
import { ago, plural } from '../lib/format.js';
import { can } from '../lib/store.js';
import { Action, Empty, Failed, Field, Loading, Page } from '../components/ui.js';

export function Knowledge() {
  const bases = useLoad(() => get('kb'), [], (e) => e.type === 'kb.job');
  const unanswered = useLoad(() => get('kb/unanswered?limit=50'), []);
  return html`<${Page} title="Knowledge">
    <div class="grid-2">
      <${SearchTest} />
      <section class="card" aria-labelledby="kb-bases"><h2 id="kb-bases">Knowledge bases</h2>
        <${Failed} error=${bases.error} />
        ${!bases.data ? html`<${Loading} />` : !bases.data.data.length ? html`<${Empty}>Nothing yet: add FAQs below.<//>`
          : html`<ul>${bases.data.data.map((b) => html`<li><strong>${b.name}</strong> — ${plural(b.documents, 'document')}, ${plural(b.chunks, 'chunk')}</li>`)}</ul>`}
      </section>
    </div>
    <section aria-labelledby="kb-unanswered"><h2 id="kb-unanswered">Questions the AI could not answer</h2>
      <${Failed} error=${unanswered.error} />
      ${!unanswered.data ? html`<${Loading} />` : !unanswered.data.data.filter((u) => u.status === 'open').length
        ? html`<${Empty}>None open. When a customer asks something the knowledge base does not cover, it lands here.<//>`
        : html`<div class="cards">${unanswered.data.data.filter((u) => u.status === 'open').map((u) => html`<${Unanswered} key=${u.id} u=${u} onDone=${() => { unanswered.reload(); bases.reload(); }} />`)}</div>`}
    </section>
    ${can('admin') ? html`<${Ingest} onDone=${bases.reload} />` : null}
  <//>`;
}

function SearchTest() {
  const [q, setQ] = useState('');
  const [hits, setHits] = useState(null);
  const run = async () => { if (q.trim()) setHits((await get(`kb/search${query({ q: q.trim(), limit: 5 })}`)).data); };
  return html`<section class="card" aria-labelledby="kb-test"><h2 id="kb-test">Test a question</h2>
    <form onSubmit=${(e) => { e.preventDefault(); run(); }} class="actions">
      <input aria-label="Question" placeholder="e.g. can I bring my dog?" value=${q} onInput=${(e) => setQ(e.target.value)} style="flex:1" />
      <${Action} type="submit" run=${run}>Search<//>
    </form>
    ${hits && !hits.length ? html`<p class="muted">Nothing found: the AI would not have an answer.</p>` : null}
    ${hits?.length ? html`<ol class="explain">${hits.map((h) => html`<li><strong>${h.title}</strong> <span class="muted">(${h.kb})</span><br />${h.text.slice(0, 220)}${h.text.length > 220 ? '…' : ''}</li>`)}</ol>` : null}
  </section>`;
}

function Unanswered({ u, onDone }) {
  const [answer, setAnswer] = useState('');
  return html`<article class="card">
    <p><strong>“${u.question}”</strong> <span class="muted">${ago(u.created_at)}</span>
      ${u.conversation_id ? html` · <a href=${`#/inbox/${u.conversation_id}`}>conversation</a>` : null}</p>
    ${can('admin') ? html`<label class="sr-only" for=${`ans-${u.id}`}>Answer</label>
      <textarea id=${`ans-${u.id}`} rows="2" placeholder="Write the answer the AI should give" value=${answer} onInput=${(e) => setAnswer(e.target.value)}></textarea>
      <div class="actions" style="margin-top:.4rem">
        <${Action} kind="primary" disabled=${!answer.trim()} run=${async () => { await post(`kb/unanswered/${u.id}/faq`, { answer }); onDone(); }} done="Added as an FAQ; the AI uses it from now on.">Add as FAQ<//>
        <${Action} run=${async () => { await post(`kb/unanswered/${u.id}/dismiss`); onDone(); }}>Dismiss<//>
      </div>` : null}
  </article>`;
}

/** FAQ pairs pasted as "Q: …" / "A: …" blocks (the way people keep them in documents). */
export function parseFaqs(text) {
  const faqs = [];
  let current = null;
  for (const line of text.split(/\r?\n/)) {
    const q = line.match(/^\s*(?:Q|Question)\s*[:.)-]\s*(.+)$/i);
    const a = line.match(/^\s*(?:A|Answer)\s*[:.)-]\s*(.+)$/i);
    if (q) { current = { question: q[1].trim(), answer: '' }; faqs.push(current); } else if (a && current) current.answer = a[1].trim();
    else if (current && line.trim()) current.answer += `${current.answer ? ' ' : ''}${line.trim()}`;
  }
  return faqs.filter((f) => f.question && f.answer);
}

function Ingest({ onDone }) {
  const [kind, setKind] = useState('faq');
  const [text, setText] = useState('');
  const [title, setTitle] = useState('');
  const [url, setUrl] = useState('');
  const submit = async () => {
    if (kind === 'faq') {
      const faqs = parseFaqs(text);
      if (!faqs.length) throw new Error('No FAQs found: write each as a "Q: …" line followed by an "A: …" line.');
      const r = await post('kb/faqs', { kb: 'faq', faqs });
      setText('');
      onDone();
      return r;
    }
    const r = kind === 'url' ? await post('kb/documents', { kb: 'documents', url }) : await post('kb/documents', { kb: 'documents', title, content: text, format: 'markdown' });
    setText(''); setUrl(''); setTitle('');
    onDone();
    return r;
  };
  return html`<section class="card" aria-labelledby="kb-add" style="margin-top:1rem"><h2 id="kb-add">Add knowledge</h2>
    <div role="radiogroup" aria-label="What to add" class="actions" style="margin-bottom:.75rem">
      ${[['faq', 'FAQs'], ['doc', 'A document'], ['url', 'A web page']].map(([v, l]) => html`<label class="inline"><input type="radio" name="kb-kind" checked=${kind === v} onChange=${() => setKind(v)} /> ${l}</label>`)}
    </div>
    ${kind === 'url' ? html`<${Field} id="kb-url" label="Page address"><input id="kb-url" type="url" placeholder="https://…" value=${url} onInput=${(e) => setUrl(e.target.value)} /><//>` : null}
    ${kind === 'doc' ? html`<${Field} id="kb-title" label="Title"><input id="kb-title" value=${title} onInput=${(e) => setTitle(e.target.value)} /><//>` : null}
    ${kind !== 'url' ? html`<${Field} id="kb-text" label=${kind === 'faq' ? 'FAQs' : 'Text (Markdown)'} hint=${kind === 'faq' ? 'One "Q: …" line, then its "A: …" answer, for each question.' : ''}>
      <textarea id="kb-text" rows="6" placeholder=${kind === 'faq' ? 'Q: Can I bring my dog?\nA: Many landlords accept pets by agreement.' : ''} value=${text} onInput=${(e) => setText(e.target.value)} aria-describedby="kb-text-hint"></textarea><//>` : null}
    <${Action} kind="primary" run=${submit} done="Added.">Add<//>
  </section>`;
}
