// Pausing the front desk (POST /api/v1/tenant/pause|resume): what it means is said before it
// happens, because customers get a holding reply instead of an answer until someone resumes.
import { html } from '../lib/html.js';
import { post } from '../lib/api.js';
import { toast } from '../lib/store.js';
import { Action, Badge } from './ui.js';

const PAUSE_MEANS = 'Pause the front desk?\n\nWhile paused, every message is still stored and answered with one holding reply '
  + '(no AI answers, bookings or other actions), and the team is alerted to each one in Escalations. '
  + 'Emergencies still page on-call. Nothing is lost; resume whenever you are ready.';

export function PauseSwitch({ status, admin, onChange }) {
  const paused = status === 'paused';
  const flip = async () => {
    if (!paused && !confirm(PAUSE_MEANS)) return;
    const { tenant } = await post(paused ? 'tenant/resume' : 'tenant/pause');
    onChange(tenant);
    toast(paused ? 'Resumed: the AI answers again.' : 'Paused: customers get the holding reply.', 'ok');
  };
  return html`<div class="actions" data-testid="business-status">
    <span>Front desk: <${Badge} kind=${paused ? 'bad' : 'ok'}>${paused ? 'paused' : 'answering'}<//></span>
    ${paused ? html`<span class="muted">Messages get a holding reply and alert the team.</span>` : null}
    ${admin ? html`<${Action} kind=${paused ? 'primary' : 'danger'} run=${flip}>${paused ? 'Resume' : 'Pause the front desk'}<//>` : null}
  </div>`;
}
