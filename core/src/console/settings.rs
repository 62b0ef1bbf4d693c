//! Settings the console edits that the front desk's words and pages carry: named AI personas
//! per role and channel (`settings.personas`), and the white label for the widget and pages
//! (`settings.white_label`). Each is checked with the rest of the settings on
//! `PUT /api/v1/settings`, every problem named.

use serde::{Deserialize, Serialize};

const MAX_NAME_CHARS: usize = 40;
const MAX_URL_CHARS: usize = 2048;
/// Longer than any TTS voice name (`en-GB-Neural2-A`, `Polly.Amy-Neural`, an ElevenLabs
/// `voiceId-model-speed_stability_similarity`).
const MAX_VOICE_CHARS: usize = 64;
pub const PERSONA_ROLES: [&str; 3] = ["receptionist", "qualifier", "support"];
/// `all` = the persona's role on every channel without one of its own.
pub const PERSONA_CHANNELS: [&str; 7] = ["all", "sms", "whatsapp", "voice", "chat", "email", "form"];

/// Who the AI is in one role on one channel: "Maya, receptionist on the phone".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Persona {
    /// `receptionist`, `qualifier` or `support`.
    pub role: String,
    /// A channel, or `all` (the default).
    #[serde(default = "all_channels")]
    pub channel: String,
    /// The name the AI introduces itself by.
    pub name: String,
    /// The voice a call speaks with (a TTS voice name, e.g. `en-GB-Neural2-A`), if not the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<String>,
}

fn all_channels() -> String {
    "all".into()
}

/// The tenant's own name, logo and colour on the chat widget and pages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhiteLabel {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `https://…` image URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    /// `#RRGGBB`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<String>,
}

/// What the chat widget shows for a business: its white label over its own name. Public
/// (the widget runs on the business's site), so only these three fields, never other settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Brand {
    pub name: String,
    pub logo_url: Option<String>,
    pub colour: Option<String>,
}

pub fn brand(white_label: Option<&WhiteLabel>, business_name: &str) -> Brand {
    let label = white_label.cloned().unwrap_or_default();
    Brand {
        name: label.name.unwrap_or_else(|| business_name.to_owned()),
        logo_url: label.logo_url,
        colour: label.colour,
    }
}

/// Every problem with the personas: unknown roles or channels, names that are empty or long,
/// two personas for one role on one channel.
pub fn validate_personas(personas: &[Persona]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (i, p) in personas.iter().enumerate() {
        let at = format!("personas[{i}]");
        if !PERSONA_ROLES.contains(&p.role.as_str()) {
            problems.push(format!("{at}.role: `{}` is not one of {}", p.role, PERSONA_ROLES.join(", ")));
        }
        if !PERSONA_CHANNELS.contains(&p.channel.as_str()) {
            problems.push(format!("{at}.channel: `{}` is not one of {}", p.channel, PERSONA_CHANNELS.join(", ")));
        }
        if p.name.trim().is_empty() || p.name.chars().count() > MAX_NAME_CHARS {
            problems.push(format!("{at}.name: 1 to {MAX_NAME_CHARS} characters"));
        }
        if let Some(voice) = p.voice.as_deref().filter(|v| !is_voice_name(v)) {
            problems.push(format!(
                "{at}.voice: `{voice}` is not a voice name (1 to {MAX_VOICE_CHARS} letters, digits, `-`, `_` or `.`)"
            ));
        }
        if !seen.insert((p.role.clone(), p.channel.clone())) {
            problems.push(format!("{at}: a second {} persona for channel {}", p.role, p.channel));
        }
    }
    problems
}

/// A TTS voice name as the TwiML `voice` attribute takes it: nothing that could break out of the
/// attribute or name something other than a voice.
pub fn is_voice_name(voice: &str) -> bool {
    let plausible = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    !voice.is_empty() && voice.len() <= MAX_VOICE_CHARS && voice.chars().all(plausible)
}

/// The persona for `role` on `channel`: the channel's own, else the role's `all`.
pub fn persona_for<'a>(personas: &'a [Persona], role: &str, channel: &str) -> Option<&'a Persona> {
    let of = |c: &str| personas.iter().find(|p| p.role == role && p.channel == c);
    of(channel).or_else(|| of("all"))
}

