//! The OAuth 2.1 authorization server: authorization requests, token requests (client
//! credentials, PKCE, token shapes), dynamic registration and metadata documents, and the
//! sign-in and consent pages that show the client's text.

use super::markup::{defused, markup_counts};
use super::{hash, parts, text};
use crate::form::{encode_component, Form};
use crate::http::basic_auth;
use crate::oauth::authorize::{self, check_resource};
use crate::oauth::client::{self, presented_credentials, Registration};
use crate::oauth::tokens::{self, Kind};
use crate::oauth::{mcp_resource, pages, pkce, redirect};
use crate::principal::Scope;

pub const DICT: &[&str] = &[
    "response_type=code",
    "&client_id=",
    "&redirect_uri=https%3A%2F%2Fclient.example%2Fcb",
    "&redirect_uri=http%3A%2F%2F127.0.0.1%3A8123%2Fcb",
    "&scope=frontdesk%3Aread+frontdesk%3Awrite",
    "&state=",
    "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    "&code_challenge_method=S256",
    "&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
    "&resource=https%3A%2F%2Ffrontdesk.example%2Fmcp",
    "&grant_type=authorization_code",
    "&grant_type=refresh_token",
    "Basic ",
    "\"redirect_uris\":[",
    "\"token_endpoint_auth_method\":",
    "\"client_id\":\"https://client.example/meta.json\"",
    "https://",
    "http://[::1]",
    "http://localhost:",
    "#",
    "@",
];

const BASE: &str = "https://frontdesk.example";

/// `[registered redirect URIs, one a line; the request's query]`. The redirect URI used is one
/// the client registered (any port on a loopback one); every answer sent to it — the code or
/// the error — is that URI with `code`/`error`, the client's exact `state` and `iss` added, and
/// nothing else.
pub fn oauth_authorize(data: &[u8]) {
    let [registered, query] = parts::<2>(data);
    let registered: Vec<String> =
        text(registered).lines().filter(|u| redirect::validate(u).is_ok()).map(str::to_owned).collect();
    let Ok(form) = Form::parse(query) else { return };
    let Some(uri) = redirect::choose(&registered, form.non_empty("redirect_uri")) else { return };
    assert!(redirect::validate(&uri).is_ok() && registered.iter().any(|r| redirect::matches(r, &uri)), "{uri}");
    let state = form.get("state").filter(|s| !s.is_empty());
    let (url, first) = match authorize::validate(&form, "client", &uri, &mcp_resource(BASE)) {
        Ok(request) => {
            assert!(pkce::is_valid_challenge(&request.code_challenge));
            assert!(!request.scopes.is_empty());
            assert_eq!(request.resource, mcp_resource(BASE));
            assert_eq!(request.state.as_deref(), state);
            (authorize::code_redirect(&uri, "fdoc_x", request.state.as_deref(), BASE), ("code", "fdoc_x".to_owned()))
        }
        Err(e) => (authorize::error_redirect(&uri, &e, state, BASE), ("error", e.error.to_owned())),
    };
    let added = url.strip_prefix(uri.as_str()).expect("the answer goes to the redirect URI");
    let added = added.strip_prefix(if uri.contains('?') { '&' } else { '?' }).expect("a query separator");
    let answer = Form::parse(added.as_bytes()).expect("a form-encoded query");
    assert_eq!(answer.get(first.0), Some(first.1.as_str()));
    assert_eq!(answer.get("state"), state, "state goes back exactly as sent");
    assert_eq!(answer.get("iss"), Some(BASE));
    assert_eq!(answer.pairs().len(), 3 + usize::from(first.0 == "error") - usize::from(state.is_none()));
}

