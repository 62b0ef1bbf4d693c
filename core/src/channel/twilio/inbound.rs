//! The Messaging webhook's parameters (PROTOCOLS.md §3.1) as a typed inbound message.

use crate::channel::Channel;
use crate::form::Form;
use crate::phone::PhoneE164;
use std::fmt;

/// One inbound SMS/MMS or WhatsApp-through-Twilio message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundMessage {
    pub message_sid: String,
    pub from: PhoneE164,
    pub to: PhoneE164,
    pub body: String,
    pub channel: Channel,
    /// WhatsApp display name (`ProfileName`), when Twilio sends one.
    pub profile_name: Option<String>,
    /// Media attachments as (URL, content type), `MediaUrl{N}` / `MediaContentType{N}`.
    pub media: Vec<(String, String)>,
}

/// Why a webhook body is not a usable message; each maps to `400 malformed_body`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    Missing(&'static str),
    InvalidNumber(&'static str),
    MixedChannels,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Missing(field) => write!(f, "missing required parameter `{field}`"),
            ParseError::InvalidNumber(field) => write!(f, "`{field}` is not an E.164 phone number"),
            ParseError::MixedChannels => f.write_str("`From` and `To` must both be WhatsApp or both be SMS addresses"),
        }
    }
}

/// Twilio caps MMS at 10 media items; more is not a real webhook.
const MAX_MEDIA: usize = 10;

impl InboundMessage {
    pub fn from_form(form: &Form) -> Result<Self, ParseError> {
        let message_sid = form.non_empty("MessageSid").ok_or(ParseError::Missing("MessageSid"))?;
        let (from_channel, from) = address(form, "From")?;
        let (to_channel, to) = address(form, "To")?;
        if from_channel != to_channel {
            return Err(ParseError::MixedChannels);
        }
        let num_media = form.get("NumMedia").and_then(|n| n.trim().parse::<usize>().ok()).unwrap_or(0).min(MAX_MEDIA);
        let media = (0..num_media)
            .filter_map(|i| {
                let url = form.non_empty(&format!("MediaUrl{i}"))?;
                let kind = form.get(&format!("MediaContentType{i}")).unwrap_or("");
                Some((url.to_owned(), kind.to_owned()))
            })
            .collect();
        Ok(Self {
            message_sid: message_sid.to_owned(),
            from,
            to,
            body: form.get("Body").unwrap_or("").to_owned(),
            channel: from_channel,
            profile_name: form.non_empty("ProfileName").map(str::to_owned),
            media,
        })
    }
}

/// The tenant's number a webhook form is addressed to (`To`, without a `whatsapp:` prefix),
/// read on its own: the tenant and its auth token are needed to verify the signature before
/// the rest of the form is parsed, so a signed form with a bad `From` can still be kept.
pub fn receiving_number(form: &Form) -> Result<PhoneE164, ParseError> {
    address(form, "To").map(|(_, number)| number)
}

fn address(form: &Form, field: &'static str) -> Result<(Channel, PhoneE164), ParseError> {
    let raw = form.non_empty(field).ok_or(ParseError::Missing(field))?;
    let (channel, number) = match raw.strip_prefix("whatsapp:") {
        Some(number) => (Channel::Whatsapp, number),
        None => (Channel::Sms, raw),
    };
    let phone = PhoneE164::parse(number).map_err(|_| ParseError::InvalidNumber(field))?;
    Ok((channel, phone))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Form {
        Form::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn parses_an_sms() {
        let msg = InboundMessage::from_form(&form(&[
            ("MessageSid", "SM123"),
            ("From", "+447700900123"),
            ("To", "+14155550100"),
            ("Body", "Is the flat on Elm Road free?"),
            ("NumMedia", "0"),
        ]))
        .unwrap();
        assert_eq!(msg.channel, Channel::Sms);
        assert_eq!(msg.from.as_str(), "+447700900123");
        assert_eq!(msg.body, "Is the flat on Elm Road free?");
        assert!(msg.media.is_empty());
    }

    #[test]
    fn the_receiving_number_is_read_even_when_the_rest_does_not_parse() {
        let garbled = form(&[("From", "not-a-number"), ("To", "whatsapp:+14155550100")]);
        assert!(InboundMessage::from_form(&garbled).is_err());
        assert_eq!(receiving_number(&garbled).map(|n| n.as_str().to_owned()), Ok("+14155550100".into()));
        assert_eq!(receiving_number(&form(&[("To", "nope")])), Err(ParseError::InvalidNumber("To")));
        assert_eq!(receiving_number(&form(&[("From", "+447700900123")])), Err(ParseError::Missing("To")));
    }

    #[test]
    fn parses_whatsapp_with_profile_and_media() {
        let msg = InboundMessage::from_form(&form(&[
            ("MessageSid", "MM1"),
            ("From", "whatsapp:+447700900123"),
            ("To", "whatsapp:+14155550100"),
            ("ProfileName", "Ana"),
            ("NumMedia", "1"),
            ("MediaUrl0", "https://api.twilio.com/media/ME1"),
            ("MediaContentType0", "image/jpeg"),
        ]))
        .unwrap();
        assert_eq!(msg.channel, Channel::Whatsapp);
        assert_eq!(msg.profile_name.as_deref(), Some("Ana"));
        assert_eq!(msg.media, vec![("https://api.twilio.com/media/ME1".into(), "image/jpeg".into())]);
        assert_eq!(msg.body, "");
    }

    #[test]
    fn names_the_missing_or_bad_field() {
        let base = [("MessageSid", "SM1"), ("From", "+447700900123"), ("To", "+14155550100")];
        for (i, field) in ["MessageSid", "From", "To"].into_iter().enumerate() {
            let mut pairs = base.to_vec();
            pairs.remove(i);
            assert_eq!(InboundMessage::from_form(&form(&pairs)), Err(ParseError::Missing(field)));
        }
        let bad = [("MessageSid", "SM1"), ("From", "07700"), ("To", "+14155550100")];
        assert_eq!(InboundMessage::from_form(&form(&bad)), Err(ParseError::InvalidNumber("From")));
        let mixed = [("MessageSid", "SM1"), ("From", "whatsapp:+447700900123"), ("To", "+14155550100")];
        assert_eq!(InboundMessage::from_form(&form(&mixed)), Err(ParseError::MixedChannels));
    }
}
