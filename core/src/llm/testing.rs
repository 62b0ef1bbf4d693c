//! Test helpers shared by the LLM modules: a turn at a letting agent and ways to cut a body.

use crate::brain::Turn;
use crate::llm::round::{Round, StreamDecoder, StreamError, Usage};
use crate::llm::sse::SseParser;
use crate::tenant::tests::{at, letting_agent};

/// A new SMS conversation with a letting agent, Monday 10:00 (open until 18:00).
pub fn turn(text: &str) -> Turn {
    crate::brain::rules::tests::turn(&letting_agent(), text, at(0, 10, 0))
}

/// `body` cut into pieces of 1 to 17 bytes, anywhere (inside UTF-8 characters and CRLFs too),
/// the same way for the same `seed`.
pub fn chunks(body: &[u8], seed: u64) -> Vec<&[u8]> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut out = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let size = ((state >> 33) % 17 + 1) as usize;
        let (piece, after) = rest.split_at(size.min(rest.len()));
        out.push(piece);
        rest = after;
    }
    out
}

/// Every way the tests cut a body: whole, byte by byte, and a few arbitrary cuttings.
pub fn cuttings(body: &[u8]) -> Vec<Vec<&[u8]>> {
    let mut all = vec![vec![body], body.chunks(1).collect()];
    all.extend((1..=5).map(|seed| chunks(body, seed)));
    all
}

/// Decodes a body fed in the given pieces: the text deltas, the round and the usage.
pub fn decode(mut decoder: Box<dyn StreamDecoder>, pieces: &[&[u8]]) -> (String, Result<Round, StreamError>, Usage) {
    let (mut sse, mut deltas) = (SseParser::new(), String::new());
    for piece in pieces {
        sse.feed(piece).iter().filter_map(|e| decoder.event(e)).for_each(|d| deltas.push_str(&d));
    }
    sse.finish().iter().filter_map(|e| decoder.event(e)).for_each(|d| deltas.push_str(&d));
    let usage = decoder.usage();
    (deltas, decoder.finish(), usage)
}
