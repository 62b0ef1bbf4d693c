//! WhatsApp's 24-hour customer-service window (PROTOCOLS.md §4): a free-form message is only
//! accepted within 24 hours of the contact's last inbound message (each inbound message
//! reopens it; our own messages do not). Outside it Meta refuses free-form text (error 131047)
//! and only an approved template may start the conversation again, so the sender decides
//! before sending rather than learning it from a failure.

use serde::{Deserialize, Serialize};

pub const SERVICE_WINDOW_MS: u64 = 24 * 60 * 60 * 1000;

/// Meta's names: lowercase letters, digits and `_`, at most 512 characters.
const MAX_TEMPLATE_NAME_CHARS: usize = 512;

/// True while the window is open. It closes *at* 24 h: at the boundary a send could race the
/// expiry, and a refused send costs more than a template. A contact who never wrote has no
/// window. A last inbound time ahead of `now_ms` (clock skew) counts as just now.
pub fn within_service_window(last_inbound_ms: Option<u64>, now_ms: u64) -> bool {
    last_inbound_ms.is_some_and(|last| now_ms.saturating_sub(last) < SERVICE_WINDOW_MS)
}

/// The tenant's approved re-engagement template, used when the window has closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateSetting {
    /// The template's name as approved in WhatsApp Manager, e.g. `follow_up`.
    pub name: String,
    /// The approved translation's language code, e.g. `en` or `en_US`.
    pub language: String,
}

impl TemplateSetting {
    /// Refuses what Meta would refuse at send time, so a typo surfaces when the setting is
    /// saved rather than as failed replies.
    pub fn validate(&self) -> Result<(), String> {
        let name_ok = !self.name.is_empty()
            && self.name.chars().count() <= MAX_TEMPLATE_NAME_CHARS
            && self.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !name_ok {
            return Err(format!("template name `{}`: use lowercase letters, digits and _", self.name));
        }
        let (lang, region) = self.language.split_once('_').map_or((&*self.language, None), |(l, r)| (l, Some(r)));
        let lang_ok = (2..=3).contains(&lang.len()) && lang.chars().all(|c| c.is_ascii_lowercase());
        let region_ok = region.is_none_or(|r| r.len() == 2 && r.chars().all(|c| c.is_ascii_uppercase()));
        if !(lang_ok && region_ok) {
            return Err(format!("template language `{}`: expected a code such as en or en_US", self.language));
        }
        Ok(())
    }
}

/// How a WhatsApp reply can go out now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WhatsAppSend {
    /// Inside the window: the reply as written.
    FreeForm,
    /// Outside it: the tenant's template. `params` are the template's body variables in order
    /// (`{{1}}`, `{{2}}`, …); [`choose`] leaves them empty for the caller, which knows what the
    /// approved template says.
    Template { name: String, language: String, params: Vec<String> },
    /// Outside it with no usable template: nothing can be sent, a person has to follow up.
    Escalate,
}

/// Picks the send for a contact whose last inbound message was at `last_inbound_ms`. A
/// template that fails [`TemplateSetting::validate`] is treated as none: it would be refused.
pub fn choose(last_inbound_ms: Option<u64>, now_ms: u64, template: Option<&TemplateSetting>) -> WhatsAppSend {
    if within_service_window(last_inbound_ms, now_ms) {
        return WhatsAppSend::FreeForm;
    }
    match template.filter(|t| t.validate().is_ok()) {
        Some(t) => WhatsAppSend::Template { name: t.name.clone(), language: t.language.clone(), params: Vec::new() },
        None => WhatsAppSend::Escalate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 1_749_416_383_000;

    fn follow_up() -> TemplateSetting {
        TemplateSetting { name: "follow_up".into(), language: "en_US".into() }
    }

    #[test]
    fn the_window_closes_at_exactly_24_hours() {
        assert!(within_service_window(Some(T0), T0));
        assert!(within_service_window(Some(T0), T0 + SERVICE_WINDOW_MS - 1));
        assert!(!within_service_window(Some(T0), T0 + SERVICE_WINDOW_MS), "exactly 24 h");
        assert!(!within_service_window(Some(T0), T0 + SERVICE_WINDOW_MS + 1));
        assert!(within_service_window(Some(T0 + 5_000), T0), "skew: ahead of now counts as now");
    }

    #[test]
    fn a_contact_who_never_wrote_has_no_window() {
        assert!(!within_service_window(None, T0));
        assert_eq!(choose(None, T0, None), WhatsAppSend::Escalate);
        assert!(matches!(choose(None, T0, Some(&follow_up())), WhatsAppSend::Template { .. }));
    }

    #[test]
    fn chooses_free_form_then_the_template_then_a_person() {
        let t = follow_up();
        assert_eq!(choose(Some(T0), T0 + 60_000, Some(&t)), WhatsAppSend::FreeForm);
        assert_eq!(
            choose(Some(T0), T0 + SERVICE_WINDOW_MS, Some(&t)),
            WhatsAppSend::Template { name: "follow_up".into(), language: "en_US".into(), params: vec![] }
        );
        assert_eq!(choose(Some(T0), T0 + SERVICE_WINDOW_MS, None), WhatsAppSend::Escalate);
        let typo = TemplateSetting { name: "Follow Up".into(), language: "en_US".into() };
        assert_eq!(choose(Some(T0), T0 + SERVICE_WINDOW_MS, Some(&typo)), WhatsAppSend::Escalate);
    }

    #[test]
    fn template_settings_are_strict() {
        let t: TemplateSetting = serde_json::from_str(r#"{"name":"follow_up","language":"en"}"#).unwrap();
        assert_eq!(t.validate(), Ok(()));
        assert!(serde_json::from_str::<TemplateSetting>(r#"{"name":"a","language":"en","lang":"x"}"#).is_err());
        assert!(serde_json::from_str::<TemplateSetting>(r#"{"name":"a"}"#).is_err());
        for (name, language) in
            [("", "en"), ("Follow", "en"), ("a-b", "en"), ("ok", "english"), ("ok", "en_us"), ("ok", "")]
        {
            let t = TemplateSetting { name: name.into(), language: language.into() };
            assert!(t.validate().is_err(), "{name} {language}");
        }
        assert_eq!(TemplateSetting { name: "x".into(), language: "pt_BR".into() }.validate(), Ok(()));
        assert_eq!(TemplateSetting { name: "x".into(), language: "fil".into() }.validate(), Ok(()));
    }
}
