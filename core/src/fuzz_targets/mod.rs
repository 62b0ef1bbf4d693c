//! Fuzz targets: every parser and writer that sees outside bytes, as plain `fn(&[u8])`.
//!
//! Each target feeds its bytes to the public function the Worker calls with a provider's body
//! (or builds what a writer is given from them) and asserts what must hold beyond "no panic":
//! a signature never verifies a changed body, an escaped document has no markup from its
//! input, what is parsed and written back parses the same. Three drivers share them:
//! - `cargo test` (this module's tests): a bounded pass from the seed corpus with the
//!   deterministic [`mutate`] mutator, part of `cargo test --workspace`;
//! - `make fuzz` (`src/bin/fuzz.rs`, feature `fuzzing`): the long pass, a million executions
//!   per target, crashes saved to `core/fuzz/artifacts/<target>/`;
//! - cargo-fuzz (`core/fuzz/fuzz_targets/<target>.rs`): libFuzzer with coverage on nightly.
//!
//! Seeds live in `core/fuzz/corpus/<target>/` (cargo-fuzz's own layout). Targets that need
//! several strings (a token, a URL, a body) read them as [`parts`] separated by `0x1E`.

mod csv;
mod kb;
mod markup;
mod mcp;
mod meta;
pub mod mutate;
mod nlu;
mod oauth;
mod openphone;
mod relay;
mod twilio;
mod web;

pub use csv::csv_import;
pub use kb::kb_document;
pub use mcp::mcp_jsonrpc;
pub use meta::meta_whatsapp;
pub use nlu::{nlu_dates, nlu_understand};
pub use oauth::{oauth_authorize, oauth_pages, oauth_register, oauth_token};
pub use openphone::{openphone_event, openphone_signature};
pub use relay::relay_message;
pub use twilio::{twilio_form, twilio_signature, twiml};
pub use web::{web_chat, web_form};

use mutate::{mutate, Rng};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Separates the strings of a multi-part input (ASCII record separator: no format under test
/// gives it a meaning).
pub const SEPARATOR: u8 = 0x1e;

/// One target: its name (the corpus and artifact folder, the cargo-fuzz target), the function,
/// and tokens worth inserting into its inputs.
pub struct Target {
    pub name: &'static str,
    pub run: fn(&[u8]),
    pub dict: &'static [&'static str],
    /// Seed folders besides `core/fuzz/corpus/<name>`, relative to `core/` (existing fixtures).
    pub more_seeds: &'static [&'static str],
}

pub const TARGETS: &[Target] = &[
    Target { name: "twilio_form", run: twilio_form, dict: twilio::FORM_DICT, more_seeds: &[] },
    Target { name: "twilio_signature", run: twilio_signature, dict: twilio::FORM_DICT, more_seeds: &[] },
    Target { name: "twiml", run: twiml, dict: markup::DICT, more_seeds: &[] },
    Target { name: "meta_whatsapp", run: meta_whatsapp, dict: JSON_DICT, more_seeds: &[] },
    Target {
        name: "openphone_event",
        run: openphone_event,
        dict: JSON_DICT,
        more_seeds: &["src/channel/openphone/fixtures/2026-03-30"],
    },
    Target { name: "openphone_signature", run: openphone_signature, dict: openphone::SIGNATURE_DICT, more_seeds: &[] },
    Target { name: "web_form", run: web_form, dict: JSON_DICT, more_seeds: &[] },
    Target { name: "web_chat", run: web_chat, dict: web::CHAT_DICT, more_seeds: &[] },
    Target { name: "relay_message", run: relay_message, dict: JSON_DICT, more_seeds: &[] },
    Target { name: "mcp_jsonrpc", run: mcp_jsonrpc, dict: mcp::DICT, more_seeds: &[] },
    Target { name: "oauth_authorize", run: oauth_authorize, dict: oauth::DICT, more_seeds: &[] },
    Target { name: "oauth_token", run: oauth_token, dict: oauth::DICT, more_seeds: &[] },
    Target { name: "oauth_register", run: oauth_register, dict: oauth::DICT, more_seeds: &[] },
    Target { name: "oauth_pages", run: oauth_pages, dict: markup::DICT, more_seeds: &[] },
    Target { name: "csv_import", run: csv_import, dict: csv::DICT, more_seeds: &[] },
    Target { name: "nlu_understand", run: nlu_understand, dict: nlu::DICT, more_seeds: &[] },
    Target { name: "nlu_dates", run: nlu_dates, dict: nlu::DICT, more_seeds: &[] },
    Target { name: "kb_document", run: kb_document, dict: kb::DICT, more_seeds: &[] },
];

