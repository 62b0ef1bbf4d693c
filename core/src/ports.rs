//! What core needs from outside, as traits: the Worker implements them over `Date.now()` and
//! `crypto.getRandomValues`; tests use the fixed implementations below.

/// Wall-clock time in milliseconds since the Unix epoch.
pub trait Clock {
    fn now_ms(&self) -> u64;
}

/// Randomness for ids and claim tokens (not for secrets).
pub trait Random {
    fn next_u64(&self) -> u64;
}

/// A clock stopped at a given instant.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub u64);

impl Clock for FixedClock {
    fn now_ms(&self) -> u64 {
        self.0
    }
}

/// A counter posing as randomness: deterministic, and never repeats within a test.
#[derive(Debug, Default)]
pub struct SequenceRandom(std::cell::Cell<u64>);

impl Random for SequenceRandom {
    fn next_u64(&self) -> u64 {
        let next = self.0.get() + 1;
        self.0.set(next);
        next
    }
}
