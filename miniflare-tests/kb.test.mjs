// The knowledge base: FAQs imported (JSON and CSV) are searchable when the call returns, in the
// customer's own words ("can I bring my dog?" finds "Are pets allowed?"); re-ingesting stores
// nothing new; deleting a knowledge base removes its chunks from search; bad input stores
// nothing; one tenant never sees, searches or deletes another's; a URL is fetched by a queue job
// with progress on the live events; unanswered questions become FAQs.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer } from './helpers/server.mjs';
import { connectSse } from './helpers/sse.mjs';
import { DEMO, DEMO2, api, apiOk, apiPost, assertError, eventually } from './helpers/api.mjs';

let server;
let site;
let siteUrl;
before(async () => {
  // A local "tenant website" for URL ingestion (loopback is allowed in the test environment only).
  site = http.createServer((req, res) => {
    if (req.url === '/guide') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(GUIDE_HTML);
    } else if (req.url === '/moved') {
      res.writeHead(302, { location: '/guide' });
      res.end();
    } else if (req.url === '/to-metadata') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      res.end();
    } else if (req.url === '/image') {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end('PNG');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((r) => site.listen(0, '127.0.0.1', r));
  siteUrl = `http://127.0.0.1:${site.address().port}`;
  server = await startServer();
}, { timeout: 120_000 });
after(async () => {
  await server?.stop();
  site?.close();
});

const GUIDE_HTML = `<!doctype html><html><head><title>Sunrise Lettings tenant guide</title>
<style>.x{color:red}</style><script>window.secret = "not for the index";</script></head><body>
<nav><a href="/">Home</a> <a href="/about">About us</a></nav>
<h1>Tenant guide</h1><p>Welcome to your new home. This guide explains how things work.</p>
<h2>Bins and recycling</h2><p>General waste is collected every other Tuesday &amp; recycling on the weeks in between.
Put the wheelie bins out by 7am.</p>
<h2>Boiler</h2><p>If the boiler shows error code F28 press reset once; if it stays on, report a repair.</p>
</body></html>`;

const post = (key, path, body) => apiPost(server, key, path, body);
const search = (key, q, extra = '') => api(server, key, `/api/v1/kb/search?q=${encodeURIComponent(q)}${extra}`);
async function searchOk(key, q, extra = '') {
  const r = await search(key, q, extra);
  assert.equal(r.status, 200, r.text);
  return r.json.data;
}
async function postCsv(key, path, csv) {
  const res = await fetch(server.baseUrl + path, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' }, body: csv,
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}
async function kbNames(key) {
  return (await apiOk(server, key, '/api/v1/kb')).data.map((k) => k.name);
}

const LETTINGS = [
  { question: 'Are pets allowed?', answer: 'Cats and small dogs are considered by agreement with the landlord.', category: 'pets' },
  { question: 'How much is the holding deposit?', answer: "One week's rent, taken off your first month's rent.", category: 'fees' },
  { question: 'Is there parking?', answer: 'Some flats have off-street parking; others are in residents\' permit zones.', category: 'parking' },
  { question: 'When is the office open?', answer: 'Monday to Friday 9am to 6pm.', category: 'office' },
];

test('imported FAQs are searchable at once, in the customer\'s own words, and repeats are counted', async () => {
  const r = await post(DEMO.key, '/api/v1/kb/faqs', { kb: 'lettings', faqs: LETTINGS });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json, { kb: 'lettings', imported: 4, duplicates: 0 });

  const dog = await searchOk(DEMO.key, 'can I bring my dog?', '&kb=lettings');
  assert.equal(dog[0]?.title, 'Are pets allowed?', JSON.stringify(dog));
  assert.deepEqual(Object.keys(dog[0]).sort(), ['category', 'id', 'kb', 'score', 'source', 'text', 'title']);
  assert.equal(dog[0].kb, 'lettings');
  assert.equal(dog[0].source, 'faq');
  assert.match(dog[0].text, /small dogs/);
  assert.ok(dog[0].score > 0, 'higher is better, positive');
  assert.ok(dog.every((p, i) => i === 0 || p.score <= dog[i - 1].score), 'best first');

  for (const [q, title] of [
    ['where do I park my car', 'Is there parking?'],
    ['what are your opening hours', 'When is the office open?'],
    ['how much is the bond', 'How much is the holding deposit?'],
  ]) {
    assert.equal((await searchOk(DEMO.key, q, '&kb=lettings'))[0]?.title, title, q);
  }
  // A category narrows the search.
  const fees = await searchOk(DEMO.key, 'dog deposit parking', '&kb=lettings&category=fees');
  assert.deepEqual(fees.map((p) => p.title), ['How much is the holding deposit?']);

  // The same FAQs again (plus a repeat within the call, plus one new): only the new one is stored.
  const again = await post(DEMO.key, '/api/v1/kb/faqs', {
    kb: 'lettings', faqs: [...LETTINGS, LETTINGS[0], { question: 'Can I smoke?', answer: 'No smoking indoors.' }],
  });
  assert.deepEqual(again.json, { kb: 'lettings', imported: 1, duplicates: 5 });
  const listed = (await apiOk(server, DEMO.key, '/api/v1/kb')).data.find((k) => k.name === 'lettings');
  assert.deepEqual({ documents: listed.documents, chunks: listed.chunks }, { documents: 5, chunks: 5 });
  assert.equal((await searchOk(DEMO.key, 'pets', '&kb=lettings')).filter((p) => p.title === 'Are pets allowed?').length, 1);
});

test('CSV imports honour quoting, and a query made of FTS syntax is just words', async () => {
  const csv = 'question,answer,category\r\n"Is there a lift, or stairs?","A lift to every floor; ""step-free"" access.",access\r\n' +
    'Do you allow students?,"Yes, with a UK guarantor.",\n';
  const r = await postCsv(DEMO.key, '/api/v1/kb/faqs?kb=csvkb', csv);
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json, { kb: 'csvkb', imported: 2, duplicates: 0 });
  const lift = await searchOk(DEMO.key, 'lift', '&kb=csvkb');
  assert.equal(lift[0].title, 'Is there a lift, or stairs?');
  assert.equal(lift[0].text, 'A lift to every floor; "step-free" access.');

  for (const q of ['"NEAR(lift', 'lift*', 'lift OR -stairs', 'title:lift', '^lift', '{title}: lift AND NOT x', 'lift"']) {
    const hits = await searchOk(DEMO.key, q, '&kb=csvkb');
    assert.equal(hits[0]?.title, 'Is there a lift, or stairs?', `${q}: ${JSON.stringify(hits)}`);
  }
  assert.deepEqual(await searchOk(DEMO.key, 'the and of?', '&kb=csvkb'), [], 'nothing searchable, nothing found');
  assertError(await search(DEMO.key, ''), 400, 'bad_request');
  assertError(await api(server, DEMO.key, '/api/v1/kb/search'), 400, 'bad_request');
  assertError(await search(DEMO.key, 'lift', '&limit=0'), 400, 'bad_request');
});

