//! Time-ordered text ids: `<prefix>_<13 hex digits of ms><10 hex digits of randomness>`.
//!
//! 13 hex digits of milliseconds last until the year 10889; 40 random bits make two ids in the
//! same millisecond collide with probability 2^-40. Because the time comes first and is fixed
//! width, `ORDER BY id` is creation order, which cursor pagination relies on.

pub const CONTACT: &str = "con";
pub const CONVERSATION: &str = "cnv";
pub const MESSAGE: &str = "msg";
pub const AUDIT: &str = "aud";
pub const CLAIM: &str = "clm";
pub const ESCALATION: &str = "esc";
pub const OUTBOX: &str = "out";
pub const VISITOR: &str = "vis";
pub const LEAD_CHANGE: &str = "lch";
pub const UNPARSED: &str = "unp";
pub const KNOWLEDGE_BASE: &str = "kbs";
pub const KB_DOCUMENT: &str = "kbd";
pub const KB_CHUNK: &str = "kbc";
pub const KB_JOB: &str = "kbj";
pub const UNANSWERED: &str = "una";
pub const LISTING: &str = "lst";
pub const BOOKING: &str = "bkg";
pub const TICKET: &str = "tkt";
pub const SAVED_SEARCH: &str = "svs";
pub const CALL: &str = "cal";
pub const USER: &str = "usr";
pub const OAUTH_GRANT: &str = "grt";
pub const OAUTH_CLIENT: &str = "cli";
pub const APPROVAL: &str = "apr";
pub const API_KEY: &str = "key";
pub const TENANT: &str = "ten";
pub const CHANNEL: &str = "chn";

const TIME_DIGITS: usize = 13;
const RANDOM_DIGITS: usize = 10;
const RANDOM_MASK: u64 = (1 << (RANDOM_DIGITS * 4)) - 1;

pub fn make(prefix: &str, now_ms: u64, random: u64) -> String {
    format!("{prefix}_{now_ms:013x}{:010x}", random & RANDOM_MASK)
}

/// True when `id` has the shape [`make`] produces for one of the known prefixes.
pub fn is_well_formed(id: &str) -> bool {
    let Some((prefix, rest)) = id.split_once('_') else {
        return false;
    };
    [
        CONTACT,
        CONVERSATION,
        MESSAGE,
        AUDIT,
        CLAIM,
        ESCALATION,
        OUTBOX,
        UNPARSED,
        KNOWLEDGE_BASE,
        KB_DOCUMENT,
        KB_CHUNK,
        KB_JOB,
        UNANSWERED,
        LISTING,
        BOOKING,
        TICKET,
        SAVED_SEARCH,
        APPROVAL,
    ]
    .contains(&prefix)
        && rest.len() == TIME_DIGITS + RANDOM_DIGITS
        && rest.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_by_time_then_randomness() {
        let a = make(MESSAGE, 1_767_225_600_000, u64::MAX);
        let b = make(MESSAGE, 1_767_225_600_001, 0);
        assert!(a < b);
        assert_eq!(a.len(), 4 + 23);
        assert!(is_well_formed(&a) && is_well_formed(&b));
    }

    #[test]
    fn rejects_foreign_shapes() {
        for bad in [
            "",
            "msg_",
            "msg_xyz",
            "usr_019b78d4c4000ffffffffff",
            "msg_019B78D4C4000FFFFFFFFFF",
            "msg_019b78d4c4000ffffffffff0",
        ] {
            assert!(!is_well_formed(bad), "{bad}");
        }
    }
}