const JSON_DICT: &[&str] = &[
    "\"",
    "\\\"",
    "\\u00e9",
    "{\"a\":",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "1.5",
    "-7",
    "1e308",
    "\"id\":\"X\"",
    "\"type\":",
    "\"from\":",
    "\"to\":",
    "\"timestamp\":",
    "\"createdAt\":",
];

pub fn target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

/// `core/` of this checkout: corpus and artifacts are found from it.
pub fn core_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The seed inputs of `target`, in a stable order: `core/fuzz/corpus/<name>/*` and its extra
/// fixture folders.
pub fn seeds(target: &Target) -> Vec<Vec<u8>> {
    let dirs = std::iter::once(format!("fuzz/corpus/{}", target.name))
        .chain(target.more_seeds.iter().map(|d| (*d).to_owned()));
    let mut seeds = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(core_dir().join(&dir)) else { continue };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        seeds.extend(paths.iter().filter(|p| p.is_file()).filter_map(|p| std::fs::read(p).ok()));
    }
    if seeds.is_empty() {
        seeds.push(Vec::new());
    }
    seeds
}

/// The first `N` strings of a multi-part input (missing ones empty, the last one keeps any
/// further separators), each as lossy UTF-8 where the Worker would only ever hand over text.
pub fn parts<const N: usize>(data: &[u8]) -> [&[u8]; N] {
    let mut out = [&b""[..]; N];
    let mut rest = data;
    for (i, slot) in out.iter_mut().enumerate() {
        if i + 1 == N {
            *slot = rest;
            break;
        }
        match rest.iter().position(|&b| b == SEPARATOR) {
            Some(at) => {
                *slot = &rest[..at];
                rest = &rest[at + 1..];
            }
            None => {
                *slot = rest;
                rest = b"";
            }
        }
    }
    out
}

/// Text as the Worker has it after reading a header or a JSON string: always UTF-8.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A target panicking on one input: the input and what the panic said.
#[derive(Debug, Clone)]
pub struct Crash {
    pub input: Vec<u8>,
    pub message: String,
}

pub struct Stats {
    pub executions: u64,
    pub crashes: Vec<Crash>,
    pub elapsed: Duration,
}

/// Runs `target` on every seed, then on mutants until `executions` in all. Deterministic for a
/// given `seed`. `on_crash` sees each crash as it happens (the long pass saves it) and says
/// whether to go on.
pub fn run(target: &Target, executions: u64, seed: u64, mut on_crash: impl FnMut(&Crash) -> bool) -> Stats {
    let started = Instant::now();
    let seeds = seeds(target);
    // Mutants join a small rolling pool so that edits stack over generations.
    let mut pool: Vec<Vec<u8>> = seeds.clone();
    let mut rng = Rng::new(seed ^ hash(target.name.as_bytes()));
    let mut crashes = Vec::new();
    let mut done = 0;
    while done < executions {
        let input = if (done as usize) < seeds.len() {
            seeds[done as usize].clone()
        } else {
            let parent = &pool[rng.below(pool.len())];
            mutate(&mut rng, parent, &pool, target.dict)
        };
        done += 1;
        match catch_unwind(AssertUnwindSafe(|| (target.run)(&input))) {
            Ok(()) => {
                if input.len() < mutate::MAX_LEN / 2 && rng.below(8) == 0 {
                    if pool.len() < seeds.len() + 256 {
                        pool.push(input);
                    } else {
                        let i = seeds.len() + rng.below(256);
                        pool[i] = input;
                    }
                }
            }
            Err(payload) => {
                let message = payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_else(|| "panic".into());
                let crash = Crash { input, message };
                let go_on = on_crash(&crash);
                crashes.push(crash);
                if !go_on {
                    break;
                }
            }
        }
    }
    Stats { executions: done, crashes, elapsed: started.elapsed() }
}

/// FNV-1a: names a crash file by its input, and derives each target's mutation stream.
pub fn hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// An input as a Rust byte-string literal, for a regression test.
pub fn escaped(input: &[u8]) -> String {
    input.iter().flat_map(|&b| std::ascii::escape_default(b)).map(char::from).collect()
}

#[cfg(test)]
mod bounded;
