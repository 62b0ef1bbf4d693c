//! Protocol versions and eras. A request with `_meta["io.modelcontextprotocol/protocolVersion"]`
//! is modern (2026-07-28: stateless, checked per request); anything else is legacy, whose
//! version the client chose at `initialize` and repeats in the `MCP-Protocol-Version` header
//! (absent: 2025-03-26, as the transport specifies).

pub const MODERN: [&str; 1] = ["2026-07-28"];
pub const LEGACY: [&str; 3] = ["2025-11-25", "2025-06-18", "2025-03-26"];
/// What a legacy request without the header speaks (2025-06-18 transport rules).
pub const LEGACY_DEFAULT: &str = "2025-03-26";
pub const META_PROTOCOL_VERSION: &str = "io.modelcontextprotocol/protocolVersion";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Era {
    Legacy(&'static str),
    Modern(&'static str),
}

impl Era {
    pub fn version(self) -> &'static str {
        match self {
            Era::Legacy(v) | Era::Modern(v) => v,
        }
    }

    pub fn is_modern(self) -> bool {
        matches!(self, Era::Modern(_))
    }
}

/// Every version served, newest first: what `server/discover` and version errors list.
pub fn supported() -> Vec<&'static str> {
    MODERN.iter().chain(LEGACY.iter()).copied().collect()
}

pub fn modern(version: &str) -> Option<&'static str> {
    MODERN.iter().copied().find(|v| *v == version)
}

pub fn legacy(version: &str) -> Option<&'static str> {
    LEGACY.iter().copied().find(|v| *v == version)
}

/// The version `initialize` answers: the client's if we speak it, else our newest legacy one
/// (the client then decides whether to go on).
pub fn negotiate_initialize(requested: Option<&str>) -> &'static str {
    requested.and_then(legacy).unwrap_or(LEGACY[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initialize_echoes_a_served_version_and_otherwise_offers_the_newest_legacy_one() {
        assert_eq!(negotiate_initialize(Some("2025-06-18")), "2025-06-18");
        assert_eq!(negotiate_initialize(Some("2024-11-05")), "2025-11-25");
        assert_eq!(negotiate_initialize(Some("2026-07-28")), "2025-11-25");
        assert_eq!(negotiate_initialize(None), "2025-11-25");
    }

    #[test]
    fn the_supported_list_is_newest_first() {
        assert_eq!(supported(), ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"]);
    }
}
