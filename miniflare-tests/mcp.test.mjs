// The MCP endpoint (docs/API.md "MCP"), in real workerd: the official TypeScript SDK client
// (a 2025-11-25 client: initialize, then stateless requests) over Streamable HTTP with the tenant
// API key as its bearer token finds a contact and texts them, the text delivered `simulated` and
// on the contact's timeline; a 2026-07-28 client (raw JSON-RPC with per-request `_meta` and the
// mirrored headers) discovers the server and calls a tool without initializing; the transport's
// refusals (401 with the protected-resource challenge, 403 for a foreign Origin, 400 for a
// version we do not speak, 405 for GET/DELETE); one tenant's key never reaches another's data;
// every tool call is in audit_log (a digest of the arguments, not the arguments); and a tenant
// that requires approval for `send_sms` gets nothing sent until an operator approves, once.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startServer, wrangler } from './helpers/server.mjs';
import { DEMO, DEMO2, uniquePhone, sendSms, api, apiOk, apiPost, listAll, conversationsOf, messagesOf, eventually } from './helpers/api.mjs';

let server;
const demoPhone = uniquePhone();
const demo2Phone = uniquePhone();

before(async () => {
  server = await startServer();
  for (const [phone, tenant] of [[demoPhone, DEMO], [demo2Phone, DEMO2]]) {
    const r = await sendSms(server, { from: phone, body: 'Hi, do you have any flats to rent?', to: tenant.number, token: tenant.token });
    assert.equal(r.status, 200, r.text);
  }
});

after(async () => {
  await server?.stop();
});

const mcpUrl = () => new URL('/mcp', server.baseUrl);

async function sdkClient(key) {
  const client = new Client({ name: 'frontdesk-test', version: '0.0.1' }, { capabilities: {} });
  const transport = new StreamableHTTPClientTransport(mcpUrl(), { requestInit: { headers: { authorization: `Bearer ${key}` } } });
  await client.connect(transport);
  return client;
}

const MODERN = '2026-07-28';

