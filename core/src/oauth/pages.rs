//! The sign-in and consent pages: plain HTML forms that submit without script, every value
//! escaped (a client name or `state` is the client's text, not ours).

use crate::channel::twilio::twiml::escape;
use crate::principal::Scope;

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#222}\
label{display:block;margin:.8rem 0 .2rem}input[type=text],input[type=email],input[type=password]{width:100%;padding:.5rem;box-sizing:border-box}\
button{margin-top:1rem;padding:.5rem 1.2rem}.error{color:#a00}ul{padding-left:1.2rem}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width,initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body>{body}</body></html>",
        escape(title)
    )
}

fn hidden(name: &str, value: &str) -> String {
    format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">", escape(name), escape(value))
}

/// What a scope lets the client do, in the user's words.
pub fn describe(scope: Scope) -> &'static str {
    match scope {
        Scope::Read => "Read your contacts, conversations, calls, leads, bookings and knowledge base",
        Scope::Write => "Act for you: send messages, call, book appointments, resolve escalations and open tickets",
    }
}

/// The sign-in form. `carried` are the authorization request's parameters, posted back as
/// they came; `tenant` and `email` refill the fields after a failed attempt.
pub fn login(
    action: &str,
    client_name: &str,
    carried: &[(&str, &str)],
    tenant: &str,
    email: &str,
    error: Option<&str>,
) -> String {
    let fields: String = carried.iter().map(|(k, v)| hidden(k, v)).collect();
    let error = error.map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e))).unwrap_or_default();
    page(
        "Sign in to Frontdesk",
        &format!(
            "<h1>Sign in to Frontdesk</h1><p><strong>{}</strong> wants to use your front desk.</p>{error}\
             <form method=\"post\" action=\"{}\">{fields}{}\
             <label for=\"tenant\">Business (workspace)</label><input type=\"text\" id=\"tenant\" name=\"tenant\" value=\"{}\" required>\
             <label for=\"email\">Email</label><input type=\"email\" id=\"email\" name=\"email\" value=\"{}\" autocomplete=\"username\" required>\
             <label for=\"password\">Password</label><input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>\
             <label for=\"totp\">Authenticator code (if you set one up)</label><input type=\"text\" id=\"totp\" name=\"totp\" inputmode=\"numeric\" autocomplete=\"one-time-code\">\
             <button type=\"submit\">Sign in</button></form>",
            escape(client_name),
            escape(action),
            hidden("step", "login"),
            escape(tenant),
            escape(email),
        ),
    )
}

/// The consent page: who asks, for which business and user, and each scope in words.
pub fn consent(
    action: &str,
    ticket: &str,
    client_name: &str,
    redirect_uri: &str,
    who: &str,
    scopes: &[Scope],
) -> String {
    let items: String =
        scopes.iter().map(|s| format!("<li>{} <code>{}</code></li>", escape(describe(*s)), s.as_str())).collect();
    page(
        "Allow access?",
        &format!(
            "<h1>Allow {} to use Frontdesk?</h1><p>Signed in as {}.</p><p>It will be able to:</p><ul>{items}</ul>\
             <p>You will be sent back to <code>{}</code>.</p>\
             <form method=\"post\" action=\"{}\">{}{}\
             <button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button> \
             <button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></form>",
            escape(client_name),
            escape(who),
            escape(redirect_uri),
            escape(action),
            hidden("step", "consent"),
            hidden("ticket", ticket),
        ),
    )
}

/// A request that cannot be sent back to the client (unknown client, unregistered redirect).
pub fn error(message: &str) -> String {
    page(
        "Sign-in problem",
        &format!("<h1>This sign-in link cannot be used</h1><p class=\"error\">{}</p>", escape(message)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_form_posts_without_script_and_escapes_client_text() {
        let html = login(
            "/oauth/authorize",
            "<script>x</script>",
            &[("state", "\"><b>")],
            "demo",
            "",
            Some("Wrong email or password"),
        );
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("value=\"&quot;&gt;&lt;b&gt;\""));
        assert!(html.contains("<form method=\"post\" action=\"/oauth/authorize\">"));
        assert!(html.contains("name=\"password\""));
        assert!(html.contains("Wrong email or password"));
    }

    #[test]
    fn consent_lists_each_scope() {
        let html = consent(
            "/oauth/authorize",
            "fdot_x",
            "Claude",
            "https://claude.ai/cb",
            "owner@demo.example (demo)",
            &Scope::ALL,
        );
        assert!(html.contains("frontdesk:read") && html.contains("frontdesk:write"));
        assert!(html.contains("value=\"allow\"") && html.contains("value=\"deny\""));
        assert!(html.contains("name=\"ticket\" value=\"fdot_x\""));
    }
}
