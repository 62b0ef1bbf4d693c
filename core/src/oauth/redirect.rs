//! Which redirect URIs a client may register and which presented URI matches a registered one:
//! `https` anywhere, `http` only to the loopback interface (native apps, RFC 8252), never a
//! fragment; matching is exact, except that a loopback URI may use any port (RFC 8252 §7.3:
//! the app picks a free port when it starts).

/// The parts of an absolute URL the checks need.
struct Parts<'a> {
    scheme: &'a str,
    host: &'a str,
    /// Path and query, as written.
    rest: &'a str,
}

fn split(uri: &str) -> Option<Parts<'_>> {
    let (scheme, after) = uri.split_once("://")?;
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let (authority, rest) = after.split_at(end);
    if authority.contains('@') {
        return None;
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (host, tail) = v6.split_once(']')?;
            (host, tail.strip_prefix(':'))
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    Some(Parts { scheme, host, rest })
}

fn is_loopback(host: &str) -> bool {
    matches!(host.to_ascii_lowercase().as_str(), "127.0.0.1" | "::1" | "localhost")
}

/// `Ok` when `uri` may be registered as a redirect URI; the error says why not.
pub fn validate(uri: &str) -> Result<(), String> {
    if uri.is_empty() || uri.len() > 2048 || uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("a redirect URI must be a URL without spaces".into());
    }
    if uri.contains('#') {
        return Err(format!("redirect URI {uri} must not have a fragment"));
    }
    let parts = split(uri).ok_or_else(|| format!("redirect URI {uri} is not an absolute URL"))?;
    if parts.host.is_empty() {
        return Err(format!("redirect URI {uri} has no host"));
    }
    match parts.scheme {
        "https" => Ok(()),
        "http" if is_loopback(parts.host) => Ok(()),
        _ => Err(format!("redirect URI {uri} must be https, or http to 127.0.0.1, [::1] or localhost")),
    }
}

/// Whether `presented` is `registered`, allowing any port on a loopback `http` URI.
pub fn matches(registered: &str, presented: &str) -> bool {
    if registered == presented {
        return true;
    }
    match (split(registered), split(presented)) {
        (Some(r), Some(p)) => {
            r.scheme == "http"
                && p.scheme == "http"
                && is_loopback(r.host)
                && r.host.eq_ignore_ascii_case(p.host)
                && r.rest == p.rest
                && validate(presented).is_ok()
        }
        _ => false,
    }
}

/// The registered URI `asked` matches, or the only one registered when none is asked for.
pub fn choose(registered: &[String], asked: Option<&str>) -> Option<String> {
    match asked {
        Some(asked) => registered.iter().any(|r| matches(r, asked)).then(|| asked.to_owned()),
        None if registered.len() == 1 => Some(registered[0].clone()),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_and_loopback_http_are_accepted() {
        for ok in [
            "https://claude.ai/api/mcp/auth_callback",
            "http://127.0.0.1:8976/callback",
            "http://localhost:3000/callback",
            "http://[::1]:1234/cb?x=1",
        ] {
            assert_eq!(validate(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn other_schemes_hosts_and_fragments_are_refused() {
        for bad in [
            "",
            "http://evil.example/callback",
            "javascript:alert(1)",
            "https://claude.ai/cb#frag",
            "https:///nohost",
            "https://user:pw@claude.ai/cb",
            "https://claude.ai/cb with space",
            "/relative",
            "http://127.0.0.1:port/cb",
        ] {
            assert!(validate(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn matching_is_exact_except_for_loopback_ports() {
        let registered = vec!["http://127.0.0.1:8976/callback".to_owned(), "https://app.example/cb".to_owned()];
        assert_eq!(
            choose(&registered, Some("http://127.0.0.1:50123/callback")).as_deref(),
            Some("http://127.0.0.1:50123/callback")
        );
        assert_eq!(choose(&registered, Some("http://127.0.0.1:8976/other")), None);
        assert_eq!(choose(&registered, Some("http://localhost:8976/callback")), None, "another host");
        assert_eq!(choose(&registered, Some("https://app.example/cb")).as_deref(), Some("https://app.example/cb"));
        assert_eq!(choose(&registered, Some("https://app.example:444/cb")), None, "https ports are exact");
        assert_eq!(choose(&registered, Some("https://app.example/cb/")), None);
        assert_eq!(choose(&registered, None), None, "two registered: the client must say which");
        assert_eq!(choose(&registered[1..], None).as_deref(), Some("https://app.example/cb"));
    }
}
