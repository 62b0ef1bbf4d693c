//! `X-Twilio-Signature`: Base64(HMAC-SHA1(auth token, URL + sorted params)), as computed by
//! twilio-python's `RequestValidator` and twilio-node's `validateRequest` (PROTOCOLS.md §1.1).
//!
//! Twilio's backend is inconsistent about default ports, so a request is valid when the
//! signature matches the URL with its port removed or with the scheme's default port added —
//! exactly the two variants the official libraries accept.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

type HmacSha1 = Hmac<Sha1>;

/// The signature Twilio sends for a form-encoded POST to `url` with `params`.
///
/// Keys are sorted; a repeated key contributes each of its distinct values, sorted, as
/// `key + value` (twilio-python: `sorted(set(values))`).
pub fn expected_signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut mac = HmacSha1::new_from_slice(auth_token.as_bytes()).expect("HMAC takes any key length");
    mac.update(url.as_bytes());
    let mut sorted: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    sorted.sort_unstable();
    sorted.dedup();
    for (key, value) in sorted {
        mac.update(key.as_bytes());
        mac.update(value.as_bytes());
    }
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Verifies a form-encoded webhook. `url` is the canonical public URL of the route including
/// any query string; `signature` is the `X-Twilio-Signature` header.
pub fn verify_form(auth_token: &str, url: &str, params: &[(String, String)], signature: &str) -> bool {
    url_variants(url)
        .iter()
        .any(|candidate| constant_time_eq(&expected_signature(auth_token, candidate, params), signature))
}

/// Verifies a JSON-bodied webhook: Twilio puts `bodySHA256=<hex sha256(body)>` in the query
/// string and signs the URL with no params (PROTOCOLS.md §1.1 step 6).
pub fn verify_json_body(auth_token: &str, url: &str, body: &[u8], signature: &str) -> bool {
    let Some(claimed) = query_param(url, "bodySHA256") else {
        return false;
    };
    let actual = hex(&Sha256::digest(body));
    constant_time_eq(&actual, claimed) && verify_form(auth_token, url, &[], signature)
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn query_param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    query.split('&').filter_map(|pair| pair.split_once('=')).find(|(key, _)| *key == name).map(|(_, value)| value)
}

/// The URL without its port and with the scheme's default port (twilio-python's
/// `remove_port` / `add_port`). A URL that cannot be split is tried as given.
fn url_variants(url: &str) -> Vec<String> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return vec![url.to_owned()];
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((user, host)) => (format!("{user}@"), host),
        None => (String::new(), authority),
    };
    let (host, port) = split_port(hostport);
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "https" | "wss" => "443",
        "http" | "ws" => "80",
        _ => return vec![url.to_owned()],
    };
    let without_port = format!("{scheme}://{userinfo}{host}{path}");
    let with_port = match port {
        Some(_) => url.to_owned(),
        None => format!("{scheme}://{userinfo}{host}:{default_port}{path}"),
    };
    vec![without_port, with_port]
}

fn split_port(hostport: &str) -> (&str, Option<&str>) {
    // An IPv6 literal keeps its colons inside brackets.
    let search_from = hostport.rfind(']').unwrap_or(0);
    match hostport[search_from..].rfind(':') {
        Some(i) => {
            let i = search_from + i;
            let port = &hostport[i + 1..];
            if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) {
                (&hostport[..i], Some(port))
            } else {
                (hostport, None)
            }
        }
        None => (hostport, None),
    }
}

#[cfg(test)]
mod tests {
    //! Every official vector from PROTOCOLS.md §1.2 (twilio-python and twilio-node test suites).
    use super::*;

    const TOKEN: &str = "12345";
    const BASE: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";

