//! The two TwiML documents a Messaging webhook answers with (PROTOCOLS.md §3.1). Two fixed
//! shapes do not justify an XML crate: the only variable part is escaped text.

pub(crate) const HEADER: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;

/// `<Response><Message>text</Message></Response>`: Twilio sends `text` back to the sender.
pub fn message_response(text: &str) -> String {
    format!("{HEADER}<Response><Message>{}</Message></Response>", escape(text))
}

/// The same reply, tracked: Twilio posts the created message's status (queued, sent, delivered,
/// failed…) to `action` (the `<Message>` verb's status callback; `statusCallback` is its
/// deprecated name), so the reply is `sent` once Twilio says so, not when we answered.
pub fn tracked_message_response(text: &str, action: &str) -> String {
    format!(
        "{HEADER}<Response><Message action=\"{}\" method=\"POST\">{}</Message></Response>",
        escape(action),
        escape(text)
    )
}

/// `<Response/>`: acknowledge without replying.
pub fn empty_response() -> String {
    format!("{HEADER}<Response/>")
}

pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters and the noncharacters U+FFFE and U+FFFF
            // even when escaped (§2.2): Twilio would refuse the whole document. Drop them.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_so_a_reply_cannot_inject_verbs() {
        let xml = message_response("Tom & Jerry's <Redirect>x</Redirect> \"hi\"\u{7}");
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>Tom &amp; Jerry&apos;s \
             &lt;Redirect&gt;x&lt;/Redirect&gt; &quot;hi&quot;</Message></Response>"
        );
    }

    #[test]
    fn drops_the_noncharacters_xml_forbids() {
        // Found by the `twiml` fuzz target: a reply quoting U+FFFF was not well-formed XML.
        let xml = message_response("Claro, ¿a qué hora? \u{1f3e0}\u{ffff}\u{fffe} ok");
        assert!(xml.ends_with("<Message>Claro, ¿a qué hora? \u{1f3e0} ok</Message></Response>"), "{xml}");
    }

    #[test]
    fn a_tracked_reply_names_its_status_url_escaped() {
        let xml = tracked_message_response("Hi & bye", "https://x.example/webhooks/twilio/status?message=msg_1&t=a\"b");
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message \
             action=\"https://x.example/webhooks/twilio/status?message=msg_1&amp;t=a&quot;b\" method=\"POST\">\
             Hi &amp; bye</Message></Response>"
        );
    }

    #[test]
    fn empty_response_sends_nothing() {
        assert!(empty_response().ends_with("<Response/>"));
    }
}
