/* Frontdesk live chat. Embed: <script src="https://FRONTDESK_HOST/widget.js" data-tenant="demo"
 * data-title="Acme Lettings" async></script>. No framework, no build, no requests but the chat API
 * on this script's origin. Shadow DOM, not a prefixed <style>: host-page CSS (button{}, p{margin})
 * can't reach in and ours can't leak out. px, not rem: rem follows the host page's root font size.
 * The session lives in localStorage, so a reload continues the conversation, but with no history
 * endpoint yet only new messages are shown after a reload. The business's white label (name, logo,
 * colour: GET /chat/{tenant}/brand, from its console settings) replaces data-title and the default
 * blue once it arrives. */
(() => {
  const me = document.currentScript, tenant = me && me.dataset.tenant, KEY = "fd-chat:" + tenant, MAX = 2000;
  if (!tenant || window[KEY]) return; // once per tenant per page
  window[KEY] = 1;
  const api = new URL(me.src).origin + "/chat/" + encodeURIComponent(tenant);
  const store = (v) => { try { return v === undefined ? localStorage.getItem(KEY) : v ? localStorage.setItem(KEY, v) : localStorage.removeItem(KEY); } catch { return null; } };
  const host = document.createElement("div"), root = host.attachShadow({ mode: "open" });
  host.id = "fd-chat-root";
  // Static markup only: user, API and attribute text always goes in via textContent.
  root.innerHTML = `<style>
:host{all:initial}*{box-sizing:border-box}[hidden]{display:none!important}
.w{--c:#1f5fcc;--ct:#fff;font:15px/1.4 system-ui,sans-serif;color:#1d2433}
button,textarea{font:inherit;margin:0}
:focus-visible{outline:3px solid #1d2433;outline-offset:2px;box-shadow:0 0 0 2px #fff}
.l,.p{position:fixed;right:16px;z-index:2147483000}
.l,.s{border:2px solid #0000;border-radius:99px;background:var(--c);color:var(--ct);font-weight:600;cursor:pointer}
.l{bottom:16px;display:flex;align-items:center;gap:8px;padding:10px 18px;box-shadow:0 4px 14px #0004}
.l:hover,.s:hover{filter:brightness(.88)}
.u::after{content:"";width:10px;height:10px;border-radius:50%;background:#ffbf47}
.p{bottom:80px;display:flex;flex-direction:column;width:min(360px,100vw - 16px);height:min(520px,100vh - 96px);background:#fff;border:1px solid #c4cad4;border-radius:12px;box-shadow:0 8px 30px #0003;overflow:hidden}
@media (max-width:400px){.l,.p{right:8px}.l{bottom:8px}.p{bottom:72px}}
.h{display:flex;align-items:center;gap:8px;padding:8px 8px 8px 16px;background:var(--c);color:var(--ct)}
h2{margin:0;font-size:16px;flex:1}.o{width:28px;height:28px;border-radius:6px;object-fit:contain;background:#fff}
.x{width:40px;height:40px;border:0;border-radius:6px;background:none;color:inherit;font-size:24px;cursor:pointer}
.g{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f6f7f9}
.m{max-width:85%;padding:8px 12px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere}
.inbound{align-self:flex-end;background:var(--c);color:var(--ct)}
.outbound{align-self:flex-start;background:#fff;border:1px solid #c4cad4}
.n,label,.e{margin:0;font-size:13px;color:#4f5868}.n{align-self:center;text-align:center}
form{padding:8px 12px;border-top:1px solid #dde1e8}
.r{display:flex;gap:8px;align-items:flex-end;margin-top:4px}
textarea{flex:1;min-width:0;height:60px;resize:none;padding:8px;font-size:16px;border:1px solid #767f8f;border-radius:8px;color:inherit}
.s{padding:8px 16px;border-radius:8px}.s:disabled{background:#5a6885;cursor:progress}
.e{margin-top:4px;min-height:18px}.err{color:#b3261e}
.v{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
@media (prefers-reduced-motion:no-preference){.p{animation:fdin .16s ease-out}@keyframes fdin{from{opacity:0;transform:translateY(8px)}}}
</style><div class="w"><button class="l" type="button" aria-expanded="false" aria-controls="p"><svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" fill="currentColor"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg>Chat</button>
<div class="p" id="p" role="dialog" aria-labelledby="t" hidden><div class="h"><img class="o" alt="" hidden><h2 id="t"></h2><button class="x" type="button" aria-label="Close chat">×</button></div>
<div class="g" role="log" aria-live="polite"></div>
<form novalidate><label for="i">Your message</label><div class="r"><textarea id="i" rows="2" aria-describedby="e"></textarea><button class="s">Send</button></div><p class="e" id="e" role="status"></p></form></div></div>`;
  const $ = (s) => root.querySelector(s);
  const launcher = $(".l"), panel = $(".p"), log = $(".g"), form = $("form"), input = $("textarea"), btn = $(".s");
  $("h2").textContent = me.dataset.title || "Chat with us";
  let session = store(), es = null, sending = false, cid = null, pend = [];
  const seen = new Set();
  const say = (t, err) => { $(".e").textContent = t; $(".e").classList.toggle("err", !!err); };
  const el = (tag, cls, text) => { const e = document.createElement(tag); e.className = cls; e.textContent = text; return e; };
  log.append(el("p", "n", session ? "Welcome back. Earlier messages aren't shown here." : "Ask us anything. We'll reply here."));

  function add(dir, text, id) {
    if (id != null) seen.add(String(id));
    const m = el("div", "m " + dir, "");
    m.append(el("span", "v", dir == "inbound" ? "You: " : "Reply: "), text);
    log.append(m);
    log.scrollTop = log.scrollHeight;
    if (dir == "outbound" && panel.hidden) launcher.classList.add("u"), launcher.setAttribute("aria-label", "Chat (new message)");
  }

  // Show a message from the POST answer unless SSE already has. Its SSE copy is recognised by
  // id when the answer gives one, else by direction and text: `sse` entries are messages SSE
  // showed during a send, the others POST copies SSE may still deliver. Prefer SSE: an id-less
  // reply waits up to 4 s for a live stream before the POST copy is shown.
  function take(dir, text, sse) {
    const now = Date.now();
    pend = pend.filter((p) => now - p.at < 6e4);
    const i = pend.findIndex((p) => p.dir == dir && p.text === text && !p.sse == !sse);
    return i < 0 ? null : pend.splice(i, 1)[0];
  }
  function fromPost(dir, text, id) {
    if (id != null) return seen.has(String(id)) || add(dir, text, id);
    if (take(dir, text, 1)) return;
    const p = { dir, text, at: Date.now() };
    pend.push(p);
    const show = () => { if (!p.shown && pend.includes(p)) p.shown = 1, add(dir, text); };
    dir == "outbound" && es && es.readyState == 1 ? setTimeout(show, 4000) : show();
  }

  function listen() {
    if (es || !session) return;
    const src = (es = new EventSource(api + "/events?session=" + encodeURIComponent(session)));
    src.addEventListener("message", (e) => {
      let m; try { m = JSON.parse(e.data); } catch { return; }
      if (!m || typeof m.body != "string") return;
      const id = m.id == null ? null : String(m.id), dir = m.direction == "inbound" ? "inbound" : "outbound";
      if (seen.has(id)) return;
      const p = take(dir, m.body);
      if (p && p.shown) return id && seen.add(id);
      if (!p && sending) pend.push({ dir, text: m.body, at: Date.now(), sse: 1 });
      add(dir, m.body, id);
    });
    src.onerror = () => { if (src.readyState == 2 && es == src) es = null; }; // gave up (e.g. 401): reopened after the next send
  }
  function setSession(s) {
    if (s == session) return;
    const who = (t) => t && t.split(".")[1]; // the visitor id; every answer renews the token itself
    const same = who(s) == who(session);
    store((session = s));
    if (es && !same) es.close(), (es = null); // a renewed token keeps the open stream
  }
  async function post(body) {
    const res = await fetch(api + "/messages", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return { status: res.status, j: await res.json().catch(() => null) };
  }
  const why = (s) => s == 400 ? `Messages must be 1 to ${MAX} characters.` : s == 404 ? "Sorry, chat isn't available here."
    : s == 429 ? "Too many messages. Please wait a minute." : s ? "Something went wrong. Please try again." : "Couldn't send. Check your connection.";

  async function submit() {
    if (sending) return;
    const text = input.value.trim(), n = [...text].length;
    if (!n || n > MAX) return say(n ? `That's ${n} characters; the limit is ${MAX}.` : "Please type a message first.", 1);
    sending = btn.disabled = input.readOnly = true;
    form.setAttribute("aria-busy", "true");
    say("Sending…");
    cid = cid || crypto.getRandomValues(new Uint32Array(4)).join("-"); // kept for a retry of the same text
    try {
      let r = await post({ session: session || undefined, text, client_id: cid });
      if (r.status == 401 && session) { // bad session: drop it and retry once without one
        setSession(null);
        r = await post({ text, client_id: cid });
      }
      if (r.status != 200 || !r.j || !r.j.session) throw r;
      setSession(r.j.session);
      fromPost("inbound", text, r.j.message_id);
      if (typeof r.j.reply == "string" && r.j.reply) fromPost("outbound", r.j.reply, r.j.reply_id);
      input.value = "";
      cid = null;
      say("");
      listen();
    } catch (e) {
      say(why(e && e.status) + " Your message is kept below.", 1);
    } finally {
      sending = btn.disabled = input.readOnly = false;
      form.removeAttribute("aria-busy");
      pend = pend.filter((p) => !p.sse);
    }
  }

  function toggle(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", open);
    if (!open) return launcher.focus();
    launcher.classList.remove("u");
    launcher.removeAttribute("aria-label");
    input.focus();
    log.scrollTop = log.scrollHeight;
  }
  launcher.onclick = () => toggle(panel.hidden);
  $(".x").onclick = () => toggle(false);
  panel.onkeydown = (e) => { if (e.key == "Escape") toggle(false); };
  input.onkeydown = (e) => { if (e.key == "Enter" && !e.shiftKey && !e.isComposing) e.preventDefault(), submit(); };
  input.oninput = () => { cid = null; }; // edited text is a new message
  form.onsubmit = (e) => { e.preventDefault(); submit(); };
  // The white label: only a #RRGGBB colour and an https logo are taken (the API checks them on
  // save too); the text on the colour is dark or white, whichever reads better on it.
  fetch(api + "/brand").then((r) => (r.ok ? r.json() : null)).then((b) => {
    if (!b) return;
    if (typeof b.name == "string" && b.name) $("h2").textContent = b.name;
    if (/^#[0-9a-f]{6}$/i.test(b.colour || "")) {
      const [r, g, bl] = [1, 3, 5].map((i) => parseInt(b.colour.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      const light = 0.2126 * r + 0.7152 * g + 0.0722 * bl > 0.179;
      $(".w").style.setProperty("--c", b.colour);
      $(".w").style.setProperty("--ct", light ? "#1d2433" : "#fff");
    }
    if (/^https:\/\/\S+$/.test(b.logo_url || "")) Object.assign($(".o"), { src: b.logo_url, hidden: false });
  }, () => {});
  const mount = () => { document.body.append(host); listen(); };
  document.body ? mount() : document.addEventListener("DOMContentLoaded", mount);
})();