/** A 2026-07-28 request: `_meta` in the body, the version, method and name mirrored in headers. */
async function modern(key, method, params = {}, { headers = {}, version = MODERN } = {}) {
  const h = {
    'content-type': 'application/json', accept: 'application/json, text/event-stream',
    'mcp-protocol-version': version, 'mcp-method': method,
    ...(method === 'tools/call' ? { 'mcp-name': params.name } : {}),
    ...headers,
  };
  if (key !== undefined) h.authorization = `Bearer ${key}`;
  const body = {
    jsonrpc: '2.0', id: 1, method,
    params: { ...params, _meta: { 'io.modelcontextprotocol/protocolVersion': version, 'io.modelcontextprotocol/clientCapabilities': {} } },
  };
  const res = await fetch(mcpUrl(), { method: 'POST', headers: h, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { /* empty */ }
  return { status: res.status, headers: res.headers, text, json };
}

const callTool = async (key, name, args) => (await modern(key, 'tools/call', { name, arguments: args })).json.result;

async function contactId(key, phone) {
  const found = await callTool(key, 'search_contacts', { phone });
  assert.equal(found.isError, false, JSON.stringify(found));
  assert.equal(found.structuredContent.contacts.length, 1, JSON.stringify(found));
  return found.structuredContent.contacts[0].id;
}

const outboxTo = async (key, recipient) => (await listAll(server, key, '/api/v1/outbox')).filter((o) => o.recipient === recipient);

async function outboundBodies(key, phone) {
  const { conversations } = await conversationsOf(server, key, phone);
  const messages = (await Promise.all(conversations.map((c) => messagesOf(server, key, c.id)))).flat();
  return messages.filter((m) => m.direction === 'outbound').map((m) => m.body);
}

async function sql(command) {
  const { stdout } = await wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', server.persistDir, '--json', '--command', command]);
  return JSON.parse(stdout)[0].results;
}

test('the official SDK client (2025-11-25) initializes, lists the tools, finds a contact and texts them', async () => {
  const client = await sdkClient(DEMO.key);
  try {
    assert.equal(client.getServerVersion().name, 'frontdesk');
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    for (const name of ['search_contacts', 'get_message_history', 'send_sms', 'send_whatsapp', 'book_appointment', 'resolve_escalation', 'create_ticket']) {
      assert.ok(names.includes(name), `${name} is listed: ${names}`);
    }
    const sendSmsTool = tools.find((t) => t.name === 'send_sms');
    assert.deepEqual(sendSmsTool.inputSchema.required, ['contact_id', 'body']);
    assert.equal(sendSmsTool.annotations.readOnlyHint, false);
    assert.equal(sendSmsTool.outputSchema.type, 'object');

    const found = await client.callTool({ name: 'search_contacts', arguments: { phone: demoPhone } });
    assert.equal(found.isError, false);
    const [contact] = found.structuredContent.contacts;
    assert.equal(contact.phone, demoPhone);
    assert.deepEqual(JSON.parse(found.content[0].text), found.structuredContent, 'the text block is the same JSON');

    const words = 'Hello from the front desk: the flat on Elm Street is free for a viewing on Friday.';
    const sent = await client.callTool({ name: 'send_sms', arguments: { contact_id: contact.id, body: words } });
    assert.equal(sent.isError, false, JSON.stringify(sent));
    assert.equal(sent.structuredContent.status, 'queued');
    assert.equal(sent.structuredContent.channel, 'sms');

    const delivered = await eventually(async () => {
      const rows = (await outboxTo(DEMO.key, demoPhone)).filter((o) => o.payload.body === words);
      return rows.length === 1 && rows[0].status !== 'pending' ? rows : null;
    }, { what: 'the text delivered', intervalMs: 250 });
    assert.equal(delivered[0].status, 'simulated', 'demo has no Twilio credentials: recorded, not sent');
    assert.ok((await outboundBodies(DEMO.key, demoPhone)).includes(words), 'the text is on the contact\'s timeline');

    const history = await client.callTool({ name: 'get_message_history', arguments: { contact_id: contact.id } });
    assert.ok(history.structuredContent.messages.some((m) => m.body === words && m.direction === 'outbound'));
    assert.ok(history.structuredContent.messages.some((m) => m.direction === 'inbound'));
  } finally {
    await client.close();
  }
});

test('a 2026-07-28 client discovers the server and calls a tool without initializing', async () => {
  const discovered = await modern(DEMO.key, 'server/discover');
  assert.equal(discovered.status, 200, discovered.text);
  assert.ok(discovered.json.result.supportedVersions.includes(MODERN));
  assert.ok(discovered.json.result.supportedVersions.includes('2025-11-25'));
  assert.equal(discovered.json.result.resultType, 'complete');
  assert.ok(discovered.json.result.capabilities.tools);

  const listed = await modern(DEMO.key, 'tools/list');
  assert.equal(listed.json.result.resultType, 'complete');
  assert.equal(typeof listed.json.result.ttlMs, 'number');

  const result = await callTool(DEMO.key, 'search_contacts', { phone: demoPhone });
  assert.equal(result.resultType, 'complete');
  assert.equal(result.structuredContent.contacts[0].phone, demoPhone);

  const mismatched = await modern(DEMO.key, 'tools/call', { name: 'search_contacts', arguments: {} }, { headers: { 'mcp-name': 'send_sms' } });
  assert.equal(mismatched.status, 400);
  assert.equal(mismatched.json.error.code, -32020, 'HeaderMismatch');

  const ping = await modern(DEMO.key, 'ping');
  assert.equal(ping.status, 404, 'ping is not a 2026-07-28 method');
  assert.equal(ping.json.error.code, -32601);
});

test('bad arguments are a result the model can correct; an unknown tool is a protocol error', async () => {
  const bad = await callTool(DEMO.key, 'search_contacts', { phone: 'not a number' });
  assert.equal(bad.isError, true);
  assert.match(bad.content[0].text, /phone/);
  const missing = await callTool(DEMO.key, 'get_lead', {});
  assert.equal(missing.isError, true);
  assert.match(missing.content[0].text, /contact_id/);
  const unknown = await modern(DEMO.key, 'tools/call', { name: 'launch_rocket', arguments: {} });
  assert.equal(unknown.json.error.code, -32602);
});

test('without a key: 401 with the protected-resource challenge, and nothing runs', async () => {
  const r = await modern(undefined, 'tools/call', { name: 'search_contacts', arguments: {} });
  assert.equal(r.status, 401);
  assert.equal(
    r.headers.get('www-authenticate'),
    `Bearer resource_metadata="${server.publicBaseUrl}/.well-known/oauth-protected-resource/mcp"`,
  );
  const wrong = await modern('fd_demo_devkey_wrong00000000000', 'server/discover');
  assert.equal(wrong.status, 401);
});

test('a foreign Origin is 403; our own and a local tool\'s are served', async () => {
  const foreign = await modern(DEMO.key, 'server/discover', {}, { headers: { origin: 'https://evil.example' } });
  assert.equal(foreign.status, 403);
  const ours = await modern(DEMO.key, 'server/discover', {}, { headers: { origin: server.publicBaseUrl } });
  assert.equal(ours.status, 200);
  const inspector = await modern(DEMO.key, 'server/discover', {}, { headers: { origin: 'http://localhost:6274' } });
  assert.equal(inspector.status, 200);
});

test('an unsupported protocol version is 400 naming the versions served', async () => {
  const r = await modern(DEMO.key, 'tools/list', {}, { version: '2099-01-01' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, -32022);
  assert.ok(r.json.error.data.supported.includes(MODERN));
  const legacy = await fetch(mcpUrl(), {
    method: 'POST',
    headers: { authorization: `Bearer ${DEMO.key}`, 'content-type': 'application/json', 'mcp-protocol-version': '1999-01-01' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
  assert.equal(legacy.status, 400);
});

test('GET and DELETE are 405: no server stream, no sessions', async () => {
  for (const method of ['GET', 'DELETE']) {
    const r = await api(server, DEMO.key, '/mcp', { method, headers: { accept: 'text/event-stream' } });
    assert.equal(r.status, 405, method);
  }
});

test('one tenant\'s key never reaches another tenant\'s contacts or messages', async () => {
  const demoContact = await contactId(DEMO.key, demoPhone);
  const byPhone = await callTool(DEMO2.key, 'search_contacts', { phone: demoPhone });
  assert.deepEqual(byPhone.structuredContent.contacts, []);
  const history = await callTool(DEMO2.key, 'get_message_history', { contact_id: demoContact });
  assert.equal(history.isError, true);
  assert.match(history.content[0].text, /not found/);
  const context = await callTool(DEMO2.key, 'get_conversation_context', { contact_id: demoContact });
  assert.equal(context.isError, true);
  const text = await callTool(DEMO2.key, 'send_sms', { contact_id: demoContact, body: 'Not yours to text' });
  assert.equal(text.isError, true);
  assert.equal((await outboxTo(DEMO.key, demoPhone)).filter((o) => o.payload.body === 'Not yours to text').length, 0);
});

test('every tool call is audited with who, which tool, a digest of the arguments and the outcome', async () => {
  const rows = await sql("SELECT actor, subject, detail FROM audit_log WHERE tenant_id = 'ten_demo' AND action = 'mcp.tool_call'");
  const calls = rows.map((r) => ({ actor: r.actor, tool: r.subject, ...JSON.parse(r.detail) }));
  const texted = calls.find((c) => c.tool === 'send_sms' && c.outcome === 'ok');
  assert.ok(texted, JSON.stringify(calls));
  assert.match(texted.actor, /^api_key:/);
  assert.match(texted.arguments_sha256, /^[0-9a-f]{64}$/);
  assert.ok(!rows.some((r) => r.detail.includes('Hello from the front desk')), 'the words themselves are not kept');
  assert.ok(calls.some((c) => c.tool === 'search_contacts' && c.outcome === 'refused'), 'refusals are audited too');
  const foreign = await sql("SELECT detail FROM audit_log WHERE tenant_id = 'ten_demo2' AND action = 'mcp.tool_call' AND subject = 'send_sms'");
  assert.equal(JSON.parse(foreign[0].detail).outcome, 'refused', 'demo2\'s attempt is in demo2\'s log');
});

test('with approval required, send_sms waits: nothing is sent until an operator approves, and it runs once', async () => {
  const view = await apiOk(server, DEMO2.key, '/api/v1/settings');
  const put = await fetch(`${server.baseUrl}/api/v1/settings`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${DEMO2.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ settings: { ...view.settings, mcp: { approval_required: ['send_sms'] } } }),
  });
  assert.equal(put.status, 200, await put.text());

  const contact = await contactId(DEMO2.key, demo2Phone);
  const words = 'Your deposit has been received, thank you.';
  const held = await callTool(DEMO2.key, 'send_sms', { contact_id: contact, body: words });
  assert.equal(held.isError, false, JSON.stringify(held));
  assert.equal(held.structuredContent.status, 'pending_approval');
  const approvalId = held.structuredContent.approval_id;
  assert.match(approvalId, /^apr_/);
  assert.match(held.content[0].text, /approval/);

  const nothingYet = async () => {
    assert.equal((await outboxTo(DEMO2.key, demo2Phone)).filter((o) => o.payload.body === words).length, 0, 'nothing in the outbox');
    assert.ok(!(await outboundBodies(DEMO2.key, demo2Phone)).includes(words), 'nothing on the timeline');
  };
  await nothingYet();

  const pending = await apiOk(server, DEMO2.key, '/api/v1/approvals?status=pending');
  const listed = pending.data.find((a) => a.id === approvalId);
  assert.equal(listed.tool, 'send_sms');
  assert.deepEqual(listed.arguments, { contact_id: contact, body: words });
  assert.equal((await apiOk(server, DEMO.key, '/api/v1/approvals')).data.some((a) => a.id === approvalId), false, 'another tenant does not see it');
  const foreign = await apiPost(server, DEMO.key, `/api/v1/approvals/${approvalId}`, { decision: 'approve' });
  assert.equal(foreign.status, 404, 'nor can it approve it');
  const bad = await apiPost(server, DEMO2.key, `/api/v1/approvals/${approvalId}`, { decision: 'maybe' });
  assert.equal(bad.status, 400);
  await nothingYet();

  const approved = await apiPost(server, DEMO2.key, `/api/v1/approvals/${approvalId}`, { decision: 'approve' });
  assert.equal(approved.status, 200, approved.text);
  assert.equal(approved.json.status, 'approved');
  assert.equal(approved.json.result.isError, false);
  assert.equal(approved.json.result.structuredContent.status, 'queued');

  const again = await apiPost(server, DEMO2.key, `/api/v1/approvals/${approvalId}`, { decision: 'approve' });
  assert.equal(again.status, 409, 'an approval runs once');
  const delivered = await eventually(async () => {
    const rows = (await outboxTo(DEMO2.key, demo2Phone)).filter((o) => o.payload.body === words);
    return rows.length >= 1 && rows.every((r) => r.status !== 'pending') ? rows : null;
  }, { what: 'the approved text delivered', intervalMs: 250 });
  assert.equal(delivered.length, 1, 'sent exactly once');
  assert.equal((await outboundBodies(DEMO2.key, demo2Phone)).filter((b) => b === words).length, 1);

  const rejectedCall = await callTool(DEMO2.key, 'send_sms', { contact_id: contact, body: 'Never to be sent' });
  const rejected = await apiPost(server, DEMO2.key, `/api/v1/approvals/${rejectedCall.structuredContent.approval_id}`, { decision: 'reject' });
  assert.equal(rejected.json.status, 'rejected');
  assert.equal((await outboxTo(DEMO2.key, demo2Phone)).filter((o) => o.payload.body === 'Never to be sent').length, 0);

  const read = await callTool(DEMO2.key, 'search_contacts', { phone: demo2Phone });
  assert.equal(read.isError, false, 'read tools never wait');
});

test('every tool answers the SDK client with structured content its output schema accepts', async () => {
  const phone = uniquePhone();
  const asked = await sendSms(server, { from: phone, body: 'Can I speak to a real person please?' });
  assert.equal(asked.status, 200, asked.text);
  const client = await sdkClient(DEMO.key);
  try {
    await client.listTools(); // the SDK checks each tool's structuredContent against this list's outputSchema
    const call = async (name, args) => {
      const r = await client.callTool({ name, arguments: args });
      assert.equal(r.isError, false, `${name}: ${JSON.stringify(r.content)}`);
      assert.equal(typeof r.structuredContent, 'object', name);
      return r.structuredContent;
    };
    const contact = (await call('search_contacts', { phone })).contacts[0].id;
    const context = await call('get_conversation_context', { contact_id: contact });
    assert.equal(context.contact.phone, phone);
    assert.ok(context.recent_messages.some((m) => m.body === 'Can I speak to a real person please?'));
    const escalation = await eventually(async () => {
      const open = await call('list_escalations', { status: 'open', limit: 100 });
      return open.escalations.find((e) => e.contact_id === contact);
    }, { what: 'the request for a person escalated' });
    assert.equal(escalation.reason, 'human_requested');
    const resolved = await call('resolve_escalation', { escalation_id: escalation.id });
    assert.equal(resolved.status, 'resolved');
    assert.equal((await apiOk(server, DEMO.key, `/api/v1/escalations/${escalation.id}`)).status, 'resolved');

    await eventually(async () => (await call('list_leads', { limit: 100 })).leads.some((l) => l.contact_id === contact), { what: 'the lead' });
    assert.equal((await call('get_lead', { contact_id: contact })).contact_id, contact);
    const listings = (await call('search_listings', { kind: 'rent', status: 'available', limit: 3 })).listings;
    assert.ok(listings.length > 0);
    assert.ok((await call('search_knowledge', { q: 'are pets allowed' })).passages.some((p) => /pet/i.test(p.title)));
    assert.ok(Array.isArray((await call('get_call_history', { contact_id: contact })).calls));

    // Calling them back: a queued outbound call (simulated: the test tenant has no Twilio credentials).
    const placed = await call('make_call', { to: phone, purpose: 'callback', contact_id: contact });
    assert.deepEqual([placed.direction, placed.purpose, placed.contact_id, placed.to_number], ['outbound', 'callback', contact, phone]);
    await eventually(async () => (await apiOk(server, DEMO.key, `/api/v1/calls/${placed.id}`)).status === 'simulated', { what: 'the call placed (simulated)' });

    const ticket = await call('create_ticket', { category: 'plumbing', urgency: 'routine', summary: 'Dripping kitchen tap', contact_id: contact });
    assert.match(ticket.id, /^tkt_/);
    assert.equal((await apiOk(server, DEMO.key, `/api/v1/tickets/${ticket.id}`)).summary, 'Dripping kitchen tap');

    const listing_id = listings[0].id;
    const { slots } = await call('check_availability', { kind: 'viewing', days: 14, listing_id });
    assert.ok(slots.length > 0, 'the demo business has free viewing slots within two weeks');
    const viewing = { kind: 'viewing', listing_id, start: slots[0].start, end: slots[0].end };
    const booking = await call('book_appointment', { ...viewing, contact: { phone } });
    assert.match(booking.id, /^bkg_/);
    assert.equal(booking.contact_id, contact);
    const again = await client.callTool({ name: 'book_appointment', arguments: { ...viewing, contact: { phone: uniquePhone() } } });
    assert.equal(again.isError, true, 'a taken slot is refused to the model, with the nearest alternative');
    assert.match(again.content[0].text, /slot_taken/);

    const whatsapp = await call('send_whatsapp', { contact_id: contact, body: 'Thanks, a colleague will call you today.' });
    assert.equal(whatsapp.channel, 'whatsapp');
  } finally {
    await client.close();
  }
});

test('GET /api/v1/audit: the tenant reads its own tool calls (digests, not words); another tenant sees none; bad input is named', async () => {
  await callTool(DEMO.key, 'list_escalations', { status: 'open', limit: 1 });
  const { data } = await apiOk(server, DEMO.key, '/api/v1/audit?action=mcp.tool_call&limit=100');
  const call = data.find((e) => e.subject === 'list_escalations');
  assert.ok(call, JSON.stringify(data.slice(0, 3)));
  assert.equal(call.action, 'mcp.tool_call');
  assert.match(call.actor, /^api_key:/);
  assert.match(call.detail.arguments_sha256, /^[0-9a-f]{64}$/);
  assert.equal(call.detail.arguments, undefined, 'the arguments themselves are not kept');
  assert.ok(data.every((e) => e.action === 'mcp.tool_call'), 'filtered by action');
  const theirs = (await apiOk(server, DEMO2.key, '/api/v1/audit?limit=100')).data;
  assert.ok(!theirs.some((e) => e.id === call.id), 'demo2 does not see demo\'s audit');
  assert.equal((await api(server, undefined, '/api/v1/audit')).status, 401);
  assert.equal((await api(server, DEMO.key, `/api/v1/audit?action=${'x'.repeat(65)}`)).status, 400);
});
