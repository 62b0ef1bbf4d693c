//! ConversationRelay `text` tokens: a reply known whole, or phrases said while the reply is
//! still being written (`voice::speech::cut::SpokenStream`), whose end is only known later and
//! is then an empty token with `last: true`.

use serde_json::json;

/// Words per `text` token: small enough that Twilio starts speaking early, few enough messages.
const WORDS_PER_TOKEN: usize = 4;

/// `text` tokens of `text`; after the first token of a reply each starts with its space, so the
/// tokens' concatenation is the reply.
fn tokens(text: &str, started: bool) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    words
        .chunks(WORDS_PER_TOKEN)
        .enumerate()
        .map(|(i, chunk)| if i == 0 && !started { chunk.join(" ") } else { format!(" {}", chunk.join(" ")) })
        .collect()
}

fn message(token: &str, last: bool) -> String {
    json!({ "type": "text", "token": token, "last": last }).to_string()
}

/// `text` messages for phrases said as they are written: each goes out at once, and the
/// reply's end, known only later, is an empty token with `last: true`.
#[derive(Debug, Default)]
pub struct TokenWriter {
    started: bool,
}

impl TokenWriter {
    pub fn phrase(&mut self, phrase: &str) -> Vec<String> {
        let out: Vec<String> = tokens(phrase, self.started).iter().map(|t| message(t, false)).collect();
        self.started |= !out.is_empty();
        out
    }

    /// The reply's end, if anything was said.
    pub fn finish(&mut self) -> Option<String> {
        std::mem::take(&mut self.started).then(|| message("", true))
    }
}

/// A reply known whole as `text` messages, `last: true` on its final token.
pub fn text_messages(reply: &str) -> Vec<String> {
    let tokens = tokens(reply, false);
    let count = tokens.len();
    tokens.iter().enumerate().map(|(i, t)| message(t, i + 1 == count)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(messages: &[String]) -> Vec<serde_json::Value> {
        messages.iter().map(|m| serde_json::from_str(m).unwrap()).collect()
    }

    #[test]
    fn streamed_tokens_rebuild_the_sentences_and_end_with_an_empty_last_token() {
        let mut writer = TokenWriter::default();
        let mut messages = writer.phrase("Yes, the flat on Elm Road is available.");
        messages.extend(writer.phrase("Would you like to view it?"));
        messages.extend(writer.finish());
        let messages = parsed(&messages);
        let joined: String = messages.iter().map(|m| m["token"].as_str().unwrap()).collect();
        assert_eq!(joined, "Yes, the flat on Elm Road is available. Would you like to view it?");
        assert!(messages[..messages.len() - 1].iter().all(|m| m["last"] == false && m["type"] == "text"));
        assert_eq!(messages.last().unwrap(), &json!({ "type": "text", "token": "", "last": true }));
        assert_eq!(TokenWriter::default().finish(), None, "nothing said, nothing to end");
    }

    #[test]
    fn a_whole_reply_marks_its_final_token_last() {
        let reply = "Yes, the flat on Elm Road is available. Would you like to view it?";
        let messages = parsed(&text_messages(reply));
        assert!(messages.len() > 1);
        assert_eq!(messages.iter().map(|m| m["token"].as_str().unwrap()).collect::<String>(), reply);
        assert!(messages[..messages.len() - 1].iter().all(|m| m["last"] == false));
        assert_eq!(messages.last().unwrap()["last"], true);
        assert!(text_messages("").is_empty());
    }
}