    fn params() -> Vec<(String, String)> {
        [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+14158675309"),
            ("Digits", "1234"),
            ("From", "+14158675309"),
            ("To", "+18005551212"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn computes_the_reference_signature() {
        assert_eq!(expected_signature(TOKEN, BASE, &params()), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
        assert!(verify_form(TOKEN, BASE, &params(), "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    }

    #[test]
    fn accepts_port_variants_like_the_official_libraries() {
        let cases = [
            ("https://mycompany.com:443/myapp.php?foo=1&bar=2", "kvajT1Ptam85bY51eRf/AJRuM3w="),
            ("http://mycompany.com:80/myapp.php?foo=1&bar=2", "0ZXoZLH/DfblKGATFgpif+LLRf4="),
            ("http://mycompany.com:1234/myapp.php?foo=1&bar=2", "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="),
            ("https://mycompany.com:1234/myapp.php?foo=1&bar=2", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        ];
        for (url, signature) in cases {
            assert!(verify_form(TOKEN, url, &params(), signature), "{url}");
        }
        // A signature made with the port validates against the URL without it, and vice versa.
        assert!(verify_form(TOKEN, BASE, &params(), "kvajT1Ptam85bY51eRf/AJRuM3w="));
        assert!(verify_form(
            TOKEN,
            "https://mycompany.com:443/myapp.php?foo=1&bar=2",
            &params(),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        ));
    }

    #[test]
    fn sorts_and_deduplicates_repeated_keys() {
        let repeated = pairs(&[
            ("Sid", "CA123"),
            ("SidAccount", "AC123"),
            ("Digits", "5678"),
            ("Digits", "1234"),
            ("Digits", "1234"),
        ]);
        assert!(verify_form(TOKEN, BASE, &repeated, "IK+Dwps556ElfBT0I3Rgjkr1wJU="));
        for order in [["+1325xxxxxxx", "+1415xxxxxxx"], ["+1415xxxxxxx", "+1325xxxxxxx"]] {
            let array = pairs(&[("MessagingBinding.Address", order[0]), ("MessagingBinding.Address", order[1])]);
            assert!(verify_form(TOKEN, BASE, &array, "83O6e2vORAoJHUNzJjDWN1jz+BA="));
        }
    }

    #[test]
    fn keeps_credentials_in_the_url() {
        let cases = [
            ("https://user:pass@mycompany.com/myapp.php?foo=1&bar=2", "CukzLTc1tT5dXEDIHm/tKBanW10="),
            ("https://user:pass@mycompany.com:443/myapp.php?foo=1&bar=2", "ZQFR1PTIZXF2MXB8ZnKCvnnA+rI="),
            ("https://user@mycompany.com/myapp.php?foo=1&bar=2", "2YRLlVAflCqxaNicjMpJcSTgzSs="),
        ];
        for (url, signature) in cases {
            assert!(verify_form(TOKEN, url, &params(), signature), "{url}");
        }
    }

    #[test]
    fn signs_the_whatwg_encoded_query() {
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2&Body=It%27s+amazing";
        assert!(verify_form(TOKEN, url, &params(), "TfZzewPq8wqrGlMfyAud8+/IvJ0="));
        // The raw apostrophe is a different string, so a different signature.
        assert!(!verify_form(TOKEN, url, &params(), "dsq4Ehbj6cs+KdTkpF5sSSplOWw="));
    }

    #[test]
    fn verifies_json_bodies_by_hash_and_url() {
        let body = br#"{"property": "value", "boolean": true}"#;
        let hash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
        let long = format!("{BASE}&bodySHA256={hash}");
        assert!(verify_json_body(TOKEN, &long, body, "a9nBmqA0ju/hNViExpshrM61xv4="));
        let short = format!("https://mycompany.com/myapp.php?bodySHA256={hash}");
        assert!(verify_json_body(TOKEN, &short, body, "y77kIzt2vzLz71DgmJGsen2scGs="));
        // `{}` validates only through the default-port variant.
        let empty = format!("{BASE}&bodySHA256=44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
        assert!(verify_json_body(TOKEN, &empty, b"{}", "Ldidvp12m26NI7eqEvxnEpkd9Hc="));
        // A body that does not match its claimed hash fails even with a valid URL signature.
        assert!(!verify_json_body(TOKEN, &long, b"{}", "a9nBmqA0ju/hNViExpshrM61xv4="));
        assert!(!verify_json_body(TOKEN, BASE, body, "a9nBmqA0ju/hNViExpshrM61xv4="));
    }

    #[test]
    fn rejects_wrong_token_tampered_params_and_garbage() {
        let good = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
        assert!(!verify_form("54321", BASE, &params(), good));
        let mut tampered = params();
        tampered[2].1 = "9999".into();
        assert!(!verify_form(TOKEN, BASE, &tampered, good));
        let mut extra = params();
        extra.push(("Body".into(), "injected".into()));
        assert!(!verify_form(TOKEN, BASE, &extra, good));
        assert!(!verify_form(TOKEN, "https://mycompany.com/other.php?foo=1&bar=2", &params(), good));
        assert!(!verify_form(TOKEN, BASE, &params(), ""));
        assert!(!verify_form(TOKEN, BASE, &params(), "RSOYDt4T1cUTdK1PDd93/VVr8B8"));
    }
}
