//! The voice TwiML documents (PROTOCOLS.md §2.1, §3.2). A handful of fixed shapes: a tiny
//! writer over the Messaging module's escaping, no XML crate in the wasm.

use crate::channel::twilio::twiml::{escape, HEADER};
use crate::form::encode_component;

/// How a `<Say>` sounds: its language, and the persona's TTS voice when the tenant set one
/// (`console::settings::is_voice_name` checked it on save; it is escaped here all the same).
#[derive(Debug, Clone, Copy)]
pub struct Speaker<'a> {
    pub language: &'a str,
    pub voice: Option<&'a str>,
}

impl<'a> Speaker<'a> {
    /// The provider's default voice for `language`.
    pub fn default_voice(language: &'a str) -> Self {
        Speaker { language, voice: None }
    }

    /// ` voice="…"`, or nothing.
    fn voice_attribute(&self) -> String {
        self.voice.map(|v| format!(" voice=\"{}\"", escape(v))).unwrap_or_default()
    }
}

/// Everything `<Connect><ConversationRelay>` needs for one call.
pub struct Relay<'a> {
    /// `{PUBLIC_BASE_URL}`, no trailing slash: `https://…`.
    pub base_url: &'a str,
    pub call_sid: &'a str,
    /// The tenant's number the caller rang (`To`): the relay finds the tenant by it.
    pub number: &'a str,
    pub greeting: &'a str,
    pub language: &'a str,
    /// The voice persona's TTS voice (`voice`), else the relay's default.
    pub voice: Option<&'a str>,
    pub hints: &'a str,
    /// The languages the call may switch to with the relay's `language` message
    /// (`voice::language::relay_tags`), each a `<Language code>`.
    pub languages: &'a [String],
    /// `<Parameter>`s: they reach the `CallDO` in `setup.customParameters`.
    pub parameters: &'a [(&'a str, &'a str)],
}

pub const RELAY_PATH: &str = "/webhooks/twilio/relay";
pub const RELAY_ENDED_PATH: &str = "/webhooks/twilio/voice/relay-ended";
pub const GATHER_PATH: &str = "/webhooks/twilio/voice/gather";
pub const RECORDING_PATH: &str = "/webhooks/twilio/voice/recording";

/// The relay WebSocket's URL: the public origin with `wss` for `https` (`ws` for a plain-HTTP
/// development origin), naming the call and the tenant's number.
pub fn relay_url(base_url: &str, call_sid: &str, number: &str) -> String {
    let host = base_url.strip_prefix("https://").map(|h| format!("wss://{h}"));
    let origin = host.unwrap_or_else(|| base_url.replacen("http://", "ws://", 1));
    format!("{origin}{RELAY_PATH}?call={}&to={}", encode_component(call_sid), encode_component(number))
}

/// AI answers over ConversationRelay; when the relay ends, Twilio asks `relay-ended` what next.
pub fn relay(r: &Relay<'_>) -> String {
    let params: String = r
        .parameters
        .iter()
        .map(|(name, value)| format!("<Parameter name=\"{}\" value=\"{}\"/>", escape(name), escape(value)))
        .collect();
    let languages: String = r.languages.iter().map(|code| format!("<Language code=\"{}\"/>", escape(code))).collect();
    format!(
        "{HEADER}<Response><Connect action=\"{}{RELAY_ENDED_PATH}\" method=\"POST\"><ConversationRelay url=\"{}\" \
         welcomeGreeting=\"{}\" language=\"{}\"{} interruptible=\"any\" dtmfDetection=\"true\" hints=\"{}\">{params}\
         {languages}</ConversationRelay></Connect></Response>",
        escape(r.base_url),
        escape(&relay_url(r.base_url, r.call_sid, r.number)),
        escape(r.greeting),
        escape(r.language),
        Speaker { language: r.language, voice: r.voice }.voice_attribute(),
        escape(r.hints),
    )
}

