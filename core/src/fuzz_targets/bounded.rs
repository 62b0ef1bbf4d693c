//! The short bounded pass CI runs with `cargo test`: every target, from its seeds, a few
//! thousand deterministic mutants. `FRONTDESK_FUZZ_EXECUTIONS` raises the count locally.

use super::{escaped, run, target, TARGETS};

const EXECUTIONS: u64 = 3_000;

/// Understanding a message is ~100× a webhook parse in a debug build: fewer executions keep
/// the whole pass within a few seconds of CI time.
const FEWER: &[(&str, u64)] = &[("nlu_understand", 1_000), ("nlu_dates", 1_000)];

fn pass(name: &str) {
    let target = target(name).expect("a registered target");
    let usual = FEWER.iter().find(|(n, _)| *n == name).map_or(EXECUTIONS, |(_, n)| *n);
    let executions = std::env::var("FRONTDESK_FUZZ_EXECUTIONS").ok().and_then(|n| n.parse().ok()).unwrap_or(usual);
    let stats = run(target, executions, 0, |_| false);
    if let Some(crash) = stats.crashes.first() {
        panic!(
            "{name}: input {} crashed: {}\ninput: b\"{}\"\nreproduce: cargo test -p frontdesk-core fuzz_targets::bounded::{name}",
            stats.executions,
            crash.message,
            escaped(&crash.input)
        );
    }
    assert_eq!(stats.executions, executions);
}

macro_rules! bounded {
    ($($name:ident),* $(,)?) => {
        $(#[test] fn $name() { pass(stringify!($name)); })*

        #[test]
        fn every_target_has_a_bounded_pass_and_seeds() {
            let tested = [$(stringify!($name)),*];
            for t in TARGETS {
                assert!(tested.contains(&t.name), "{} has no bounded pass", t.name);
                assert!(super::seeds(t).iter().any(|s| !s.is_empty()), "{} has no seed corpus", t.name);
                let cargo_fuzz = super::core_dir().join(format!("fuzz/fuzz_targets/{}.rs", t.name));
                let source = std::fs::read_to_string(&cargo_fuzz).unwrap_or_default();
                assert!(source.contains(&format!("fuzz_targets::{}(data)", t.name)), "no cargo-fuzz target {}", cargo_fuzz.display());
            }
        }
    };
}

bounded!(
    twilio_form,
    twilio_signature,
    twiml,
    meta_whatsapp,
    openphone_event,
    openphone_signature,
    web_form,
    web_chat,
    relay_message,
    mcp_jsonrpc,
    oauth_authorize,
    oauth_token,
    oauth_register,
    oauth_pages,
    csv_import,
    nlu_understand,
    nlu_dates,
    kb_document,
);
