// A fake LLM API on loopback speaking both wire formats the LLM brains use — Anthropic Messages
// (`POST /v1/messages`, SSE events) and OpenAI Chat Completions (`POST /chat/completions`, SSE
// chunks then `[DONE]`) — with the providers' real event names and JSON shapes. Each request
// answers with the next scripted step and is recorded, so tests assert exactly what Frontdesk sent.
// The Rust parsers are tested against a byte-for-byte capture of this output
// (core/src/llm/fixtures/), so the two cannot drift apart unnoticed.
//
// Steps:
//   { text: 'Hi!' }                          a streamed text reply (stop: end_turn / stop)
//   { tool: { name, input } }                a tool call (tool_use / tool_calls); `tools: [..]` for
//                                            several; `text` may accompany them (said first)
//   { status: 500 }                          that HTTP status with the provider's error body
//   { error: 'overloaded_error' }            a 200 stream that fails with an error event
//   { hang: true }                           never answers (the connection stays open until close())
// Pacing, for streaming tests and benchmarks: `firstTokenDelayMs` (before the first event),
// `tokenIntervalMs` (after each text delta), `pause: { after: (event) => bool, until: Promise }`
// (the stream stops after the first event `after` accepts until the promise settles).
// Any step may set `usage: { input_tokens, output_tokens }`; by default they are estimated from
// the sizes (4 characters a token). When the script runs out, the answer is a 400 naming it.
// Authentication and the required body fields are checked before a step is used: Anthropic
// needs `x-api-key` (and `anthropic-version`), OpenAI `Authorization: Bearer` — with `apiKey`
// set, they must equal it — and a JSON body with `model`, `messages` (and Anthropic `max_tokens`).
import http from 'node:http';

/** Unix time in every OpenAI chunk: fixed, so captures are reproducible byte for byte. */
const CREATED = 1767225600;

export async function startFakeLlm({ script = [], apiKey } = {}) {
  const steps = [...script];
  const requests = [];
  const sockets = new Set();
  let counter = 0;
  const nextId = () => String(++counter).padStart(4, '0');

  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      let body;
      try { body = JSON.parse(raw); } catch { /* not JSON: recorded raw */ }
      const path = new URL(req.url, 'http://fake').pathname;
      requests.push({ method: req.method, path, headers: req.headers, body, raw });
      const provider = req.method !== 'POST' ? undefined
        : path === '/v1/messages' ? anthropic
        : path === '/chat/completions' || path === '/v1/chat/completions' ? openai
        : undefined;
      if (!provider) return sendJson(res, 404, { error: { type: 'not_found_error', message: `no route ${req.method} ${path}` } });
      const refused = provider.authenticate(req.headers, apiKey);
      if (refused) return sendJson(res, refused[0], refused[1]);
      const missing = provider.required.find((field) => body?.[field] === undefined);
      if (missing) return sendJson(res, 400, provider.errorBody(400, `${missing}: Field required`));
      const step = steps.shift();
      if (!step) return sendJson(res, 400, provider.errorBody(400, 'fake_llm: no scripted step left'));
      if (step.hang) return; // the socket is destroyed by close()
      if (step.status) return sendJson(res, step.status, provider.errorBody(step.status, `fake_llm: scripted ${step.status}`));
      const events = provider.stream(step, body ?? {}, raw, nextId);
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
      // One write per event, so a reader sees the body arrive in pieces as from the real API.
      if (!step.firstTokenDelayMs && !step.tokenIntervalMs && !step.pause) {
        for (const event of events) res.write(event);
        res.end();
        return;
      }
      (async () => {
        if (step.firstTokenDelayMs) await sleep(step.firstTokenDelayMs);
        for (const event of events) {
          res.write(event);
          if (step.tokenIntervalMs && /text_delta|"content":"/.test(event)) await sleep(step.tokenIntervalMs);
          if (step.pause?.after(event)) await step.pause.until;
        }
        res.end();
      })();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    /** Appends steps to the script. */
    push: (...more) => { steps.push(...more); },
    close: () => new Promise((r) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => r());
    }),
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function sendJson(res, status, json) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(json));
}