/// One spoken turn: say `text` inside a speech `<Gather>` whose result comes back to
/// `/webhooks/twilio/voice/gather?turn={turn}`: the turn number makes each utterance its own
/// event, and a retried request the same one.
pub fn gather(base_url: &str, turn: u32, text: &str, speaker: Speaker<'_>, hints: &str) -> String {
    format!(
        "{HEADER}<Response><Gather input=\"speech\" action=\"{}{GATHER_PATH}?turn={turn}\" method=\"POST\" \
         speechTimeout=\"auto\" language=\"{}\" hints=\"{}\">{}</Gather>{}</Response>",
        escape(base_url),
        escape(speaker.language),
        escape(hints),
        say_element(text, speaker),
        // A caller who says nothing is not left in silence: the call ends politely.
        say_element("Sorry, I didn't catch that. Goodbye.", speaker),
    )
}

/// Say `text` and hang up.
pub fn say_and_hang_up(text: &str, speaker: Speaker<'_>) -> String {
    format!("{HEADER}<Response>{}<Hangup/></Response>", say_element(text, speaker))
}

/// `<Hangup/>` alone.
pub fn hang_up() -> String {
    format!("{HEADER}<Response><Hangup/></Response>")
}

/// The closed-hours greeting, then a message with transcription; Twilio posts the recording to
/// `/webhooks/twilio/voice/recording` (both as the `<Record>` action and the status callback).
/// `number` (the tenant's, URL-encoded into the callback) names the tenant: a recording status
/// callback carries no `To`.
pub fn voicemail(base_url: &str, number: &str, greeting: &str, speaker: Speaker<'_>) -> String {
    let url = format!("{base_url}{RECORDING_PATH}?number={}", encode_component(number));
    format!(
        "{HEADER}<Response>{}<Record action=\"{}\" method=\"POST\" maxLength=\"120\" playBeep=\"true\" \
         recordingStatusCallback=\"{}\" recordingStatusCallbackMethod=\"POST\" transcribe=\"true\"/><Hangup/></Response>",
        say_element(greeting, speaker),
        escape(&url),
        escape(&url),
    )
}

pub const WHISPER_PATH: &str = "/webhooks/twilio/voice/whisper";
pub const DIAL_ENDED_PATH: &str = "/webhooks/twilio/voice/dial-ended";

/// Put the caller through to a person: `announce` is said to the caller while the phone rings;
/// the person answering first hears the call's summary (`<Number url>` fetches
/// `/webhooks/twilio/voice/whisper`, naming the call and the tenant's number, `caller_id`).
/// When the transfer ends, answered or not, Twilio asks `/webhooks/twilio/voice/dial-ended`
/// (with `DialCallStatus`) what next.
pub fn dial(
    base_url: &str,
    call_sid: &str,
    number: &str,
    caller_id: &str,
    announce: &str,
    speaker: Speaker<'_>,
) -> String {
    let whisper =
        format!("{base_url}{WHISPER_PATH}?call={}&number={}", encode_component(call_sid), encode_component(caller_id));
    format!(
        "{HEADER}<Response>{}<Dial action=\"{}{DIAL_ENDED_PATH}\" method=\"POST\" answerOnBridge=\"true\" callerId=\"{}\" \
         timeout=\"20\"><Number url=\"{}\" method=\"POST\">{}</Number></Dial></Response>",
        say_element(announce, speaker),
        escape(base_url),
        escape(caller_id),
        escape(&whisper),
        escape(number),
    )
}

/// What staff hear on answering a transfer, before the caller is connected (in the default
/// voice: the persona is the caller's).
pub fn whisper(summary: &str, language: &str) -> String {
    format!("{HEADER}<Response>{}</Response>", say_element(summary, Speaker::default_voice(language)))
}

