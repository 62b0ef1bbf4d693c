// A small Server-Sent Events client over fetch, for tests: parses id/event/data/retry frames and
// comments, and lets a test wait (bounded) for an event matching a predicate.

/**
 * Opens `GET <baseUrl>/api/v1/events` with a Bearer key. Resolves once the response headers are
 * in. Returns { status, headers, events, comments, retry, raw, waitFor, waitForComment, close }.
 * events: [{ id, event, data, json, retry }] in arrival order (json = parsed data or undefined).
 */
export async function connectSse({ baseUrl, key, lastEventId, path = '/api/v1/events', headers = {}, connectTimeoutMs = 10_000 }) {
  const controller = new AbortController();
  const h = { accept: 'text/event-stream', ...headers };
  if (key !== undefined) h.authorization = `Bearer ${key}`;
  if (lastEventId !== undefined) h['last-event-id'] = String(lastEventId);
  const timer = setTimeout(() => controller.abort(new Error(`SSE connect timed out after ${connectTimeoutMs} ms`)), connectTimeoutMs);
  let res;
  try {
    res = await fetch(baseUrl + path, { headers: h, signal: controller.signal });
  } finally {
    clearTimeout(timer);
  }

  const client = {
    status: res.status,
    headers: res.headers,
    events: [],
    comments: [],
    retry: undefined,
    raw: '',
    body: undefined, // non-2xx body text
    ended: false,
    error: undefined,
    waitFor,
    waitForComment,
    close,
  };
  const waiters = new Set();
  const notify = () => { for (const w of waiters) w.check(); };

  if (!res.ok) {
    client.body = await res.text().catch(() => '');
    client.ended = true;
    return client;
  }

  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let frame = { id: undefined, event: undefined, data: [], retry: undefined };
  let lastId; // SSE semantics: the last event id persists across events

  const dispatchLine = (line) => {
    if (line === '') {
      if (frame.data.length > 0) {
        const data = frame.data.join('\n');
        let json;
        try { json = JSON.parse(data); } catch { /* not JSON */ }
        client.events.push({ id: frame.id, lastEventId: lastId, event: frame.event ?? 'message', data, json });
      }
      frame = { id: undefined, event: undefined, data: [], retry: undefined };
      return;
    }
    if (line.startsWith(':')) { client.comments.push(line.slice(1).trimStart()); return; }
    const i = line.indexOf(':');
    const field = i === -1 ? line : line.slice(0, i);
    let value = i === -1 ? '' : line.slice(i + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'id') { frame.id = value; lastId = value; }
    else if (field === 'event') frame.event = value;
    else if (field === 'data') frame.data.push(value);
    else if (field === 'retry') { if (/^\d+$/.test(value)) client.retry = Number(value); }
  };

  (async () => {
    try {
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        const text = decoder.decode(value, { stream: true });
        client.raw += text;
        buffer += text;
        let m;
        while ((m = /\r\n|\r|\n/.exec(buffer)) !== null) {
          // A lone '\r' at the end of the buffer may be the first half of '\r\n'.
          if (m[0] === '\r' && m.index === buffer.length - 1) break;
          dispatchLine(buffer.slice(0, m.index));
          buffer = buffer.slice(m.index + m[0].length);
        }
        notify();
      }
    } catch (e) {
      if (!controller.signal.aborted) client.error = e;
    } finally {
      client.ended = true;
      notify();
    }
  })();

  function waitUntil(test, timeoutMs, describe) {
    return new Promise((resolvePromise, reject) => {
      const w = {
        check() {
          let r;
          try { r = test(); } catch (e) { cleanup(); reject(e); return; }
          if (r !== undefined) { cleanup(); resolvePromise(r); }
          else if (client.ended) {
            cleanup();
            reject(new Error(`SSE stream ended before ${describe()}${client.error ? ` (${client.error.message})` : ''}; got ${summary()}`));
          }
        },
      };
      const timer = setTimeout(() => { cleanup(); reject(new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}; got ${summary()}`)); }, timeoutMs);
      function cleanup() { clearTimeout(timer); waiters.delete(w); }
      waiters.add(w);
      w.check();
    });
  }

  /** Resolves with the first event (in arrival order) matching predicate(event, index, events). */
  function waitFor(predicate, timeoutMs = 10_000) {
    return waitUntil(() => client.events.find(predicate), timeoutMs, () => `an event matching ${predicate}`);
  }
  /** Resolves once a comment line (text after ':') equal to / matching `match` arrived. */
  function waitForComment(match, timeoutMs = 10_000) {
    const ok = (c) => (match instanceof RegExp ? match.test(c) : c === match);
    return waitUntil(() => client.comments.find(ok), timeoutMs, () => `comment ${match}`);
  }
  function summary() {
    return JSON.stringify(client.events.map((e) => ({ id: e.id, event: e.event }))) + ` comments=${JSON.stringify(client.comments.slice(0, 5))}`;
  }
  function close() {
    controller.abort();
    reader.cancel().catch(() => {});
  }
  return client;
}
