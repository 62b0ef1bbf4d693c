// The intake builder: the qualification questions (core::lead::Question) one row each — the
// lead field it fills, the words (one SMS: 160 characters), the answer type, a choice's
// options, required or not — added, removed and reordered here, saved with the rest of the
// settings. The fields, types, limits and the template's defaults come from the server
// (`intake` in GET /api/v1/settings), so the page never disagrees with core.
import { html } from '../lib/html.js';

const sentence = (s) => s.charAt(0).toUpperCase() + s.slice(1);
const TYPES = [['text', 'Text'], ['choice', 'Choice'], ['yes_no', 'Yes / no'], ['date', 'Date']];

/** The server's refusal ("qualification: qualification[2].answer.options: …; hours.mon: …") as
 * row → its problems, so each shows next to the question it concerns. */
export function problemsByRow(message) {
  const rows = new Map();
  for (const part of (message ?? '').split('; ')) {
    const m = /^qualification: qualification\[(\d+)\]\.?([\w.]*)(:?) (.*)$/.exec(part);
    if (!m) continue;
    const [, row, path, colon, text] = m;
    const what = path.replace('answer.', '');
    rows.set(Number(row), [...(rows.get(Number(row)) ?? []), { path, text: what ? `${sentence(what)}${colon} ${text}` : text }]);
  }
  return rows;
}


export function IntakeBuilder({ questions, intake, refused, onChange }) {
  const list = questions ?? intake.defaults;
  const problems = problemsByRow(refused);
  const fieldLabel = Object.fromEntries(intake.fields.map((f) => [f.field, sentence(f.label)]));
  const edit = (i, q) => onChange(list.map((old, j) => (j === i ? q : old)));
  const move = (i, by) => {
    const next = [...list];
    [next[i], next[i + by]] = [next[i + by], next[i]];
    onChange(next);
    // Keyboard users keep their place: focus follows the row they moved.
    requestAnimationFrame(() => {
      const [same, other] = [`q-${i + by}-${by < 0 ? 'up' : 'down'}`, `q-${i + by}-${by < 0 ? 'down' : 'up'}`].map((x) => document.getElementById(x));
      (same && !same.disabled ? same : other)?.focus();
    });
  };
  const unused = intake.fields.find((f) => !list.some((q) => q.field === f.field));
  return html`<div data-testid="intake-builder">
    <p class="hint">${questions ? 'Asked one at a time, in this order, to a new lead.' : 'These are your template’s questions; change any of them to make them your own.'}${' Required questions decide when a lead is complete.'}</p>
    <ol class="intake">${list.map((q, i) => html`<${Row} key=${`${i}-${q.field}`} q=${q} i=${i} last=${i === list.length - 1} intake=${intake}
      fieldLabel=${fieldLabel} taken=${list.filter((_, j) => j !== i).map((o) => o.field)} problems=${problems.get(i) ?? []}
      onEdit=${(nq) => edit(i, nq)} onMove=${(by) => move(i, by)} onRemove=${() => onChange(list.filter((_, j) => j !== i))} />`)}</ol>
    <div class="actions">
      <button type="button" disabled=${!unused} onClick=${() => { onChange([...list, { field: unused.field, ask: '' }]); requestAnimationFrame(() => document.getElementById(`q-${list.length}-field`)?.focus()); }}>Add question</button>
      <button type="button" onClick=${() => onChange(undefined)} disabled=${!questions}>Reset to the template’s questions</button>
    </div>
  </div>`;
}

/** Which question a repeated label belongs to, for screen readers (visible rows are numbered). */
const Q = ({ n }) => html`<span class="sr-only"> (question ${n})</span>`;

