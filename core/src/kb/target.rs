//! Which URLs the Worker may fetch for a tenant: http(s) only, no credentials, and no host that
//! names the platform's own or a private network (loopback, RFC 1918, link-local — where cloud
//! metadata services live —, CGNAT, unique-local IPv6, `localhost`, `*.internal`). The URL is
//! checked after WHATWG parsing (the Worker's `Url`), so `http://0x7f.1/` arrives here as
//! `127.0.0.1`. A public name that resolves to a private address is not caught here: Workers'
//! `fetch` reaches only the public internet.

use std::net::{Ipv4Addr, Ipv6Addr};

/// The parts of a parsed URL the check needs.
pub struct Target<'a> {
    pub scheme: &'a str,
    pub has_credentials: bool,
    /// As the URL parser prints it (IPv6 in brackets).
    pub host: &'a str,
}

/// `Ok` when the target may be fetched; `allow_loopback` only for the test environment, whose
/// fake sites listen on 127.0.0.1.
pub fn check(target: &Target<'_>, allow_loopback: bool) -> Result<(), String> {
    if !matches!(target.scheme, "http" | "https") {
        return Err(format!("`url` must be http or https, not {}", target.scheme));
    }
    if target.has_credentials {
        return Err("`url` must not carry a user name or password".into());
    }
    let host = target.host.trim_end_matches('.').to_ascii_lowercase();
    if host.is_empty() {
        return Err("`url` has no host".into());
    }
    let loopback = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => match v6.parse::<Ipv6Addr>() {
            Ok(ip) => classify_v6(ip)?,
            Err(_) => return Err("`url` has a malformed IPv6 host".into()),
        },
        None => match host.parse::<Ipv4Addr>() {
            Ok(ip) => classify_v4(ip)?,
            Err(_) if host == "localhost" || host.ends_with(".localhost") => true,
            Err(_) if host.ends_with(".internal") || host.ends_with(".local") || !host.contains('.') => {
                return Err(refused(&host));
            }
            Err(_) => false,
        },
    };
    if loopback && !allow_loopback {
        return Err(refused(&host));
    }
    Ok(())
}

fn refused(host: &str) -> String {
    format!("`url` points at a private or local address ({host}): only public sites can be fetched")
}

/// `Ok(true)` for loopback, `Ok(false)` for a public address, `Err` for any other private range.
fn classify_v4(ip: Ipv4Addr) -> Result<bool, String> {
    if ip.is_loopback() {
        return Ok(true);
    }
    let [a, b, ..] = ip.octets();
    let private = ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || a == 0
        || a >= 240
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && ip.octets()[2] == 0)
        || (a == 198 && (18..20).contains(&b));
    if private {
        Err(refused(&ip.to_string()))
    } else {
        Ok(false)
    }
}

fn classify_v6(ip: Ipv6Addr) -> Result<bool, String> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return classify_v4(v4);
    }
    if ip.is_loopback() {
        return Ok(true);
    }
    let first = ip.segments()[0];
    let private = ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        // NAT64 and 6to4 embed an IPv4 address that could be private.
        || first == 0x0064
        || first == 0x2002;
    if private {
        Err(refused(&ip.to_string()))
    } else {
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn try_host(scheme: &str, host: &str, allow_loopback: bool) -> Result<(), String> {
        check(&Target { scheme, has_credentials: false, host }, allow_loopback)
    }

    #[test]
    fn public_http_and_https_hosts_pass() {
        for host in ["example.com", "www.maple-pine.co.uk.", "93.184.216.34", "[2606:2800:220:1::]"] {
            assert_eq!(try_host("https", host, false), Ok(()), "{host}");
        }
        assert_eq!(try_host("http", "example.com", false), Ok(()));
    }

    #[test]
    fn private_local_and_metadata_targets_are_refused() {
        for host in [
            "127.0.0.1",
            "localhost",
            "api.localhost",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "[::1]",
            "[::]",
            "[fd00::1]",
            "[fe80::1]",
            "[::ffff:10.0.0.1]",
            "[::ffff:127.0.0.1]",
            "metadata.google.internal",
            "printer.local",
            "intranet",
        ] {
            let err = try_host("http", host, false).unwrap_err();
            assert!(err.contains("private or local"), "{host}: {err}");
        }
    }

    #[test]
    fn loopback_only_when_allowed_and_never_other_private_ranges() {
        assert_eq!(try_host("http", "127.0.0.1", true), Ok(()));
        assert_eq!(try_host("http", "localhost", true), Ok(()));
        assert!(try_host("http", "10.0.0.1", true).is_err());
        assert!(try_host("http", "169.254.169.254", true).is_err());
    }

    #[test]
    fn other_schemes_and_credentials_are_refused() {
        for scheme in ["file", "ftp", "javascript", "data"] {
            assert!(try_host(scheme, "example.com", true).unwrap_err().contains("http or https"));
        }
        let with_user = Target { scheme: "https", has_credentials: true, host: "example.com" };
        assert!(check(&with_user, true).unwrap_err().contains("user name"));
    }
}
