//! The `Origin` check the transport requires against DNS rebinding: a browser page may call
//! `/mcp` only from our own origin or a local tool's (`localhost`, `127.0.0.1`, `[::1]`, any
//! port). No `Origin` (a server-side client) is allowed; a malformed one is not.

/// Whether a request with this `Origin` header may be served; `public_base` is our origin.
pub fn allowed(origin: Option<&str>, public_base: &str) -> bool {
    let Some(origin) = origin.map(str::trim) else { return true };
    if origin.eq_ignore_ascii_case(public_base.trim_end_matches('/')) {
        return true;
    }
    let Some(rest) = origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://")) else {
        return false;
    };
    let host = match rest.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((host, port)) if port.is_empty() || is_port(port) => return host == "::1",
            _ => return false,
        },
        None => rest,
    };
    let (host, port) = host.split_once(':').map_or((host, None), |(h, p)| (h, Some(p)));
    port.is_none_or(|p| is_port(&format!(":{p}"))) && (host.eq_ignore_ascii_case("localhost") || host == "127.0.0.1")
}

fn is_port(raw: &str) -> bool {
    raw.strip_prefix(':').is_some_and(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::allowed;

    const US: &str = "https://frontdesk.example.com";

    #[test]
    fn our_origin_local_tools_and_server_clients_are_allowed() {
        assert!(allowed(None, US));
        assert!(allowed(Some("https://frontdesk.example.com"), US));
        assert!(allowed(Some("http://localhost:6274"), US));
        assert!(allowed(Some("http://127.0.0.1"), US));
        assert!(allowed(Some("http://[::1]:8080"), US));
    }

    #[test]
    fn another_site_or_a_lookalike_is_refused() {
        assert!(!allowed(Some("https://evil.example"), US));
        assert!(!allowed(Some("https://frontdesk.example.com.evil.example"), US));
        assert!(!allowed(Some("http://localhost.evil.example"), US));
        assert!(!allowed(Some("http://127.0.0.1:80@evil.example"), US));
        assert!(!allowed(Some("null"), US));
        assert!(!allowed(Some("http://[::2]:80"), US));
    }
}
