//! The idempotency ledger's rules (`webhook_events`, docs/STORAGE.md).
//!
//! Providers redeliver: Twilio retries on timeouts, Meta for days. The first delivery claims
//! the event id atomically; duplicates that arrive while it is processing are acknowledged
//! without a reply, and ones that arrive after it finished get the stored answer. A claim
//! whose holder died (the isolate was evicted mid-request) is taken over once it is stale.

/// Twilio gives a webhook 15 s at most (PROTOCOLS.md §1.3); a claim twice that old cannot
/// belong to a request that is still running.
pub const CLAIM_STALE_AFTER_MS: u64 = 30_000;

/// What the ledger says about an event when a delivery arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This delivery owns the event: do the work.
    Owned,
    /// Another delivery is doing the work right now: acknowledge, do nothing.
    InFlight,
    /// The work was done: answer what the first delivery answered.
    Done { response: String },
}

impl Claim {
    /// Interprets the ledger row read back after an attempted claim. The holder's own token
    /// wins even once it marked the event done (claim and completion share one transaction).
    pub fn from_row(my_claim: &str, row_claim: &str, status: &str, response: Option<String>) -> Self {
        match (status, response) {
            _ if row_claim == my_claim => Claim::Owned,
            ("done", Some(response)) => Claim::Done { response },
            _ => Claim::InFlight,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_claim_holder_owns_and_others_wait_or_replay() {
        assert_eq!(Claim::from_row("a", "a", "processing", None), Claim::Owned);
        assert_eq!(Claim::from_row("a", "a", "done", Some("<x/>".into())), Claim::Owned);
        assert_eq!(Claim::from_row("b", "a", "processing", None), Claim::InFlight);
        assert_eq!(Claim::from_row("b", "a", "done", Some("<x/>".into())), Claim::Done { response: "<x/>".into() });
    }
}