function Row({ q, i, last, intake, fieldLabel, taken, problems, onEdit, onMove, onRemove }) {
  const n = i + 1;
  const id = `q-${i}`;
  const type = q.answer?.type ?? 'text';
  const options = q.answer?.options ?? [];
  const chars = [...(q.ask ?? '')].length;
  // A free-text, optional question is stored without `answer`, as before the builder.
  const answer = (a) => onEdit({ ...q, answer: a.type === 'text' && !a.required ? undefined : { type: a.type, ...(a.type === 'choice' ? { options: a.options ?? [] } : {}), required: !!a.required } });
  const current = { type, options, required: !!q.answer?.required };
  const bad = (prefix) => problems.some((p) => p.path.startsWith(prefix));
  return html`<li class=${`intake-row${problems.length ? ' invalid' : ''}`} aria-labelledby=${`${id}-title`}>
    <h4 id=${`${id}-title`}>Question ${n}${current.required ? ' (required)' : ''}</h4>
    <div class="grid-2">
      <div class="field"><label for=${`${id}-field`}>Fills the lead’s<${Q} n=${n} /></label>
        <select id=${`${id}-field`} aria-invalid=${bad('field')} onChange=${(e) => onEdit({ ...q, field: e.target.value })}>
          ${intake.fields.map((f) => html`<option value=${f.field} selected=${f.field === q.field} disabled=${taken.includes(f.field)}>${fieldLabel[f.field]}</option>`)}
        </select></div>
      <div class="field"><label for=${`${id}-type`}>Answer type<${Q} n=${n} /></label>
        <select id=${`${id}-type`} aria-invalid=${bad('answer.type')} onChange=${(e) => answer({ ...current, type: e.target.value, options: e.target.value === 'choice' && !options.length ? ['', ''] : options })}>
          ${TYPES.map(([v, l]) => html`<option value=${v} selected=${v === type}>${l}</option>`)}
        </select></div>
    </div>
    <div class="field"><label for=${`${id}-ask`}>Wording<${Q} n=${n} /></label>
      <input id=${`${id}-ask`} value=${q.ask ?? ''} aria-describedby=${`${id}-count`} aria-invalid=${bad('ask') || chars > intake.max_ask_chars}
        onInput=${(e) => onEdit({ ...q, ask: e.target.value })} />
      <small id=${`${id}-count`} class=${`hint counter${chars > intake.max_ask_chars ? ' over' : ''}`} data-testid="ask-count">${chars} / ${intake.max_ask_chars} characters (one text message)</small></div>
    ${type === 'choice' ? html`<fieldset class="options"><legend>Options (the caller may answer with the words, the number or “the first one”)</legend>
      ${options.map((o, k) => html`<div class="actions option">
        <label class="sr-only" for=${`${id}-opt-${k}`}>Option ${k + 1}<${Q} n=${n} /></label>
        <span aria-hidden="true" class="muted">${k + 1})</span>
        <input id=${`${id}-opt-${k}`} maxlength="60" value=${o} aria-invalid=${bad('answer.options')} onInput=${(e) => answer({ ...current, options: options.map((x, j) => (j === k ? e.target.value : x)) })} />
        <button type="button" aria-label=${`Remove option ${k + 1} of question ${n}`} onClick=${() => answer({ ...current, options: options.filter((_, j) => j !== k) })}>Remove</button>
      </div>`)}
      <button type="button" disabled=${options.length >= intake.max_options} onClick=${() => answer({ ...current, options: [...options, ''] })}>Add option</button>
    </fieldset>` : null}
    ${problems.length ? html`<ul class="notice error row-problems" role="alert" data-testid="question-problems">${problems.map((p) => html`<li>${p.text}</li>`)}</ul>` : null}
    <div class="actions">
      <label class="inline"><input type="checkbox" checked=${current.required} onChange=${(e) => answer({ ...current, required: e.target.checked })} /> Required<${Q} n=${n} /></label>
      <button type="button" id=${`${id}-up`} disabled=${i === 0} aria-label=${`Move question ${n} up`} onClick=${() => onMove(-1)}>↑ Up</button>
      <button type="button" id=${`${id}-down`} disabled=${last} aria-label=${`Move question ${n} down`} onClick=${() => onMove(1)}>↓ Down</button>
      <button type="button" aria-label=${`Remove question ${n}`} onClick=${onRemove}>Remove</button>
    </div>
  </li>`;
}
