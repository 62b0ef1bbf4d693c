//! When an account stops accepting passwords: after [`MAX_FAILED_ATTEMPTS`] wrong ones in a
//! row, for [`LOCKOUT_MS`]. While locked, a login is refused before the password is checked,
//! so guessing on gains nothing (not even whether a guess was right).

pub const MAX_FAILED_ATTEMPTS: u32 = 5;
pub const LOCKOUT_MS: u64 = 30 * 60 * 1000;

/// `users.failed_attempts` and `users.locked_until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LoginState {
    pub failed_attempts: u32,
    pub locked_until: Option<u64>,
}

impl LoginState {
    pub fn is_locked(&self, now_ms: u64) -> bool {
        self.locked_until.is_some_and(|until| now_ms < until)
    }

    /// The state after a wrong password (or code). The failure that reaches the limit locks
    /// the account and starts the count again, so the next lock needs five more failures.
    pub fn after_failure(self, now_ms: u64) -> LoginState {
        // A lock that has run out no longer counts.
        let failed = if self.locked_until.is_some_and(|until| now_ms >= until) { 0 } else { self.failed_attempts };
        let failed = failed.saturating_add(1);
        if failed >= MAX_FAILED_ATTEMPTS {
            LoginState { failed_attempts: 0, locked_until: Some(now_ms + LOCKOUT_MS) }
        } else {
            LoginState { failed_attempts: failed, locked_until: None }
        }
    }

    pub fn after_success() -> LoginState {
        LoginState::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_for_thirty_minutes() {
        let mut state = LoginState::default();
        for attempt in 1..MAX_FAILED_ATTEMPTS {
            state = state.after_failure(1_000);
            assert_eq!(state.failed_attempts, attempt);
            assert!(!state.is_locked(1_000));
        }
        state = state.after_failure(1_000);
        assert!(state.is_locked(1_000));
        assert!(state.is_locked(1_000 + LOCKOUT_MS - 1));
        assert!(!state.is_locked(1_000 + LOCKOUT_MS));
    }

    #[test]
    fn after_the_lock_runs_out_one_failure_does_not_relock() {
        let locked = LoginState { failed_attempts: 0, locked_until: Some(10) };
        let state = locked.after_failure(10);
        assert_eq!(state, LoginState { failed_attempts: 1, locked_until: None });
    }

    #[test]
    fn a_success_clears_the_count() {
        assert_eq!(LoginState::after_success(), LoginState { failed_attempts: 0, locked_until: None });
    }
}
