//! How much of a reply is said: a caller cannot scroll back, but must hear what they are asked.
//! The same policy whether the reply arrives whole or in pieces as a model writes it
//! (`SpokenStream`, which lets the first sentences out phrase by phrase).

/// At most this many sentences are spoken per turn, plus the reply's closing question.
const SPOKEN_SENTENCES: usize = 2;

/// The reply's first sentences and, when that cut a question off the end, that question (the
/// next step). A text reply's detail is for reading.
pub fn cut(reply: &str) -> String {
    let mut stream = SpokenStream::default();
    let mut said = stream.push(reply);
    said.extend(stream.finish());
    said.join(" ")
}

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
    /// Runs of words never split across phrases (lowercase), e.g. the tenant's pronunciation
    /// entries: "Elm Road" said as "Elm Rode" only works while both words are in one phrase.
    together: Vec<Vec<String>>,
}

impl SpokenStream {
    /// A stream that never cuts a phrase inside one of `runs` (each a word or words).
    pub fn keeping_together<'a>(runs: impl IntoIterator<Item = &'a str>) -> Self {
        let together = runs
            .into_iter()
            .map(|run| run.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>())
            .filter(|words| words.len() > 1)
            .collect();
        Self { together, ..Self::default() }
    }

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
        let ends_sentence = ends_sentence(word);
        let ends_phrase = ends_sentence || word.ends_with([',', ';', ':']);
        let long_enough = self.sentence.len() - self.said_words >= PHRASE_WORDS && !self.inside_run();
        if ends_phrase || long_enough {
            self.say_unsaid(out);
        }
        if ends_sentence {
            let sentence = std::mem::take(&mut self.sentence).join(" ");
            self.sentence_done(sentence);
        }
    }

    /// Whether the unsaid words end partway into a run kept together (their last words are
    /// the start of one, not all of it).
    fn inside_run(&self) -> bool {
        let unsaid = &self.sentence[self.said_words..];
        self.together.iter().any(|run| {
            (1..run.len().min(unsaid.len() + 1)).any(|k| {
                let tail = &unsaid[unsaid.len() - k..];
                tail.iter().zip(&run[..k]).all(|(word, want)| bare(word) == *want)
            })
        })
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

/// A word as a run compares it: lowercase, without the punctuation around it.
fn bare(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()
}

/// Abbreviations whose full stop is not a sentence's end ("approx. £1,250 a month").
const NOT_AN_END: [&str; 14] =
    ["approx.", "e.g.", "i.e.", "incl.", "no.", "mr.", "mrs.", "ms.", "dr.", "st.", "p.a.", "p.w.", "p.c.m.", "vs."];

/// Whether `word` closes its sentence. Prices and times keep their inner stops ("£1.5", "10.30"): only a word's end counts.
pub(super) fn ends_sentence(word: &str) -> bool {
    word.ends_with(['.', '?', '!']) && !NOT_AN_END.iter().any(|a| word.eq_ignore_ascii_case(a))
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
    fn a_run_kept_together_is_never_split_across_phrases() {
        let mut stream = SpokenStream::keeping_together(["Elm Road", "Marylebone", "St John's Wood Road"]);
        assert_eq!(
            stream.push("The flat on Elm Road is a bright two bedroom "),
            vec!["The flat on Elm Road", "is a bright two"],
            "the phrase waits for the run's last word"
        );
        assert_eq!(stream.push("in St John's Wood Road now. "), vec!["bedroom in St John's Wood Road", "now."]);
        let mut stream = SpokenStream::keeping_together(["Elm Road"]);
        assert_eq!(stream.push("We are near an elm tree and more "), vec!["We are near an", "elm tree and more"]);
    }

    #[test]
    fn pieces_cut_anywhere_say_what_the_whole_reply_says() {
        let reply = "Hi! It is £1,450 a month. It has a garden. When would you like to view it?";
        assert_eq!(cut(reply), "Hi! It is £1,450 a month. When would you like to view it?");
        let pieces: Vec<String> = reply.chars().collect::<Vec<_>>().chunks(3).map(|c| c.iter().collect()).collect();
        let pieces: Vec<&str> = pieces.iter().map(String::as_str).collect();
        assert_eq!(said(&pieces).join(" "), cut(reply));
        assert_eq!(said(&[reply]).join(" "), cut(reply));
    }

    #[test]
    fn only_the_last_sentence_is_a_closing_question() {
        assert_eq!(cut("One. Two? Three! Four."), "One. Two?");
        assert_eq!(cut("One. Two. Three? Four."), "One. Two.");
        assert_eq!(cut("Just one line"), "Just one line");
        assert_eq!(cut(""), "");
    }
}
