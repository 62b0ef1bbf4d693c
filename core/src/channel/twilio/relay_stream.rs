//! A reply spoken while it is still being written: the brain's text arrives in pieces (an LLM's
//! stream), and each sentence is said as soon as it is whole, under the same policy as a reply
//! that arrives at once (`relay::spoken`): the first sentences, and a closing question that the
//! cut would otherwise lose. Tokens go out as `text` messages; the end of a streamed reply is
//! only known later, so it is an empty token with `last: true`.

use serde_json::json;

/// At most this many sentences are spoken per turn, plus the reply's closing question: a caller
/// cannot scroll back, but must hear what they are asked.
const SPOKEN_SENTENCES: usize = 2;

/// At most this many words are held before they are said: a phrase, short enough that the
/// caller hears the start of a long sentence while the model is still writing its end.
const PHRASE_WORDS: usize = 4;

/// Phrases in the order they may be said, as the reply's text comes in. The first sentences are
/// always said, so their phrases go out as soon as they are whole (at a clause mark or every
/// few words); later sentences wait, as only a closing question among them is said.
#[derive(Debug, Default)]
pub struct SpokenStream {
    /// Text not yet ending in whitespace: its last word may still grow.
    pending: String,
    /// Whole words of the sentence being written, and how many of them are already said.
    sentence: Vec<String>,
    said_words: usize,
    spoken: usize,
    /// A question past the cut, said at the end if nothing follows it.
    closing_question: Option<String>,
}

impl SpokenStream {
    /// The phrases `delta` completes that are to be said now.
    pub fn push(&mut self, delta: &str) -> Vec<String> {
        self.pending.push_str(delta);
        let Some(cut) = self.pending.rfind(char::is_whitespace) else { return Vec::new() };
        let whole: String = self.pending.drain(..cut).collect();
        let mut out = Vec::new();
        for word in whole.split_whitespace() {
            self.word(word, &mut out);
        }
        out
    }

    /// The reply has ended: the rest of its last sentence, and the closing question, if they
    /// are to be said.
    pub fn finish(&mut self) -> Vec<String> {
        let rest = std::mem::take(&mut self.pending);
        let mut out = Vec::new();
        for word in rest.split_whitespace() {
            self.word(word, &mut out);
        }
        if !self.sentence.is_empty() {
            self.say_unsaid(&mut out);
            let last = std::mem::take(&mut self.sentence).join(" ");
            self.sentence_done(last);
        }
        out.extend(self.closing_question.take());
        out
    }

    fn word(&mut self, word: &str, out: &mut Vec<String>) {
        self.sentence.push(word.to_owned());
        // Prices and times keep their inner stops ("£1.5", "10.30"): only a word's end counts.
        let ends_sentence = word.ends_with(['.', '?', '!']);
        let ends_phrase = ends_sentence || word.ends_with([',', ';', ':']);
        if ends_phrase || self.sentence.len() - self.said_words >= PHRASE_WORDS {
            self.say_unsaid(out);
        }
        if ends_sentence {
            let sentence = std::mem::take(&mut self.sentence).join(" ");
            self.sentence_done(sentence);
        }
    }

    /// The words of the sentence not said yet, when it is one of those always said.
    fn say_unsaid(&mut self, out: &mut Vec<String>) {
        if self.spoken < SPOKEN_SENTENCES && self.said_words < self.sentence.len() {
            out.push(self.sentence[self.said_words..].join(" "));
            self.said_words = self.sentence.len();
        }
    }

    fn sentence_done(&mut self, sentence: String) {
        self.said_words = 0;
        if self.spoken < SPOKEN_SENTENCES {
            self.spoken += 1;
        } else {
            // Only the reply's very last sentence is a closing question.
            self.closing_question = Some(sentence).filter(|s| s.ends_with('?'));
        }
    }
}

/// The whole of a reply that arrived at once, as said on a call.
pub fn spoken(reply: &str) -> String {
    let mut stream = SpokenStream::default();
    let mut said = stream.push(reply);
    said.extend(stream.finish());
    said.join(" ")
}

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

    /// What a stream says when the reply arrives in `pieces`.
    fn said(pieces: &[&str]) -> Vec<String> {
        let mut stream = SpokenStream::default();
        let mut out: Vec<String> = pieces.iter().flat_map(|p| stream.push(p)).collect();
        out.extend(stream.finish());
        out
    }

    #[test]
    fn a_phrase_is_said_as_soon_as_it_is_whole() {
        let mut stream = SpokenStream::default();
        assert_eq!(stream.push("Yes, the flat is avail"), vec!["Yes,"], "a clause mark ends a phrase");
        assert!(stream.push("able.").is_empty(), "the stop may still be an inner one");
        assert_eq!(stream.push(" It costs £1,450"), vec!["the flat is available."]);
        assert_eq!(
            stream.push(" a month, all bills included. Would"),
            vec!["It costs £1,450 a", "month,", "all bills included."]
        );
        assert!(
            stream.push(" you like to view it on Friday").is_empty(),
            "a third sentence waits: it may not be the last"
        );
        assert_eq!(stream.finish(), Vec::<String>::new(), "a third sentence that is not a question is cut");
    }

    #[test]
    fn a_long_phrase_goes_out_every_few_words() {
        let mut stream = SpokenStream::default();
        assert_eq!(
            stream.push("The flat on Elm Road is a bright two bedroom "),
            vec!["The flat on Elm", "Road is a bright"]
        );
        assert_eq!(stream.finish(), vec!["two bedroom"]);
    }

    #[test]
    fn pieces_cut_anywhere_say_what_the_whole_reply_says() {
        let reply = "Hi! It is £1,450 a month. It has a garden. When would you like to view it?";
        assert_eq!(spoken(reply), "Hi! It is £1,450 a month. When would you like to view it?");
        let pieces: Vec<String> = reply.chars().collect::<Vec<_>>().chunks(3).map(|c| c.iter().collect()).collect();
        let pieces: Vec<&str> = pieces.iter().map(String::as_str).collect();
        assert_eq!(said(&pieces).join(" "), spoken(reply));
        assert_eq!(said(&[reply]).join(" "), spoken(reply));
    }

    #[test]
    fn only_the_last_sentence_is_a_closing_question() {
        assert_eq!(spoken("One. Two? Three! Four."), "One. Two?");
        assert_eq!(spoken("One. Two. Three? Four."), "One. Two.");
        assert_eq!(spoken("Just one line"), "Just one line");
        assert_eq!(spoken(""), "");
    }

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
