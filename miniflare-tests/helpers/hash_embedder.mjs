// The deterministic stand-in embedder of core/src/kb/vector/hash.rs, in JavaScript, for the
// binding fakes and the benchmark: hashed word stems and character trigrams, L2-normalised. It
// matches spelling (typos, word endings), not meaning; it is NOT a semantic model.
// `node miniflare-tests/helpers/hash_embedder.mjs --fixture` prints the vectors that pin the
// Rust implementation to this one (core/src/kb/vector/fixtures/hash_embedder.json).
import { fileURLToPath } from 'node:url';

export const DIMS = 384;
export const MIN_SCORE = 0.3; // core/src/kb/vector/hash.rs explains the figure
const STOPWORDS = new Set([
  'a', 'an', 'and', 'are', 'be', 'can', 'do', 'does', 'for', 'have', 'how', 'i', 'in', 'is', 'it', 'me', 'my', 'of',
  'on', 'or', 'the', 'to', 'we', 'what', 'when', 'where', 'you', 'your',
]);
const SUFFIXES = ['ing', 'ed', 'es', 's'];
const WORD_WEIGHT = 1.0;
const TRIGRAM_WEIGHT = 1.0;
const utf8 = new TextEncoder();

function fnv1a(text) {
  let h = 0x811c9dc5;
  for (const b of utf8.encode(text)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

function stem(word) {
  for (const s of SUFFIXES) {
    if (word.endsWith(s) && [...word.slice(0, -s.length)].length >= 3) return word.slice(0, -s.length);
  }
  return word;
}

function add(acc, feature, weight) {
  const h = fnv1a(feature);
  acc[h % DIMS] += (h >>> 31 === 1 ? -1 : 1) * weight;
}

/** The vector of one text (a plain array of DIMS numbers; all zeros when it has no words). */
export function embed(text) {
  const acc = new Array(DIMS).fill(0);
  for (const word of text.toLowerCase().split(/[^\p{Alphabetic}\p{N}]+/u)) {
    if (!word || STOPWORDS.has(word)) continue;
    add(acc, `w:${stem(word)}`, WORD_WEIGHT);
    const padded = ['^', ...word, '$'];
    for (let i = 0; i + 3 <= padded.length; i++) add(acc, `t:${padded.slice(i, i + 3).join('')}`, TRIGRAM_WEIGHT);
  }
  const norm = Math.sqrt(acc.reduce((s, v) => s + v * v, 0));
  return acc.map((v) => (norm > 0 ? Math.fround(v / norm) : 0));
}

/** Cosine similarity (0 when either vector is all zeros). */
export function cosine(a, b) {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--fixture') {
  const texts = ['What is the deposit?', 'how much is the deposti', 'Viewings: évening slots, 24/7!', 'the a of', ''];
  const out = texts.map((text) => ({
    text, nonzero: embed(text).map((v, i) => [i, v]).filter(([, v]) => v !== 0),
  }));
  process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
}
