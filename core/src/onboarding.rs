//! A new tenant as an owner of an existing one asks for it (`POST /api/v1/tenants`): the
//! request checked as a whole, the addresses its channels start with, and the webhook URLs to
//! paste into each provider. The D1 writes are `src/platform/d1/tenant_admin.rs`.

use crate::tenant::TEMPLATES;
use crate::users::admin::{check_email, check_password};
use crate::users::{normalize_email, Role};
use serde::Deserialize;
use serde_json::{json, Value};

const MAX_NAME_CHARS: usize = 120;
/// Slugs name the tenant in URLs (`/chat/{slug}`, `/webhooks/forms/{slug}`) and in its API
/// keys (`fd_{slug}_…`, at most 128 characters), so they are short and URL-safe.
const SLUG_CHARS: std::ops::RangeInclusive<usize> = 3..=40;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantRequest {
    pub name: String,
    pub slug: String,
    pub template: String,
    #[serde(default)]
    pub timezone: Option<String>,
    pub owner_email: String,
    pub owner_password: String,
}

impl TenantRequest {
    /// Every problem with the request except the timezone (which only the platform's tz
    /// database can judge) and a slug already taken (the database's).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            problems.push(format!("name: 1 to {MAX_NAME_CHARS} characters"));
        }
        if let Err(problem) = check_slug(&self.slug) {
            problems.push(problem);
        }
        if !TEMPLATES.contains(&self.template.as_str()) {
            problems.push(format!("template: `{}` is not one of {}", self.template, TEMPLATES.join(", ")));
        }
        if let Err(problem) = check_email(&normalize_email(&self.owner_email)) {
            problems.push(format!("owner_{problem}"));
        }
        if let Err(problem) = check_password(&self.owner_password) {
            problems.push(format!("owner_{problem}"));
        }
        problems
    }
}

pub fn check_slug(slug: &str) -> Result<(), String> {
    let shaped = SLUG_CHARS.contains(&slug.len())
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if shaped {
        Ok(())
    } else {
        Err(format!(
            "slug: `{slug}` must be {} to {} lowercase letters, digits and inner hyphens",
            SLUG_CHARS.start(),
            SLUG_CHARS.end()
        ))
    }
}

/// Only an owner starts a business (an admin of one tenant is not trusted with a new one).
pub fn may_create_tenant(role: Role) -> bool {
    role == Role::Owner
}

/// The number a new tenant's SMS channel starts with, from a random value: `+1 555 0xx xxxx`,
/// the NANP's fictional 555 exchange, so no real phone is ever texted from or about it. The
/// simulator and tests send signed webhooks to it until the tenant connects its own number.
pub fn simulated_number(random: u64) -> String {
    format!("+15550{:06}", random % 1_000_000)
}

/// A signing secret for a channel the tenant starts with (the simulated SMS number, the web
/// form), from 24 random bytes, as hex.
pub fn channel_secret(random: [u8; 24]) -> String {
    random.iter().map(|b| format!("{b:02x}")).collect()
}

/// Where each provider posts for the tenant `slug`, under the public origin `base`.
pub fn webhook_urls(base: &str, slug: &str) -> Value {
    let base = base.trim_end_matches('/');
    json!({
        "twilio_sms": format!("{base}/webhooks/twilio/sms"),
        "twilio_voice": format!("{base}/webhooks/twilio/voice"),
        "twilio_status": format!("{base}/webhooks/twilio/status"),
        "meta_whatsapp": format!("{base}/webhooks/meta/whatsapp"),
        "openphone": format!("{base}/webhooks/openphone"),
        "web_form": format!("{base}/webhooks/forms/{slug}"),
        "missed_call": format!("{base}/webhooks/missed-call/{slug}"),
        "chat": format!("{base}/chat/{slug}/messages"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> TenantRequest {
        TenantRequest {
            name: "North Clinic".into(),
            slug: "north-clinic".into(),
            template: "clinic_salon".into(),
            timezone: None,
            owner_email: "Boss@North.Example".into(),
            owner_password: "a long enough password".into(),
        }
    }

    #[test]
    fn a_good_request_has_no_problems() {
        assert!(request().problems().is_empty());
    }

    #[test]
    fn every_problem_is_named() {
        let bad = TenantRequest {
            name: " ".into(),
            slug: "North Clinic".into(),
            template: "car_wash".into(),
            owner_email: "boss".into(),
            owner_password: "short".into(),
            ..request()
        };
        let problems = bad.problems();
        for prefix in ["name:", "slug:", "template:", "owner_email:", "owner_password:"] {
            assert!(problems.iter().any(|p| p.starts_with(prefix)), "{prefix} in {problems:?}");
        }
    }

    #[test]
    fn slugs_are_short_lowercase_and_url_safe() {
        for bad in ["ab", "-north", "north-", "north_clinic", "North", "a/b", &"x".repeat(41)] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
        for good in ["abc", "north-clinic-2", &"x".repeat(40)] {
            assert!(check_slug(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn only_owners_start_a_tenant() {
        assert!(may_create_tenant(Role::Owner));
        assert!(!may_create_tenant(Role::Admin));
    }

    #[test]
    fn simulated_numbers_are_fictional_e164() {
        assert_eq!(simulated_number(42), "+15550000042");
        assert_eq!(simulated_number(u64::MAX).len(), 12);
        assert!(crate::phone::PhoneE164::parse(&simulated_number(987_654_321)).is_ok());
    }

    #[test]
    fn webhook_urls_name_the_slug_where_the_route_does() {
        let urls = webhook_urls("https://fd.example/", "north");
        assert_eq!(urls["twilio_sms"], "https://fd.example/webhooks/twilio/sms");
        assert_eq!(urls["web_form"], "https://fd.example/webhooks/forms/north");
        assert_eq!(urls["chat"], "https://fd.example/chat/north/messages");
    }
}