impl WhiteLabel {
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.name.as_ref().is_some_and(|n| n.trim().is_empty() || n.chars().count() > 80) {
            problems.push("white_label.name: 1 to 80 characters".to_owned());
        }
        if let Some(url) = &self.logo_url {
            let host = url.strip_prefix("https://").unwrap_or_default();
            if host.is_empty()
                || host.starts_with('/')
                || url.len() > MAX_URL_CHARS
                || url.chars().any(char::is_whitespace)
            {
                problems.push(format!("white_label.logo_url: `{url}` is not an https:// URL"));
            }
        }
        if let Some(colour) = &self.colour {
            let hex = colour.strip_prefix('#').unwrap_or_default();
            if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                problems.push(format!("white_label.colour: `{colour}` is not a #RRGGBB colour"));
            }
        }
        problems
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A persona without a voice, for every module's tests.
    pub(crate) fn persona(role: &str, channel: &str, name: &str) -> Persona {
        Persona { role: role.into(), channel: channel.into(), name: name.into(), voice: None }
    }

    #[test]
    fn the_widget_brand_is_the_white_label_over_the_business_name() {
        let plain = brand(None, "Maple & Pine Lettings");
        assert_eq!((plain.name.as_str(), plain.logo_url, plain.colour), ("Maple & Pine Lettings", None, None));
        let label = WhiteLabel {
            name: None,
            logo_url: Some("https://cdn.example/l.png".into()),
            colour: Some("#2E7D32".into()),
        };
        let branded = brand(Some(&label), "Maple & Pine Lettings");
        assert_eq!(branded.name, "Maple & Pine Lettings", "no white-label name: the business's own");
        assert_eq!(branded.colour.as_deref(), Some("#2E7D32"));
        let named = WhiteLabel { name: Some("Maple & Pine".into()), ..label };
        assert_eq!(brand(Some(&named), "Maple & Pine Lettings").name, "Maple & Pine");
    }

    #[test]
    fn personas_are_checked_and_found_by_role_and_channel() {
        let set = vec![persona("receptionist", "all", "Maya"), persona("receptionist", "voice", "Sam")];
        assert!(validate_personas(&set).is_empty());
        assert_eq!(persona_for(&set, "receptionist", "voice").unwrap().name, "Sam");
        assert_eq!(persona_for(&set, "receptionist", "sms").unwrap().name, "Maya");
        assert!(persona_for(&set, "support", "sms").is_none());
        let bad = vec![
            persona("cashier", "fax", ""),
            persona("receptionist", "all", "A"),
            persona("receptionist", "all", "B"),
        ];
        let problems = validate_personas(&bad);
        for needle in ["personas[0].role", "personas[0].channel", "personas[0].name", "personas[2]: a second"] {
            assert!(problems.iter().any(|p| p.starts_with(needle)), "{needle} in {problems:?}");
        }
    }

    #[test]
    fn a_voice_must_look_like_a_voice_name() {
        for good in ["en-GB-Neural2-A", "Polly.Amy-Neural", "UgBBYS2sOqTuMpoF3BR0-flash_v2_5-1.2_1.0_1.0"] {
            assert!(is_voice_name(good), "{good}");
        }
        let long = "a".repeat(65);
        for bad in ["", " ", "en GB", "\"/><Hangup/>", "Amy&Co", "voz-señora", long.as_str()] {
            assert!(!is_voice_name(bad), "{bad}");
            let p = Persona { voice: Some(bad.into()), ..persona("receptionist", "voice", "Sam") };
            let problems = validate_personas(&[p]);
            assert!(problems.len() == 1 && problems[0].starts_with("personas[0].voice: `"), "{problems:?}");
        }
    }

    #[test]
    fn a_persona_without_a_channel_is_for_all() {
        let p: Persona = serde_json::from_str(r#"{"role": "qualifier", "name": "Ola"}"#).unwrap();
        assert_eq!(p.channel, "all");
    }

    #[test]
    fn the_white_label_needs_a_https_logo_and_a_hex_colour() {
        let good = WhiteLabel {
            name: Some("Maple".into()),
            logo_url: Some("https://cdn.example/l.png".into()),
            colour: Some("#1A2b3C".into()),
        };
        assert!(good.validate().is_empty());
        let bad = WhiteLabel {
            name: Some(" ".into()),
            logo_url: Some("http://x.example/l.png".into()),
            colour: Some("blue".into()),
        };
        assert_eq!(bad.validate().len(), 3);
    }
}