test('bad input is refused with a 400 naming the problem, and nothing is stored', async () => {
  const before = await kbNames(DEMO.key);
  const cases = [
    [{ faqs: [{ question: 'q', answer: 'a' }] }, /`kb`/],
    [{ kb: 'bad1', faqs: [] }, /empty/],
    [{ kb: 'bad2', faqs: [{ question: 'q', answer: '' }] }, /faqs\[0\]/],
    [{ kb: 'bad3', faqs: Array.from({ length: 1001 }, (_, i) => ({ question: `q${i}`, answer: 'a' })) }, /at most 1000/],
    [{ kb: 'bad name', faqs: [{ question: 'q', answer: 'a' }] }, /letters/],
    ['{"kb": "bad4", "faqs": [', /expected/],
  ];
  for (const [body, message] of cases) {
    const r = await post(DEMO.key, '/api/v1/kb/faqs', body);
    assertError(r, 400, 'bad_request', JSON.stringify(body).slice(0, 60));
    assert.match(r.json.error.message, message);
  }
  for (const [csv, message] of [
    ['question,answer\n"never closed,x\n', /never closed/],
    ['q,a\nx,y\n', /question.*answer/],
    ['question,answer\na,b,c\n', /row 2/],
  ]) {
    const r = await postCsv(DEMO.key, '/api/v1/kb/faqs?kb=badcsv', csv);
    assertError(r, 400, 'bad_request', csv);
    assert.match(r.json.error.message, message);
  }
  for (const [body, message] of [
    [{ kb: 'baddoc', url: 'ftp://example.com/guide' }, /http or https/],
    [{ kb: 'baddoc', url: 'not a url' }, /not a URL/],
    [{ kb: 'baddoc', url: 'http://user:pw@example.com/' }, /user name/],
    [{ kb: 'baddoc', url: 'http://169.254.169.254/latest/meta-data/' }, /private or local/],
    [{ kb: 'baddoc', url: 'http://10.0.0.8/' }, /private or local/],
    [{ kb: 'baddoc', url: 'http://[fd00::1]/' }, /private or local/],
    [{ kb: 'baddoc', url: 'http://metadata.google.internal/' }, /private or local/],
    [{ kb: 'baddoc', title: 'T', content: '   ', format: 'text' }, /empty/],
    [{ kb: 'baddoc', title: 'T', content: 'x', format: 'pdf' }, /expected/],
    [{ kb: 'baddoc', title: 'T', content: '<script>only()</script>', format: 'html' }, /no text/],
  ]) {
    const r = await post(DEMO.key, '/api/v1/kb/documents', body);
    assertError(r, 400, 'bad_request', JSON.stringify(body));
    assert.match(r.json.error.message, message);
  }
  assertError(await post(DEMO.key, '/api/v1/kb/documents', { kb: 'baddoc', title: 'T', content: 'x'.repeat(2_100_000), format: 'text' }), 413, 'payload_too_large');
  assert.deepEqual(await kbNames(DEMO.key), before, 'no knowledge base was created by a refused request');
});

