//! The authorization request (`GET /oauth/authorize`, carried through the login form) and the
//! redirect that answers it. Errors about the client or its redirect URI are shown to the user
//! (redirecting would hand the error to a URI we cannot trust); every later error is sent back
//! to the client's redirect URI with `state` and `iss` (RFC 6749 §4.1.2.1, RFC 9207).

use super::error::OAuthError;
use super::pkce;
use crate::form::{encode, Form};
use crate::principal::Scope;
use crate::users::Role;

/// The parameters an authorization request carries; the login form passes them on as hidden
/// fields, nothing else.
pub const PARAMS: [&str; 8] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "resource",
];

/// A request that may proceed to the login page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub scopes: Vec<Scope>,
    pub code_challenge: String,
    /// RFC 8707: always the MCP URL (a request naming another is refused).
    pub resource: String,
}

/// Everything after the client and its redirect URI are known good (`redirect_uri` is the
/// one [`super::redirect::choose`] picked). `mcp_resource` is the only resource served.
pub fn validate(
    form: &Form,
    client_id: &str,
    redirect_uri: &str,
    mcp_resource: &str,
) -> Result<AuthorizationRequest, OAuthError> {
    if form.get("response_type") != Some("code") {
        return Err(OAuthError::unsupported_response_type());
    }
    let challenge = form.non_empty("code_challenge").ok_or_else(|| {
        OAuthError::invalid_request("PKCE is required: send code_challenge with code_challenge_method=S256")
    })?;
    if form.get("code_challenge_method") != Some("S256") {
        return Err(OAuthError::invalid_request("code_challenge_method must be S256"));
    }
    if !pkce::is_valid_challenge(challenge) {
        return Err(OAuthError::invalid_request("code_challenge is not an S256 challenge (43 base64url characters)"));
    }
    let resource = check_resource(form.non_empty("resource"), mcp_resource)?;
    let scopes = requested_scopes(form.get("scope"))?;
    Ok(AuthorizationRequest {
        client_id: client_id.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        state: form.get("state").filter(|s| !s.is_empty()).map(str::to_owned),
        scopes,
        code_challenge: challenge.to_owned(),
        resource,
    })
}

/// The resource a request (authorize or token) names: the MCP URL, or nothing (then the MCP
/// URL: it is the only one); anything else is `invalid_target`.
pub fn check_resource(asked: Option<&str>, mcp_resource: &str) -> Result<String, OAuthError> {
    match asked {
        None => Ok(mcp_resource.to_owned()),
        Some(asked) if asked.trim_end_matches('/') == mcp_resource => Ok(mcp_resource.to_owned()),
        Some(asked) => Err(OAuthError::invalid_target(asked)),
    }
}

/// No `scope` asks for every scope; a `scope` naming none we know is `invalid_scope`.
fn requested_scopes(raw: Option<&str>) -> Result<Vec<Scope>, OAuthError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(Scope::ALL.to_vec()),
        Some(raw) => {
            let scopes = Scope::parse_list(raw);
            if scopes.is_empty() {
                Err(OAuthError::invalid_scope(format!(
                    "scope must include frontdesk:read or frontdesk:write, not {raw:?}"
                )))
            } else {
                Ok(scopes)
            }
        }
    }
}

/// What the user can grant of what was asked: a viewer never grants `frontdesk:write`.
pub fn granted_scopes(requested: &[Scope], role: Role) -> Vec<Scope> {
    requested.iter().copied().filter(|s| *s != Scope::Write || role.may_write()).collect()
}

/// `redirect_uri` with `pairs` added to its query.
fn with_query(redirect_uri: &str, pairs: &[(&str, &str)]) -> String {
    let separator = if redirect_uri.contains('?') { '&' } else { '?' };
    format!("{redirect_uri}{separator}{}", encode(pairs))
}

