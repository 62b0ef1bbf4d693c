//! The long fuzz pass (`make fuzz`) and crash reproduction. Built with `--features fuzzing`.
//!
//! `fuzz run [--executions N] [--seed S] [target …]`: each target (all by default) for N
//! executions (1,000,000 by default), one after another; crashes are saved to
//! `core/fuzz/artifacts/<target>/crash-<hash>` (cargo-fuzz's place) and a Markdown table of
//! executions, crashes, time and executions per second is printed for BENCHMARKS.md.
//! `fuzz repro <target> <file>`: runs one input without catching the panic, for the backtrace.
//! `fuzz list`: the targets.

use frontdesk_core::fuzz_targets::{self, core_dir, hash, Crash, TARGETS};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("repro") if args.len() == 3 => repro(&args[1], &args[2]),
        Some("list") => {
            TARGETS.iter().for_each(|t| println!("{}", t.name));
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!(
                "usage: fuzz run [--executions N] [--seed S] [target …] | fuzz repro <target> <file> | fuzz list"
            );
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> ExitCode {
    let mut executions = 1_000_000;
    let mut seed = 0;
    let mut names = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--executions" => executions = args.next().and_then(|n| n.replace('_', "").parse().ok()).expect("a count"),
            "--seed" => seed = args.next().and_then(|n| n.parse().ok()).expect("a number"),
            name => names.push(name.to_owned()),
        }
    }
    let targets: Vec<_> = if names.is_empty() {
        TARGETS.iter().collect()
    } else {
        names.iter().map(|n| fuzz_targets::target(n).unwrap_or_else(|| panic!("no target {n}"))).collect()
    };
    // Crashes are counted and saved, not printed as they happen: silence the default hook.
    std::panic::set_hook(Box::new(|_| {}));
    println!("| target | executions | crashes | time (s) | executions/s |");
    println!("|---|---:|---:|---:|---:|");
    let mut crashed = false;
    for target in targets {
        let stats = fuzz_targets::run(target, executions, seed, |crash| save(target.name, crash));
        let seconds = stats.elapsed.as_secs_f64();
        println!(
            "| {} | {} | {} | {:.1} | {:.0} |",
            target.name,
            stats.executions,
            stats.crashes.len(),
            seconds,
            stats.executions as f64 / seconds
        );
        for crash in stats.crashes.iter().take(3) {
            eprintln!("  {}: {}", target.name, crash.message.lines().next().unwrap_or_default());
        }
        crashed |= !stats.crashes.is_empty();
    }
    if crashed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Keeps the crashing input where `fuzz repro` and cargo-fuzz look for it; the pass goes on.
fn save(target: &str, crash: &Crash) -> bool {
    let dir = core_dir().join("fuzz/artifacts").join(target);
    let path = dir.join(format!("crash-{:016x}", hash(&crash.input)));
    if std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, &crash.input)).is_err() {
        eprintln!("could not save {}", path.display());
    }
    true
}

fn repro(name: &str, file: &str) -> ExitCode {
    let target = fuzz_targets::target(name).unwrap_or_else(|| panic!("no target {name}"));
    let input = std::fs::read(file).unwrap_or_else(|e| panic!("{file}: {e}"));
    println!("{name} on {} bytes: b\"{}\"", input.len(), fuzz_targets::escaped(&input));
    (target.run)(&input);
    println!("no crash");
    ExitCode::SUCCESS
}