test('a document is chunked with its headings; ingesting it again leaves one copy', async () => {
  const content = '# Move-in guide\n\nWelcome!\n\n## Keys\n\nCollect your **keys** from the office at 14 Elm Road.\n\n' +
    '## Meter readings\n\nTake photos of the [gas and electricity meters](https://example.com) on day one.';
  const doc = { kb: 'guides', title: 'Tenant handbook', content, format: 'markdown' };
  const first = await post(DEMO.key, '/api/v1/kb/documents', doc);
  assert.equal(first.status, 201, first.text);
  assert.equal(first.json.duplicate, false);
  assert.equal(first.json.chunks, 3);
  const again = await post(DEMO.key, '/api/v1/kb/documents', doc);
  assert.equal(again.status, 201, again.text);
  assert.deepEqual(again.json, { id: first.json.id, chunks: 3, duplicate: true });

  const docs = await apiOk(server, DEMO.key, '/api/v1/kb/guides/documents');
  assert.equal(docs.data.length, 1, 'one copy');
  const got = await apiOk(server, DEMO.key, `/api/v1/kb/documents/${first.json.id}`);
  assert.equal(got.title, 'Tenant handbook');
  assert.equal(got.format, 'markdown');
  assert.equal(got.content_hash.length, 64);
  assert.deepEqual(got.chunks.map((c) => c.title), [
    'Tenant handbook › Move-in guide', 'Tenant handbook › Move-in guide › Keys', 'Tenant handbook › Move-in guide › Meter readings',
  ]);
  assert.equal(got.chunks[1].text, 'Collect your keys from the office at 14 Elm Road.');
  const meters = await searchOk(DEMO.key, 'meter reading photos', '&kb=guides');
  assert.equal(meters.length >= 1 && meters[0].title, 'Tenant handbook › Move-in guide › Meter readings');
  assert.equal(meters[0].source, 'document');

  // Deleting the document removes it from search; the lexical index can be rebuilt.
  assert.equal((await post(DEMO.key, '/api/v1/kb/guides/reindex', {})).json.chunks, 3);
  assert.equal((await searchOk(DEMO.key, 'keys office', '&kb=guides')).length > 0, true);
  const deleted = await api(server, DEMO.key, `/api/v1/kb/documents/${first.json.id}`, { method: 'DELETE' });
  assert.equal(deleted.status, 200, deleted.text);
  assert.deepEqual(await searchOk(DEMO.key, 'keys office meter', '&kb=guides'), []);
  assertError(await api(server, DEMO.key, `/api/v1/kb/documents/${first.json.id}`), 404, 'not_found');
});