/// The successful answer: `code`, `state` (when the client sent one) and `iss`.
pub fn code_redirect(redirect_uri: &str, code: &str, state: Option<&str>, issuer: &str) -> String {
    let mut pairs = vec![("code", code)];
    if let Some(state) = state {
        pairs.push(("state", state));
    }
    pairs.push(("iss", issuer));
    with_query(redirect_uri, &pairs)
}

/// An error sent back to the client.
pub fn error_redirect(redirect_uri: &str, error: &OAuthError, state: Option<&str>, issuer: &str) -> String {
    let mut pairs = vec![("error", error.error), ("error_description", error.description.as_str())];
    if let Some(state) = state {
        pairs.push(("state", state));
    }
    pairs.push(("iss", issuer));
    with_query(redirect_uri, &pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MCP: &str = "https://fd.example/mcp";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    fn form(extra: &[(&str, &str)]) -> Form {
        let mut pairs = vec![
            ("response_type", "code"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("resource", MCP),
            ("state", "xyz"),
        ];
        for (k, v) in extra {
            pairs.retain(|(key, _)| key != k);
            pairs.push((k, v));
        }
        Form::from_pairs(pairs.into_iter().filter(|(_, v)| *v != "<none>"))
    }

    #[test]
    fn a_complete_request_is_accepted_with_every_scope_by_default() {
        let req = validate(&form(&[]), "cli_1", "http://127.0.0.1:1/cb", MCP).unwrap();
        assert_eq!(req.scopes, Scope::ALL.to_vec());
        assert_eq!(req.resource, MCP);
        assert_eq!(req.state.as_deref(), Some("xyz"));
        let read = validate(&form(&[("scope", "frontdesk:read")]), "c", "u", MCP).unwrap();
        assert_eq!(read.scopes, vec![Scope::Read]);
    }

    #[test]
    fn pkce_s256_is_mandatory() {
        for (extra, why) in [
            (vec![("code_challenge", "<none>")], "no challenge"),
            (vec![("code_challenge_method", "plain")], "plain"),
            (vec![("code_challenge_method", "<none>")], "no method"),
            (vec![("code_challenge", "short")], "not a SHA-256"),
        ] {
            let err = validate(&form(&extra), "c", "u", MCP).unwrap_err();
            assert_eq!(err.error, "invalid_request", "{why}");
        }
    }

    #[test]
    fn another_resource_is_invalid_target_and_none_means_the_mcp_url() {
        let err = validate(&form(&[("resource", "https://other.example/mcp")]), "c", "u", MCP).unwrap_err();
        assert_eq!(err.error, "invalid_target");
        assert_eq!(validate(&form(&[("resource", "<none>")]), "c", "u", MCP).unwrap().resource, MCP);
        assert_eq!(check_resource(Some("https://fd.example/mcp/"), MCP).unwrap(), MCP);
    }

    #[test]
    fn other_response_types_and_unknown_scopes_are_refused() {
        assert_eq!(
            validate(&form(&[("response_type", "token")]), "c", "u", MCP).unwrap_err().error,
            "unsupported_response_type"
        );
        assert_eq!(validate(&form(&[("scope", "admin")]), "c", "u", MCP).unwrap_err().error, "invalid_scope");
    }

    #[test]
    fn viewers_grant_reads_only() {
        assert_eq!(granted_scopes(&Scope::ALL, Role::Viewer), vec![Scope::Read]);
        assert_eq!(granted_scopes(&Scope::ALL, Role::Agent), Scope::ALL.to_vec());
    }

    #[test]
    fn redirects_carry_code_state_and_issuer() {
        assert_eq!(
            code_redirect("http://127.0.0.1:9/cb", "fdoc_x", Some("a b"), "https://fd.example"),
            "http://127.0.0.1:9/cb?code=fdoc_x&state=a%20b&iss=https%3A%2F%2Ffd.example"
        );
        let err = OAuthError::access_denied("no");
        assert_eq!(
            error_redirect("https://app.example/cb?x=1", &err, None, "https://fd.example"),
            "https://app.example/cb?x=1&error=access_denied&error_description=no&iss=https%3A%2F%2Ffd.example"
        );
    }
}