fn say_element(text: &str, speaker: Speaker<'_>) -> String {
    format!("<Say language=\"{}\"{}>{}</Say>", escape(speaker.language), speaker.voice_attribute(), escape(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relay_names_every_attribute_escaped() {
        let xml = relay(&Relay {
            base_url: "https://fd.example",
            call_sid: "CA1",
            number: "+441170000000",
            greeting: "Thanks for calling Tom & Co.",
            language: "en-GB",
            voice: None,
            hints: "Tom & Co,Elm Road",
            languages: &["en-GB".into(), "es-ES".into()],
            parameters: &[("tenant", "ten_1")],
        });
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Connect \
             action=\"https://fd.example/webhooks/twilio/voice/relay-ended\" method=\"POST\"><ConversationRelay \
             url=\"wss://fd.example/webhooks/twilio/relay?call=CA1&amp;to=%2B441170000000\" welcomeGreeting=\"Thanks for calling Tom &amp; Co.\" \
             language=\"en-GB\" interruptible=\"any\" dtmfDetection=\"true\" hints=\"Tom &amp; Co,Elm Road\">\
             <Parameter name=\"tenant\" value=\"ten_1\"/><Language code=\"en-GB\"/><Language code=\"es-ES\"/>\
             </ConversationRelay></Connect></Response>"
        );
    }

    #[test]
    fn the_persona_voice_speaks_the_relay_and_every_say() {
        let relay_xml = relay(&Relay {
            base_url: "https://fd.example",
            call_sid: "CA1",
            number: "+441170000000",
            greeting: "Thanks for calling Harbour Lettings, this is Sam, the AI assistant. How can I help?",
            language: "en-GB",
            voice: Some("en-GB-Neural2-A"),
            hints: "",
            languages: &[],
            parameters: &[],
        });
        assert!(
            relay_xml.contains(
                "welcomeGreeting=\"Thanks for calling Harbour Lettings, this is Sam, the AI assistant. How can I help?\" \
                 language=\"en-GB\" voice=\"en-GB-Neural2-A\" interruptible"
            ),
            "{relay_xml}"
        );
        let sam = Speaker { language: "en-GB", voice: Some("Google.en-GB-Neural2-A") };
        let gathered = gather("https://fd.example", 1, "Hello.", sam, "");
        assert_eq!(
            gathered.matches("<Say language=\"en-GB\" voice=\"Google.en-GB-Neural2-A\">").count(),
            2,
            "{gathered}"
        );
        assert!(say_and_hang_up("Bye.", sam).contains("<Say language=\"en-GB\" voice=\"Google.en-GB-Neural2-A\">Bye."));
        // Checked on save, escaped all the same: a stored value can never leave the attribute.
        let odd = Speaker { language: "en-GB", voice: Some("a\"/><Hangup/>") };
        assert!(say_and_hang_up("Bye.", odd).contains("voice=\"a&quot;/&gt;&lt;Hangup/&gt;\""));
        assert!(!whisper("Ana about a leak.", "en-GB").contains("voice="), "staff hear the default voice");
    }

    #[test]
    fn a_development_origin_gets_a_plain_websocket() {
        assert_eq!(
            relay_url("http://127.0.0.1:8787", "CA 1", "+14155550100"),
            "ws://127.0.0.1:8787/webhooks/twilio/relay?call=CA%201&to=%2B14155550100"
        );
    }

    #[test]
    fn gather_says_the_reply_and_listens_again() {
        let xml = gather("https://fd.example", 2, "Yes <it is>.", Speaker::default_voice("en-US"), "");
        assert!(xml.contains(
            "<Gather input=\"speech\" action=\"https://fd.example/webhooks/twilio/voice/gather?turn=2\" method=\"POST\" \
             speechTimeout=\"auto\""
        ));
        assert!(xml.contains("<Say language=\"en-US\">Yes &lt;it is&gt;.</Say></Gather>"));
    }

    #[test]
    fn voicemail_records_with_transcription_and_callbacks() {
        let xml = voicemail("https://fd.example", "+1415", "Closed.", Speaker::default_voice("en-US"));
        assert!(xml.contains(
            "<Record action=\"https://fd.example/webhooks/twilio/voice/recording?number=%2B1415\" method=\"POST\" \
             maxLength=\"120\" playBeep=\"true\" \
             recordingStatusCallback=\"https://fd.example/webhooks/twilio/voice/recording?number=%2B1415\" \
             recordingStatusCallbackMethod=\"POST\" transcribe=\"true\"/>"
        ));
    }

    #[test]
    fn dial_bridges_on_answer() {
        let en = Speaker::default_voice("en-US");
        let xml = dial("https://fd.example", "CA1", "+15552223333", "+15550001111", "Connecting you now.", en);
        assert!(xml.contains(
            "<Dial action=\"https://fd.example/webhooks/twilio/voice/dial-ended\" method=\"POST\" \
             answerOnBridge=\"true\" callerId=\"+15550001111\" timeout=\"20\"><Number \
             url=\"https://fd.example/webhooks/twilio/voice/whisper?call=CA1&amp;number=%2B15550001111\" \
             method=\"POST\">+15552223333</Number></Dial>"
        ));
    }
}