test('a document of more than 50 chunks is queued, stored in steps, and searchable once done', async () => {
  const streets = Array.from({ length: 60 }, (_, i) => `Street${i}`);
  const content = streets.map((s, i) => `## ${s}\n\nThe flats on ${s} have bin day on ${['Monday', 'Tuesday'][i % 2]}.`).join('\n\n');
  const r = await post(DEMO.key, '/api/v1/kb/documents', { kb: 'bigdoc', title: 'Bin days', content, format: 'markdown' });
  assert.equal(r.status, 202, r.text);
  const state = await eventually(async () => {
    const s = await apiOk(server, DEMO.key, `/api/v1/kb/jobs/${r.json.job}`);
    return s.status === 'done' ? s : null;
  }, { timeoutMs: 20_000, what: 'the big document job done' });
  assert.equal(state.chunk_count, 60);
  assert.equal(state.duplicate, false);
  const hit = await searchOk(DEMO.key, 'bin day street42', '&kb=bigdoc');
  assert.equal(hit[0].title, 'Bin days › Street42');
  const listed = (await apiOk(server, DEMO.key, '/api/v1/kb')).data.find((k) => k.name === 'bigdoc');
  assert.deepEqual([listed.documents, listed.chunks], [1, 60]);
});

test('deleting or clearing a knowledge base removes its chunks from search', async () => {
  await post(DEMO.key, '/api/v1/kb/faqs', { kb: 'doomed', faqs: [{ question: 'Do you have a gym?', answer: 'A residents\' gym on the ground floor.' }] });
  await post(DEMO.key, '/api/v1/kb/faqs', { kb: 'cleared', faqs: [{ question: 'Is there a gym nearby?', answer: 'PureGym is on Union Street.' }] });
  assert.equal((await searchOk(DEMO.key, 'gym')).length, 2);

  const cleared = await post(DEMO.key, '/api/v1/kb/cleared/clear', {});
  assert.deepEqual(cleared.json, { cleared: 'cleared', documents: 1, chunks: 1 });
  assert.ok((await kbNames(DEMO.key)).includes('cleared'), 'clear keeps the knowledge base');

  const r = await api(server, DEMO.key, '/api/v1/kb/doomed', { method: 'DELETE' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { deleted: 'doomed', documents: 1, chunks: 1 });
  assert.deepEqual(await searchOk(DEMO.key, 'gym'), []);
  assert.ok(!(await kbNames(DEMO.key)).includes('doomed'));
  assertError(await api(server, DEMO.key, '/api/v1/kb/doomed', { method: 'DELETE' }), 404, 'not_found');
  // Re-created under the same name, it starts empty and imports the FAQ afresh.
  const back = await post(DEMO.key, '/api/v1/kb/faqs', { kb: 'doomed', faqs: [{ question: 'Do you have a gym?', answer: 'A residents\' gym on the ground floor.' }] });
  assert.deepEqual(back.json, { kb: 'doomed', imported: 1, duplicates: 0 });
});

test('one tenant can neither search, list, read nor delete another\'s knowledge base', async () => {
  await post(DEMO.key, '/api/v1/kb/faqs', { kb: 'private', faqs: [{ question: 'What is the alarm code?', answer: 'Ask the office for the alarm code.' }] });
  const mine = await searchOk(DEMO.key, 'alarm code', '&kb=private');
  assert.equal(mine.length, 1);
  const chunkId = mine[0].id;
  const docId = (await apiOk(server, DEMO.key, '/api/v1/kb/private/documents')).data[0].id;

  assert.deepEqual(await searchOk(DEMO2.key, 'alarm'), [], 'not searchable by the other tenant');
  assert.deepEqual(await searchOk(DEMO2.key, 'alarm', '&kb=private'), []);
  assert.ok(!(await kbNames(DEMO2.key)).includes('private'));
  assertError(await api(server, DEMO2.key, '/api/v1/kb/private/documents'), 404, 'not_found');
  assertError(await api(server, DEMO2.key, `/api/v1/kb/documents/${docId}`), 404, 'not_found');
  assertError(await api(server, DEMO2.key, `/api/v1/kb/documents/${docId}`, { method: 'DELETE' }), 404, 'not_found');
  assertError(await api(server, DEMO2.key, '/api/v1/kb/private', { method: 'DELETE' }), 404, 'not_found');
  assertError(await post(DEMO2.key, '/api/v1/kb/private/clear', {}), 404, 'not_found');
  assertError(await post(DEMO2.key, '/api/v1/kb/private/reindex', {}), 404, 'not_found');
  // The other tenant's own knowledge base of the same name is its own.
  const theirs = await post(DEMO2.key, '/api/v1/kb/faqs', { kb: 'private', faqs: [{ question: 'What is the alarm code?', answer: 'Ask the office for the alarm code.' }] });
  assert.deepEqual(theirs.json, { kb: 'private', imported: 1, duplicates: 0 });
  assert.equal((await searchOk(DEMO.key, 'alarm code', '&kb=private'))[0].id, chunkId, 'still there for its owner');
  assertError(await api(server, undefined, '/api/v1/kb/search?q=alarm'), 401, 'unauthorized');
  assertError(await api(server, 'fd_nope', '/api/v1/kb'), 401, 'unauthorized');
});

test('a URL is ingested by a queue job, with progress on the live events, following a redirect', async () => {
  const sse = await connectSse({ baseUrl: server.baseUrl, key: DEMO.key });
  try {
    const r = await post(DEMO.key, '/api/v1/kb/documents', { kb: 'website', url: `${siteUrl}/moved` });
    assert.equal(r.status, 202, r.text);
    assert.equal(r.json.status, 'queued');
    const job = r.json.job;
    const done = await sse.waitFor((e) => e.event === 'kb.job' && e.json?.data?.job === job && e.json.data.status === 'done', 20_000);
    const seen = sse.events.filter((e) => e.event === 'kb.job' && e.json?.data?.job === job).map((e) => e.json.data);
    assert.deepEqual([...new Set(seen.map((d) => d.status))], ['queued', 'running', 'done'], JSON.stringify(seen));
    assert.ok(seen.some((d) => d.stage === 'storing' && d.done === d.total && d.total === 3), JSON.stringify(seen));
    assert.equal(done.json.data.duplicate, false);

    const state = await apiOk(server, DEMO.key, `/api/v1/kb/jobs/${job}`);
    assert.equal(state.status, 'done');
    assert.equal(state.chunk_count, 3);
    assert.equal(state.document_id, done.json.data.document_id);
    const doc = await apiOk(server, DEMO.key, `/api/v1/kb/documents/${state.document_id}`);
    assert.equal(doc.title, 'Sunrise Lettings tenant guide');
    assert.equal(doc.source, `${siteUrl}/moved`, 'the URL the tenant gave');
    assert.equal(doc.format, 'html');
    const text = doc.chunks.map((c) => `${c.title}\n${c.text}`).join('\n');
    assert.match(text, /every other Tuesday & recycling/);
    assert.doesNotMatch(text, /not for the index|About us|color:red/);

    const bins = await searchOk(DEMO.key, 'when are the bins collected?', '&kb=website');
    assert.equal(bins[0].title, 'Sunrise Lettings tenant guide › Tenant guide › Bins and recycling');
    assert.equal(bins[0].source, `${siteUrl}/moved`);

    // The same page again: the job finds the content stored and stores nothing new.
    const again = await post(DEMO.key, '/api/v1/kb/documents', { kb: 'website', url: `${siteUrl}/guide` });
    const repeat = await eventually(async () => {
      const s = await apiOk(server, DEMO.key, `/api/v1/kb/jobs/${again.json.job}`);
      return s.status === 'done' ? s : null;
    }, { timeoutMs: 20_000, what: 'the repeat job done' });
    assert.equal(repeat.duplicate, true);
    assert.equal(repeat.document_id, state.document_id);
    assert.equal((await apiOk(server, DEMO.key, '/api/v1/kb/website/documents')).data.length, 1);
    // Jobs are the tenant's own.
    assertError(await api(server, DEMO2.key, `/api/v1/kb/jobs/${job}`), 404, 'not_found');
  } finally {
    sse.close();
  }
});

test('a URL job that cannot be fetched fails with the reason, and a redirect to a private address is refused', async () => {
  for (const [path, reason] of [['/to-metadata', /private or local/], ['/missing', /HTTP 404/], ['/image', /not text/]]) {
    const r = await post(DEMO.key, '/api/v1/kb/documents', { kb: 'website2', url: `${siteUrl}${path}` });
    assert.equal(r.status, 202, r.text);
    const state = await eventually(async () => {
      const s = await apiOk(server, DEMO.key, `/api/v1/kb/jobs/${r.json.job}`);
      return s.status === 'failed' ? s : null;
    }, { timeoutMs: 20_000, what: `the ${path} job failed` });
    assert.match(state.error, reason);
  }
  assert.deepEqual((await apiOk(server, DEMO.key, '/api/v1/kb/website2/documents')).data, []);
});

test('an unanswered question is listed, answered as an FAQ that is searchable at once, or dismissed', async () => {
  const file = async (tenant, question, n) => {
    const r = await post(undefined, '/__test/kb/unanswered', {
      tenant_id: tenant, contact_id: 'con_x', conversation_id: 'cnv_x', message_id: `msg_kb_${n}`, question,
    });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };
  const bikes = await file(DEMO.tenantId, 'Is there somewhere to keep my bike?', 1);
  const hot = await file(DEMO.tenantId, 'Is the flat hot in summer?', 2);
  const theirs = await file(DEMO2.tenantId, 'Do you sell ice cream?', 3);

  const open = await apiOk(server, DEMO.key, '/api/v1/kb/unanswered');
  assert.deepEqual(open.data.map((u) => u.id), [hot, bikes], 'newest first, the tenant\'s own');
  assert.equal(open.data[1].question, 'Is there somewhere to keep my bike?');
  assert.equal(open.data[1].status, 'open');
  assert.equal((await apiOk(server, DEMO.key, '/api/v1/kb/unanswered?limit=1')).next_cursor, hot);

  assertError(await post(DEMO2.key, `/api/v1/kb/unanswered/${bikes}/faq`, { answer: 'x' }), 404, 'not_found');
  assertError(await post(DEMO.key, `/api/v1/kb/unanswered/${bikes}/faq`, {}), 400, 'malformed_body');
  assertError(await post(DEMO.key, `/api/v1/kb/unanswered/${bikes}/faq`, { answer: ' ' }), 400, 'bad_request');
  const answered = await post(DEMO.key, `/api/v1/kb/unanswered/${bikes}/faq`, {
    answer: 'Most of our buildings have a locked bike store; ask about the property you like.',
  });
  assert.equal(answered.status, 200, answered.text);
  assert.equal(answered.json.status, 'answered');
  assert.equal(answered.json.kb, 'faq');
  const hits = await searchOk(DEMO.key, 'where can I store my bicycle bike', '&kb=faq');
  assert.equal(hits[0].id, answered.json.faq_id);
  assert.equal(hits[0].title, 'Is there somewhere to keep my bike?');
  assertError(await post(DEMO.key, `/api/v1/kb/unanswered/${bikes}/faq`, { answer: 'again' }), 409, 'conflict');

  const dismissed = await post(DEMO.key, `/api/v1/kb/unanswered/${hot}/dismiss`, {});
  assert.deepEqual(dismissed.json, { id: hot, status: 'dismissed' });
  assert.deepEqual((await apiOk(server, DEMO.key, '/api/v1/kb/unanswered')).data, []);
  assert.deepEqual((await apiOk(server, DEMO2.key, '/api/v1/kb/unanswered')).data.map((u) => u.id), [theirs]);
});

test('the seeded demo FAQs answer the deposit and the dog, and demo2\'s its own questions', async () => {
  const deposit = await searchOk(DEMO.key, 'how much is the deposit?');
  assert.equal(deposit[0].title, 'How much is the deposit?');
  assert.equal(deposit[0].kb, 'faq');
  assert.match(deposit[0].text, /five weeks' rent/);
  const dog = await searchOk(DEMO.key, 'Can I bring my dog?');
  assert.equal(dog[0].title, 'Are pets allowed?');
  const hours = await searchOk(DEMO.key, 'What are your opening hours?');
  assert.match(hours[0].text, /Monday to Thursday 9am to 6pm, Friday 9am to 5:30pm and Saturday 10am to 2pm/);
  for (const [q, title] of [
    ['what time can we arrive', 'What time is check-in?'],
    ['where do we park the car', 'Is there parking?'],
    ['how many nights minimum', 'What is the minimum stay?'],
    ['is there a cleaning charge', 'Is there a cleaning fee?'],
    ['can we bring our dog', 'Are dogs allowed?'],
  ]) {
    assert.equal((await searchOk(DEMO2.key, q))[0]?.title, title, q);
  }
  // The seed's FAQ imported again through the API is a duplicate: the hashes agree.
  const r = await post(DEMO.key, '/api/v1/kb/faqs', { kb: 'faq', faqs: [{ question: deposit[0].title, answer: deposit[0].text }] });
  assert.deepEqual(r.json, { kb: 'faq', imported: 0, duplicates: 1 });
});
