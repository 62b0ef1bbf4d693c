//! How replies sound: the tenant's personality preset and the style of each channel.
//!
//! A preset changes the greeting (luxury concierge is formal and warm, fast & direct drops the
//! pleasantries, friendly & casual is relaxed); a channel style changes the frame (email is a
//! letter, SMS is kept to what fits a couple of segments). Facts never change with tone: the
//! same hours, address and next step are said whichever voice says them.

use super::phrases::{fill, phrase, Phrase};
use crate::channel::Channel;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    #[default]
    Standard,
    LuxuryConcierge,
    FastDirect,
    FriendlyCasual,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelStyle {
    /// Short: an SMS over two segments costs more and reads worse.
    Concise,
    Casual,
    /// A letter: salutation and sign-off.
    Formal,
}

impl ChannelStyle {
    /// The style a channel has unless the tenant says otherwise.
    pub fn default_for(channel: Channel) -> Option<Self> {
        match channel {
            Channel::Sms | Channel::Voice => Some(ChannelStyle::Concise),
            Channel::Whatsapp => Some(ChannelStyle::Casual),
            Channel::Email => Some(ChannelStyle::Formal),
            Channel::Chat => None,
        }
    }
}

/// Two SMS segments of GSM-7 text (2 × 153 characters).
pub const CONCISE_MAX_CHARS: usize = 306;

/// The opening line for a new conversation in this tone (and channel style).
pub fn greeting(
    tone: Tone,
    style: Option<ChannelStyle>,
    returning: bool,
    lang: &str,
    name: &str,
    business: &str,
) -> String {
    let which = match (tone, style, returning) {
        (Tone::FastDirect, _, _) => return format!("{business}:"),
        (Tone::LuxuryConcierge, _, _) => Phrase::GreetLuxury,
        (Tone::FriendlyCasual, _, _) | (Tone::Standard, Some(ChannelStyle::Casual), false) => Phrase::GreetCasual,
        (_, _, true) => Phrase::GreetReturning,
        _ => Phrase::GreetNew,
    };
    fill(phrase(which, lang), &[("name", name), ("business", business)])
}

/// Frames a finished reply for its channel: a letter for email (signed by the persona, when the
/// business named one, as its AI assistant), trimmed at a sentence for SMS.
pub fn frame(
    text: String,
    style: Option<ChannelStyle>,
    lang: &str,
    name: Option<&str>,
    business: &str,
    persona: Option<&str>,
) -> String {
    match style {
        Some(ChannelStyle::Formal) => {
            let open =
                fill(phrase(Phrase::LetterOpen, lang), &[("name", &name.map(|n| format!(" {n}")).unwrap_or_default())]);
            let close = match persona {
                Some(persona) => {
                    fill(phrase(Phrase::LetterCloseNamed, lang), &[("persona", persona), ("business", business)])
                }
                None => fill(phrase(Phrase::LetterClose, lang), &[("business", business)]),
            };
            format!("{open}\n\n{text}\n\n{close}")
        }
        Some(ChannelStyle::Concise) => concise(text),
        _ => text,
    }
}

/// At most [`CONCISE_MAX_CHARS`]: whole sentences while they fit, then as much of the next as
/// is worth sending (`kb::query::condense`) — a long first part must not leave only the greeting.
fn concise(text: String) -> String {
    if text.chars().count() <= CONCISE_MAX_CHARS {
        return text;
    }
    crate::kb::query::condense(&text, CONCISE_MAX_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_change_the_greeting_not_the_facts() {
        let g = |tone, returning| greeting(tone, None, returning, "en", " Ana", "Maple & Pine");
        assert_eq!(g(Tone::Standard, false), "Hi Ana, thanks for contacting Maple & Pine!");
        assert_eq!(g(Tone::FastDirect, false), "Maple & Pine:");
        assert!(g(Tone::LuxuryConcierge, false).starts_with("Good day Ana, and thank you for contacting Maple & Pine"));
        assert!(g(Tone::FriendlyCasual, false).starts_with("Hey Ana!"));
        assert_eq!(g(Tone::Standard, true), "Hi Ana, welcome back to Maple & Pine!");
        assert!(greeting(Tone::Standard, Some(ChannelStyle::Casual), false, "es", "", "X").starts_with("¡Hola!"));
    }

    #[test]
    fn email_is_a_letter_and_sms_is_kept_short() {
        let letter = frame(
            "We're open until 18:00.".into(),
            Some(ChannelStyle::Formal),
            "en",
            Some("Ana"),
            "Maple & Pine",
            None,
        );
        assert_eq!(letter, "Dear Ana,\n\nWe're open until 18:00.\n\nKind regards,\nMaple & Pine");
        let signed = frame("Yes.".into(), Some(ChannelStyle::Formal), "en", None, "Maple & Pine", Some("Maya"));
        assert!(signed.ends_with("\n\nKind regards,\nMaya, AI assistant\nMaple & Pine"), "{signed}");
        let long = format!("First answer. {}", "Another sentence here. ".repeat(20));
        let short = frame(long, Some(ChannelStyle::Concise), "en", None, "X", None);
        assert!(
            short.chars().count() <= CONCISE_MAX_CHARS && short.starts_with("First answer.") && short.ends_with('.')
        );
        assert_eq!(frame("Short.".into(), Some(ChannelStyle::Concise), "en", None, "X", Some("Maya")), "Short.");
    }
}