/** Words with their trailing spaces: how text deltas arrive. */
function pieces(text) {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** JSON text cut in three, mid-token, as tool input deltas arrive. */
function jsonPieces(value) {
  const json = JSON.stringify(value ?? {});
  const a = Math.floor(json.length / 3);
  const b = Math.floor((2 * json.length) / 3);
  return [json.slice(0, a), json.slice(a, b), json.slice(b)];
}

function usageOf(step, raw, outputChars) {
  return {
    input_tokens: step.usage?.input_tokens ?? Math.max(1, Math.ceil(raw.length / 4)),
    output_tokens: step.usage?.output_tokens ?? Math.max(1, Math.ceil(outputChars / 4)),
  };
}

function callsOf(step) {
  return step.tools ?? (step.tool ? [step.tool] : []);
}

function outputChars(step) {
  return (step.text ?? '').length + callsOf(step).reduce((n, c) => n + JSON.stringify(c.input ?? {}).length, 0);
}

const anthropic = {
  required: ['model', 'max_tokens', 'messages'],

  authenticate(headers, apiKey) {
    const key = headers['x-api-key'];
    if (!key || (apiKey !== undefined && key !== apiKey)) {
      return [401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }];
    }
    if (!headers['anthropic-version']) {
      return [400, { type: 'error', error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' } }];
    }
    return undefined;
  },

  errorBody(status, message) {
    const type = { 400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error',
      413: 'request_too_large', 429: 'rate_limit_error', 529: 'overloaded_error' }[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
    return { type: 'error', error: { type, message } };
  },

  stream(step, body, raw, nextId) {
    const usage = usageOf(step, raw, outputChars(step));
    const event = (name, data) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
    const out = [event('message_start', {
      type: 'message_start',
      message: { id: `msg_fake_${nextId()}`, type: 'message', role: 'assistant', model: body.model ?? 'fake',
        content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: usage.input_tokens, output_tokens: 1 } },
    })];
    if (step.error) {
      out.push(event('error', { type: 'error', error: { type: step.error, message: `fake_llm: scripted ${step.error}` } }));
      return out;
    }
    let index = 0;
    if (step.text !== undefined) {
      out.push(event('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
      out.push('event: ping\ndata: {"type": "ping"}\n\n');
      for (const text of pieces(step.text)) {
        out.push(event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } }));
      }
      out.push(event('content_block_stop', { type: 'content_block_stop', index }));
      index += 1;
    }
    for (const call of callsOf(step)) {
      out.push(event('content_block_start', { type: 'content_block_start', index,
        content_block: { type: 'tool_use', id: `toolu_fake_${nextId()}`, name: call.name, input: {} } }));
      for (const partial_json of ['', ...jsonPieces(call.input)]) {
        out.push(event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } }));
      }
      out.push(event('content_block_stop', { type: 'content_block_stop', index }));
      index += 1;
    }
    const stop_reason = callsOf(step).length ? 'tool_use' : 'end_turn';
    out.push(event('message_delta', { type: 'message_delta', delta: { stop_reason, stop_sequence: null },
      usage: { output_tokens: usage.output_tokens } }));
    out.push(event('message_stop', { type: 'message_stop' }));
    return out;
  },
};

const openai = {
  required: ['model', 'messages'],

  authenticate(headers, apiKey) {
    const match = /^Bearer (.+)$/.exec(headers.authorization ?? '');
    if (!match || (apiKey !== undefined && match[1] !== apiKey)) {
      return [401, { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }];
    }
    return undefined;
  },

  errorBody(status, message) {
    const [type, code] = status === 429 ? ['requests', 'rate_limit_exceeded']
      : status >= 500 ? ['server_error', null]
      : ['invalid_request_error', null];
    return { error: { message, type, param: null, code } };
  },

  stream(step, body, raw, nextId) {
    const id = `chatcmpl-fake${nextId()}`;
    const model = body.model ?? 'fake';
    const chunk = (choices, usage = null) => `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: CREATED, model,
      system_fingerprint: null, choices, usage })}\n\n`;
    const delta = (d, finish_reason = null) => chunk([{ index: 0, delta: d, logprobs: null, finish_reason }]);
    const calls = callsOf(step);
    const out = [delta({ role: 'assistant', content: step.text === undefined ? null : '', refusal: null })];
    if (step.error) {
      out.push(`data: ${JSON.stringify({ error: { message: `fake_llm: scripted ${step.error}`, type: step.error, param: null, code: null } })}\n\n`);
      return out;
    }
    for (const content of pieces(step.text ?? '')) out.push(delta({ content }));
    calls.forEach((call, index) => {
      out.push(delta({ tool_calls: [{ index, id: `call_fake_${nextId()}`, type: 'function', function: { name: call.name, arguments: '' } }] }));
      for (const args of jsonPieces(call.input)) out.push(delta({ tool_calls: [{ index, function: { arguments: args } }] }));
    });
    out.push(delta({}, calls.length ? 'tool_calls' : 'stop'));
    if (body.stream_options?.include_usage) {
      const usage = usageOf(step, raw, outputChars(step));
      out.push(chunk([], { prompt_tokens: usage.input_tokens, completion_tokens: usage.output_tokens,
        total_tokens: usage.input_tokens + usage.output_tokens }));
    }
    out.push('data: [DONE]\n\n');
    return out;
  },
};