/// `[Authorization header, token request body]`. Client credentials come from the header or
/// the body, and a Basic header built as RFC 6749 §2.3.1 says reads back to the exact id and
/// secret; PKCE accepts a verifier only for its own challenge; the resource is the MCP URL or
/// refused; secrets have their shapes and hashes.
pub fn oauth_token(data: &[u8]) {
    let [header, body] = parts::<2>(data);
    let header = text(header);
    let Ok(form) = Form::parse(body) else { return };
    let _ = presented_credentials(Some(&header), form.non_empty("client_id"), form.non_empty("client_secret"));
    if let (Some(id), Some(secret)) = (form.get("client_id"), form.get("client_secret")) {
        let basic = basic_auth(&encode_component(id), &encode_component(secret));
        assert_eq!(
            presented_credentials(Some(&basic), None, None),
            (Some(id.to_owned()), Some(secret.to_owned())),
            "Basic {id:?}:{secret:?}"
        );
    }

    let verifier = form.get("code_verifier").unwrap_or_default();
    let challenge = form.get("code_challenge").unwrap_or_default();
    let own = pkce::s256_challenge(verifier);
    assert!(pkce::is_valid_challenge(&own));
    assert_eq!(pkce::verify(verifier, &own), pkce::is_valid_verifier(verifier));
    if pkce::verify(verifier, challenge) {
        assert_eq!(challenge, own, "a verifier answered someone else's challenge");
    }

    if let Ok(resource) = check_resource(form.non_empty("resource"), &mcp_resource(BASE)) {
        assert_eq!(resource, mcp_resource(BASE));
    }
    let seed = hash(body).to_le_bytes();
    let random: [u8; 32] = std::array::from_fn(|i| seed[i % 8] ^ i as u8);
    for kind in [Kind::Code, Kind::Refresh, Kind::Access] {
        assert!(tokens::is_shaped(kind, &tokens::new_secret(kind, random)));
        for name in ["code", "refresh_token", "token"] {
            let presented = form.get(name).unwrap_or_default();
            let _ = tokens::is_shaped(kind, presented);
            assert!(tokens::hash_matches(&tokens::hash(presented), presented));
        }
    }
}

/// A registration (RFC 7591) or a client metadata document, as JSON: what is accepted has
/// one to ten redirect URIs we allow, a clean name, and registers as what was asked.
pub fn oauth_register(data: &[u8]) {
    if let Ok(registration) = serde_json::from_slice::<Registration>(data) {
        if let Ok((uris, name, method)) = client::validate(&registration) {
            assert!((1..=10).contains(&uris.len()) && uris.iter().all(|u| redirect::validate(u).is_ok()));
            assert!(name.as_ref().is_none_or(|n| n.chars().count() <= 100 && !n.chars().any(char::is_control)));
            let info = client::ClientInfo {
                client_id: "cli_x".into(),
                client_name: name,
                redirect_uris: uris.clone(),
                auth_method: method,
            };
            let response = client::registration_response(&info, Some("fdos_x"), 1);
            assert_eq!(response["redirect_uris"], serde_json::json!(uris));
            assert_eq!(response["token_endpoint_auth_method"], method.as_str());
        }
        if let Some(url) = registration.client_id.as_deref() {
            let _ = client::is_metadata_document_url(url);
            if let Ok(info) = client::from_metadata_document(url, data) {
                assert_eq!(info.client_id, url);
                assert_eq!(info.auth_method, client::AuthMethod::None, "a document describes only public clients");
            }
        }
    }
    // A document fetched from one URL never describes a client at another.
    let url = "https://client.example/meta.json";
    if let Ok(info) = client::from_metadata_document(url, data) {
        assert_eq!(info.client_id, url);
    }
}

/// `[client name, state, business, email, error, redirect URI, who]`: the sign-in, consent
/// and error pages show the client's and user's text without markup — a page made from
/// hostile text has exactly the markup of one made from the same text defused.
pub fn oauth_pages(data: &[u8]) {
    let values = parts::<7>(data).map(text);
    let render = |v: &[String; 7]| {
        let carried = [("client_id", v[0].as_str()), ("state", v[1].as_str()), ("redirect_uri", v[5].as_str())];
        [
            pages::login("/oauth/authorize", &v[0], &carried, &v[2], &v[3], Some(&v[4])),
            pages::consent("/oauth/authorize", &v[1], &v[0], &v[5], &v[6], &[Scope::Read, Scope::Write]),
            pages::error(&v[4]),
        ]
    };
    let hostile = render(&values);
    let defused = render(&values.clone().map(|v| defused(&v)));
    for (page, reference) in hostile.iter().zip(&defused) {
        assert_eq!(markup_counts(page), markup_counts(reference), "markup from input in {page}");
    }
}
