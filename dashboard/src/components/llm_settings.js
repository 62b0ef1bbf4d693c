// The LLM brain (core::llm::LlmSettings): provider, model, key reference, limits and the
// monthly token budget. None = the embedded rules brain answers.
import { html } from '../lib/html.js';
import { Field } from './ui.js';
import { SecretRef } from './secret_ref.js';

const PROVIDERS = [['', 'None: the built-in rules brain'], ['anthropic', 'Anthropic'], ['openai', 'OpenAI or compatible']];

/** `savedKey`: the key reference as loaded, kept unless a new one is typed. */
export function LlmSettings({ llm, onChange, savedKey }) {
  const edit = (k, v) => onChange({ ...llm, [k]: v === '' || Number.isNaN(v) ? undefined : v });
  const num = (v) => (v === '' ? '' : Number(v));
  return html`<div data-testid="llm">
    <${Field} id="s-llm-provider" label="Model provider"><select id="s-llm-provider"
      onChange=${(e) => onChange(e.target.value ? { ...(llm ?? { model: '', api_key: savedKey }), provider: e.target.value } : undefined)}>
      ${PROVIDERS.map(([v, l]) => html`<option value=${v} selected=${(llm?.provider ?? '') === v}>${l}</option>`)}</select><//>
    ${llm ? html`<div class="grid-2">
      <${Field} id="s-llm-model" label="Model"><input id="s-llm-model" placeholder="e.g. claude-sonnet-4-5" value=${llm.model ?? ''} onInput=${(e) => edit('model', e.target.value)} /><//>
      <${Field} id="s-llm-budget" label="Monthly token budget" hint="Input and output tokens per calendar month; empty for no cap. Over it, the rules brain answers.">
        <input id="s-llm-budget" type="number" min="1" aria-describedby="s-llm-budget-hint" value=${llm.monthly_token_budget ?? ''}
          onInput=${(e) => edit('monthly_token_budget', num(e.target.value))} /><//>
      <${Field} id="s-llm-max" label="Longest reply (tokens)"><input id="s-llm-max" type="number" min="1" max="4096" placeholder="400"
        value=${llm.max_tokens ?? ''} onInput=${(e) => edit('max_tokens', num(e.target.value))} /><//>
      <${Field} id="s-llm-timeout" label="Wait for the model (ms)"><input id="s-llm-timeout" type="number" min="1000" max="30000" placeholder="8000"
        value=${llm.timeout_ms ?? ''} onInput=${(e) => edit('timeout_ms', num(e.target.value))} /><//>
      <${Field} id="s-llm-base" label="Server address (optional)" hint="Only for a proxy or an OpenAI-compatible server."><input id="s-llm-base" type="url" placeholder="https://…"
        aria-describedby="s-llm-base-hint" value=${llm.base_url ?? ''} onInput=${(e) => edit('base_url', e.target.value)} /><//>
    </div>
    <${SecretRef} id="s-llm-key" label="Model API key" isSet=${!!savedKey} onChange=${(v) => edit('api_key', v ?? savedKey)} />` : null}
  </div>`;
}
