/* Frontdesk live-chat widget. A business pastes:
 *   <script src="https://FRONTDESK_HOST/widget.js" data-tenant="demo" data-title="Acme Lettings" async></script>
 * No framework, no build, no requests except the chat API on this script's own origin.
 * Shadow DOM rather than a prefixed <style>: host-page rules (button{}, p{margin}, *{...}) cannot
 * reach into a shadow root and ours cannot leak out, so it looks the same on every site without
 * !important everywhere. Sizes are px because rem follows the host page's root font size.
 * The session token is kept in localStorage, so a reload continues the conversation; there is no
 * history endpoint yet, so after a reload only new messages are shown. */
(() => {
  const me = document.currentScript || document.querySelector('script[data-tenant][src*="widget.js"]');
  const tenant = me && me.dataset.tenant, KEY = "fd-chat:" + tenant, MAX = 2000;
  if (!tenant || window[KEY]) return; // once per tenant per page
  window[KEY] = 1;
  const api = new URL(me.src, location.href).origin + "/chat/" + encodeURIComponent(tenant);
  const store = (v) => { try { return v === undefined ? localStorage.getItem(KEY) : v ? localStorage.setItem(KEY, v) : localStorage.removeItem(KEY); } catch { return null; } };

  const host = document.createElement("div");
  host.id = "fd-chat-root";
  const root = host.attachShadow({ mode: "open" });
  // Static markup only; every user/API/attribute string below goes in via textContent.
  root.innerHTML = `<style>
:host{all:initial}*{box-sizing:border-box}[hidden]{display:none!important}
.w{font:15px/1.4 system-ui,sans-serif;color:#1d2433}
button,textarea{font:inherit;margin:0}
:focus-visible{outline:3px solid #1d2433;outline-offset:2px;box-shadow:0 0 0 2px #fff}
.l,.p{position:fixed;right:16px;z-index:2147483000}
.l,.s{border:2px solid #0000;border-radius:99px;background:#1f5fcc;color:#fff;font-weight:600;cursor:pointer}
.l{bottom:16px;display:flex;align-items:center;gap:8px;padding:10px 18px;box-shadow:0 4px 14px #0004}
.l:hover,.s:hover{background:#174ea8}
.u::after{content:"";width:10px;height:10px;border-radius:50%;background:#ffbf47}
.p{bottom:80px;display:flex;flex-direction:column;width:min(360px,100vw - 16px);height:min(520px,100vh - 96px);background:#fff;border:1px solid #c4cad4;border-radius:12px;box-shadow:0 8px 30px #0003;overflow:hidden}
@media (max-width:400px){.l,.p{right:8px}.l{bottom:8px}.p{bottom:72px}}
.h{display:flex;align-items:center;justify-content:space-between;padding:8px 8px 8px 16px;background:#1f5fcc;color:#fff}
h2{margin:0;font-size:16px}
.x{width:40px;height:40px;border:0;border-radius:6px;background:none;color:#fff;font-size:24px;cursor:pointer}
.g{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f6f7f9}
.m{max-width:85%;padding:8px 12px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere}
.inbound{align-self:flex-end;background:#1f5fcc;color:#fff}
.outbound{align-self:flex-start;background:#fff;border:1px solid #c4cad4}
.n,label,.e{margin:0;font-size:13px;color:#4f5868}.n{align-self:center;text-align:center}
form{padding:8px 12px;border-top:1px solid #dde1e8}
.r{display:flex;gap:8px;align-items:flex-end;margin-top:4px}
textarea{flex:1;min-width:0;height:60px;resize:none;padding:8px;border:1px solid #767f8f;border-radius:8px;color:inherit}
.s{padding:8px 16px;border-radius:8px}.s:disabled{background:#5a6885;cursor:progress}
.e{margin-top:4px;min-height:18px}.err{color:#b3261e}
.v{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
@media (prefers-reduced-motion:no-preference){.p{animation:fdin .16s ease-out}@keyframes fdin{from{opacity:0;transform:translateY(8px)}}}
</style><div class="w"><button class="l" type="button" aria-expanded="false" aria-controls="p"><svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" fill="currentColor"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg>Chat</button>
<div class="p" id="p" role="dialog" aria-labelledby="t" hidden><div class="h"><h2 id="t"></h2><button class="x" type="button" aria-label="Close chat">×</button></div>
<div class="g" role="log" aria-live="polite"></div>
<form novalidate><label for="i">Your message</label><div class="r"><textarea id="i" rows="2" aria-describedby="e"></textarea><button class="s">Send</button></div><p class="e" id="e" role="status"></p></form></div></div>`;
  const $ = (s) => root.querySelector(s);
  const launcher = $(".l"), panel = $(".p"), log = $(".g"), form = $("form"), input = $("textarea"), btn = $(".s"), note = $(".e");
  $("h2").textContent = me.dataset.title || "Chat with us";

  let session = store(), es = null, sending = false, cid = null, pend = [];
  const seen = new Set();
  const say = (t, err) => { note.textContent = t; note.classList.toggle("err", !!err); };
  const rid = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  const el = (tag, cls, text) => { const e = document.createElement(tag); e.className = cls; e.textContent = text; return e; };
  log.append(el("p", "n", session ? "Continuing your conversation (earlier messages aren't shown here)." : "Ask us anything. We'll reply right here."));

  function add(dir, text, id) {
    if (id != null) seen.add(String(id));
    const m = el("div", "m " + dir, "");
    m.append(el("span", "v", dir === "inbound" ? "You: " : "Reply: "), text);
    log.append(m);
    log.scrollTop = log.scrollHeight;
    if (dir === "outbound" && panel.hidden) { launcher.classList.add("u"); launcher.setAttribute("aria-label", "Chat (new message)"); }
  }

  // The POST reply has no id, so it is matched to its SSE copy by text: `sse` entries are replies
  // SSE showed during a send (skip the POST copy); others are POST replies SSE may still deliver.
  function take(text, sse) {
    const now = Date.now();
    pend = pend.filter((p) => now - p.at < 60000);
    const i = pend.findIndex((p) => p.text === text && !p.sse === !sse);
    return i < 0 ? null : pend.splice(i, 1)[0];
  }
  function expect(text) { // prefer SSE: if it is live, wait a little for it before showing the POST copy
    const p = { text, at: Date.now() };
    pend.push(p);
    const show = () => { if (!p.shown && pend.includes(p)) { p.shown = 1; add("outbound", text); } };
    es && es.readyState === 1 ? setTimeout(show, 4000) : show();
  }

  function listen() {
    if (es || !session) return;
    const src = (es = new EventSource(`${api}/events?session=${encodeURIComponent(session)}`));
    src.addEventListener("message", (e) => {
      let m; try { m = JSON.parse(e.data); } catch { return; }
      if (!m || typeof m.body !== "string") return;
      const id = m.id == null ? null : String(m.id), dir = m.direction === "inbound" ? "inbound" : "outbound";
      if (id && seen.has(id)) return;
      if (dir === "outbound") {
        const p = take(m.body, false);
        if (p && p.shown) return id && seen.add(id);
        if (!p && sending) pend.push({ text: m.body, at: Date.now(), sse: 1 });
      }
      add(dir, m.body, id);
    });
    src.onerror = () => { if (src.readyState === 2 && es === src) es = null; }; // given up (e.g. 401): reopened after the next send
  }
  function setSession(s) {
    if (s === session) return;
    session = s;
    store(s);
    if (es) es.close(), (es = null);
  }
  async function post(body) {
    const res = await fetch(api + "/messages", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    let j = null;
    try { j = await res.json(); } catch {}
    return { status: res.status, j };
  }
  const why = (s) => s === 400 ? `Messages must be 1 to ${MAX} characters.` : s === 404 ? "Sorry, chat isn't available for this business."
    : s === 429 ? "Too many messages. Please wait a minute and try again." : s ? "Something went wrong. Please try again."
    : "Couldn't send. Check your connection and try again.";

  async function submit() {
    if (sending) return;
    const text = input.value.trim(), n = [...text].length;
    if (!n) return say("Please type a message first.", 1);
    if (n > MAX) return say(`That's ${n} characters; the limit is ${MAX}. Please shorten it.`, 1);
    sending = true; btn.disabled = input.readOnly = true; form.setAttribute("aria-busy", "true");
    say("Sending…");
    cid = cid || rid(); // same id on a retry of the same text, so the server can drop a duplicate
    try {
      let r = await post({ session: session || undefined, text, client_id: cid });
      if (r.status === 401 && session) { setSession(null); r = await post({ text, client_id: cid }); }
      if (r.status !== 200 || !r.j || !r.j.session) throw r;
      setSession(r.j.session);
      const { message_id: id, reply } = r.j;
      if (id == null || !seen.has(String(id))) add("inbound", text, id);
      if (typeof reply === "string" && reply && !take(reply, true)) expect(reply);
      input.value = ""; cid = null;
      say("");
      listen();
    } catch (e) {
      say(why(e && e.status) + " Your message is still in the box.", 1);
    } finally {
      sending = false; btn.disabled = input.readOnly = false; form.removeAttribute("aria-busy");
      pend = pend.filter((p) => !p.sse);
    }
  }

  function toggle(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", open);
    if (!open) return launcher.focus();
    launcher.classList.remove("u"); launcher.removeAttribute("aria-label");
    input.focus(); log.scrollTop = log.scrollHeight;
  }
  launcher.onclick = () => toggle(panel.hidden);
  $(".x").onclick = () => toggle(false);
  panel.addEventListener("keydown", (e) => { if (e.key === "Escape") toggle(false); });
  input.addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); } });
  input.addEventListener("input", () => { cid = null; }); // edited text is a new message
  form.addEventListener("submit", (e) => { e.preventDefault(); submit(); });
  const mount = () => { document.body.append(host); listen(); };
  document.body ? mount() : document.addEventListener("DOMContentLoaded", mount);
})();
