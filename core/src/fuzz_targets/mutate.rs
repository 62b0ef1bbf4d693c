//! A small deterministic mutator: xorshift choices over byte edits, tokens that matter to the
//! formats under test, and splices between corpus entries. No coverage feedback (that is
//! cargo-fuzz's job); what it finds comes from seeds that are real payloads.

/// Inputs never grow past this: the Worker caps bodies at 64 KiB, and longer inputs only slow
/// the pass down without reaching new code.
pub const MAX_LEN: usize = 8 * 1024;

/// xorshift64*: fast, seedable, the same sequence on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// Bytes that change how text parsers read what follows.
const SPECIAL: &[u8] = b"\0\x1e\x7f\xff\"'\\%&=+<>{}[],:;.\n\r\t -_#?/@0123456789";

/// Tokens every target may meet: escapes, numbers at the edges, characters XML forbids.
const TOKENS: &[&str] = &[
    "%",
    "%2",
    "%FF",
    "%00",
    "%C3%A9",
    "&amp;",
    "&#0;",
    "\\u0000",
    "\\ud800",
    "\u{fffe}",
    "\u{ffff}",
    "\u{2028}",
    "\u{1f3e0}",
    "é",
    "ß",
    "İ",
    "null",
    "true",
    "[]",
    "{}",
    "\"\"",
    "-1",
    "0",
    "1e999",
    "-0.0",
    "18446744073709551615",
    "18446744073709551616",
    "9223372036854775807",
    "99999999999999999",
    "4294967296",
    "+447700900123",
    "+1",
    "2026-02-29",
    "9999-12-31",
    "00:00",
    "24:60",
];

/// One mutant of `input`: one to four stacked edits, drawn from byte edits, `dict` (the
/// target's own tokens), [`TOKENS`] and splices with other `corpus` entries.
pub fn mutate(rng: &mut Rng, input: &[u8], corpus: &[Vec<u8>], dict: &[&str]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=rng.below(4) {
        edit(rng, &mut out, corpus, dict);
    }
    out.truncate(MAX_LEN);
    out
}

fn edit(rng: &mut Rng, out: &mut Vec<u8>, corpus: &[Vec<u8>], dict: &[&str]) {
    let at = |rng: &mut Rng, len: usize| rng.below(len + 1);
    match rng.below(11) {
        0 if !out.is_empty() => {
            let i = rng.below(out.len());
            out[i] ^= 1 << rng.below(8);
        }
        1 if !out.is_empty() => {
            let i = rng.below(out.len());
            out[i] = rng.next_u64() as u8;
        }
        2 if !out.is_empty() => {
            let i = rng.below(out.len());
            out[i] = SPECIAL[rng.below(SPECIAL.len())];
        }
        3 => {
            let i = at(rng, out.len());
            out.insert(i, SPECIAL[rng.below(SPECIAL.len())]);
        }
        4 | 5 => {
            let token = if !dict.is_empty() && rng.below(3) > 0 {
                dict[rng.below(dict.len())]
            } else {
                TOKENS[rng.below(TOKENS.len())]
            };
            let i = at(rng, out.len());
            out.splice(i..i, token.bytes());
        }
        6 if !out.is_empty() => {
            let start = rng.below(out.len());
            let end = (start + 1 + rng.below(16)).min(out.len());
            out.drain(start..end);
        }
        7 if !out.is_empty() => {
            let start = rng.below(out.len());
            let end = (start + 1 + rng.below(32)).min(out.len());
            let chunk = out[start..end].to_vec();
            let i = at(rng, out.len());
            out.splice(i..i, chunk);
        }
        8 if !corpus.is_empty() => {
            let other = &corpus[rng.below(corpus.len())];
            if !other.is_empty() {
                let start = rng.below(other.len());
                let end = (start + 1 + rng.below(64)).min(other.len());
                let i = at(rng, out.len());
                out.splice(i..i, other[start..end].iter().copied());
            }
        }
        9 if !out.is_empty() => {
            // A run of digits where a number was: lengths, timestamps and counts at the edge.
            let i = rng.below(out.len());
            let run = 1 + rng.below(24);
            let digit = b'0' + rng.below(10) as u8;
            out.splice(i..i, std::iter::repeat_n(digit, run));
        }
        10 if out.len() > 1 => {
            let cut = rng.below(out.len());
            out.truncate(cut);
        }
        _ => {
            let i = at(rng, out.len());
            out.insert(i, rng.next_u64() as u8);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_mutants() {
        let corpus = vec![b"From=%2B447700900123&Body=hi".to_vec()];
        let run = |seed| {
            let mut rng = Rng::new(seed);
            (0..50).map(|_| mutate(&mut rng, &corpus[0], &corpus, &["Body="])).collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        assert!(run(7).iter().all(|m| m.len() <= MAX_LEN));
    }
}
