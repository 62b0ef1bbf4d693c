// Live view of a tenant: the SSE stream is read with fetch() because EventSource cannot send
// the Authorization header, and API keys must not travel in URLs (they end up in logs).
const $ = (id) => document.getElementById(id);
let abort = null;

function item(message, contact) {
  const li = document.createElement("li");
  li.className = message.direction;
  const who = message.direction === "inbound" ? (contact?.name || contact?.phone || "contact") : "Frontdesk";
  const meta = document.createElement("div");
  meta.className = "meta";
  meta.textContent = `${who} · ${message.channel} · ${new Date(message.created_at).toLocaleString()}`;
  const body = document.createElement("div");
  body.textContent = message.body;
  li.append(meta, body);
  return li;
}

async function loadConversations(key) {
  const res = await fetch("/api/v1/conversations?limit=20", { headers: { authorization: `Bearer ${key}` } });
  if (!res.ok) throw new Error((await res.json()).error?.message || res.statusText);
  const list = $("conversations");
  list.replaceChildren(...(await res.json()).data.map((c) => {
    const li = document.createElement("li");
    li.textContent = `${c.channel} · ${c.status} · last ${new Date(c.last_message_at).toLocaleString()}`;
    return li;
  }));
}

async function stream(key, signal) {
  let lastId = null;
  for (;;) {
    try {
      const headers = { authorization: `Bearer ${key}` };
      if (lastId !== null) headers["last-event-id"] = String(lastId);
      const res = await fetch("/api/v1/events", { headers, signal });
      if (!res.ok) throw new Error(res.status === 401 ? "API key rejected" : res.statusText);
      $("status").textContent = "live";
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = frame.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
          if (!data) continue;
          const event = JSON.parse(data);
          lastId = event.id;
          if (event.data?.message) $("live").prepend(item(event.data.message, event.data.contact));
          if (event.type === "message.received") loadConversations(key).catch(() => {});
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      $("status").textContent = `reconnecting (${err.message})`;
    }
    await new Promise((r) => setTimeout(r, 3000));
  }
}

$("connect").addEventListener("submit", async (e) => {
  e.preventDefault();
  const key = $("key").value.trim();
  abort?.abort();
  abort = new AbortController();
  $("status").textContent = "connecting…";
  try {
    await loadConversations(key);
    stream(key, abort.signal);
  } catch (err) {
    $("status").textContent = err.message;
  }
});
