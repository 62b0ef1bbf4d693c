//! The utterance as tokens. Every token keeps its byte span in the original text, so a slot's
//! `text` is always a verbatim slice; matching happens on a folded form (lower case, Latin
//! diacritics removed, typographic apostrophes straightened) so `Mañana`, `manana` and
//! `MAÑANA` are one word. Phrase patterns are space-separated folded words; a trailing `*`
//! matches any word with that prefix (`book*` matches `booking`).

/// Inputs are cut to this many bytes (on a char boundary): enough for any real message, and it
/// bounds the work a hostile input can cause.
pub(crate) const MAX_BYTES: usize = 4096;

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub start: usize,
    pub end: usize,
    /// Folded form used for matching.
    pub norm: String,
    /// First character is upper case in the original.
    pub cap: bool,
}

#[derive(Debug)]
pub(crate) struct Text<'a> {
    pub raw: &'a str,
    pub toks: Vec<Token>,
}

/// Cuts `s` to at most [`MAX_BYTES`] on a char boundary.
pub(crate) fn clamp(s: &str) -> &str {
    if s.len() <= MAX_BYTES {
        return s;
    }
    let mut end = MAX_BYTES;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// Lower-cases and strips the diacritics of the Latin letters the six languages use.
pub(crate) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        for l in c.to_lowercase() {
            match l {
                'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => out.push('a'),
                'ç' => out.push('c'),
                'è' | 'é' | 'ê' | 'ë' => out.push('e'),
                'ì' | 'í' | 'î' | 'ï' => out.push('i'),
                'ñ' => out.push('n'),
                'ò' | 'ó' | 'ô' | 'õ' | 'ö' => out.push('o'),
                'ù' | 'ú' | 'û' | 'ü' => out.push('u'),
                'ý' | 'ÿ' => out.push('y'),
                'ß' => out.push_str("ss"),
                'œ' => out.push_str("oe"),
                'æ' => out.push_str("ae"),
                'º' | 'ª' => {}
                '’' => out.push('\''),
                other => out.push(other),
            }
        }
    }
    out
}

impl<'a> Text<'a> {
    pub fn new(raw: &'a str) -> Self {
        let raw = clamp(raw);
        let chars: Vec<(usize, char)> = raw.char_indices().collect();
        let mut toks = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if !chars[i].1.is_alphanumeric() {
                i += 1;
                continue;
            }
            let start = i;
            let mut j = i + 1;
            while j < chars.len() {
                let c = chars[j].1;
                if c.is_alphanumeric() {
                    j += 1;
                    continue;
                }
                let (prev, next) = (chars[j - 1].1, chars.get(j + 1).map(|p| p.1));
                let joins = match next {
                    Some(n) if is_apostrophe(c) => prev.is_alphabetic() && n.is_alphabetic(),
                    Some(n) if matches!(c, ':' | '.' | ',' | '/' | '-') => prev.is_ascii_digit() && n.is_ascii_digit(),
                    _ => false,
                };
                if !joins {
                    break;
                }
                j += 1;
            }
            let (s, e) = (chars[start].0, chars.get(j).map_or(raw.len(), |p| p.0));
            let word = &raw[s..e];
            toks.push(Token { start: s, end: e, norm: fold(word), cap: chars[start].1.is_uppercase() });
            i = j;
        }
        Text { raw, toks }
    }

    pub fn len(&self) -> usize {
        self.toks.len()
    }

    /// The folded word at `i`, or "" past the end.
    pub fn w(&self, i: usize) -> &str {
        self.toks.get(i).map_or("", |t| t.norm.as_str())
    }

    /// The verbatim text of tokens `from..to` (exclusive), including what lies between them.
    pub fn slice(&self, from: usize, to: usize) -> &'a str {
        if from >= to || to > self.toks.len() {
            return "";
        }
        &self.raw[self.toks[from].start..self.toks[to - 1].end]
    }

    /// The raw text between token `i - 1` and token `i` (the start of the text for `i == 0`).
    pub fn gap(&self, i: usize) -> &'a str {
        let end = self.toks.get(i).map_or(self.raw.len(), |t| t.start);
        let start = if i == 0 { 0 } else { self.toks.get(i - 1).map_or(end, |t| t.end) };
        self.raw.get(start..end).unwrap_or("")
    }

    /// A sentence ends between `i - 1` and `i` (`. ? ! ;`), ignoring the dot of an abbreviation.
    pub fn breaks_before(&self, i: usize) -> bool {
        let gap = self.gap(i);
        if gap.contains(['?', '!', ';', '\n']) {
            return true;
        }
        gap.contains('.')
            && !matches!(self.w(i.wrapping_sub(1)), "dr" | "st" | "mr" | "mrs" | "ms" | "mt" | "jr")
            && self.w(i.wrapping_sub(1)).chars().count() > 1
    }

    /// Whether the words starting at `i` match the pattern words.
    pub fn at(&self, mut i: usize, pattern: &str) -> bool {
        // Split on bytes: this is the NLU's innermost loop (every token × every pattern), and
        // `str::split(' ')` builds a char searcher per call, which dominated its profile.
        let mut words = pattern.as_bytes().split(|&b| b == b' ');
        words.all(|word| {
            let matched = self.toks.get(i).is_some_and(|tok| bytes_match(word, tok.norm.as_bytes()));
            i += 1;
            matched
        })
    }

    /// Index of the first occurrence of `pattern`.
    pub fn find(&self, pattern: &str) -> Option<usize> {
        (0..self.toks.len()).find(|&i| self.at(i, pattern))
    }

    pub fn has(&self, pattern: &str) -> bool {
        self.find(pattern).is_some()
    }

    pub fn has_any(&self, patterns: &[&str]) -> bool {
        patterns.iter().any(|p| self.has(p))
    }

    /// First match of any pattern: (token index, length in words).
    pub fn find_any(&self, patterns: &[&str]) -> Option<(usize, usize)> {
        (0..self.toks.len()).find_map(|i| patterns.iter().find(|p| self.at(i, p)).map(|p| (i, p.split(' ').count())))
    }

    /// Every match of any pattern: (token index, length in words).
    pub fn find_all(&self, patterns: &[&str]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for i in 0..self.toks.len() {
            if let Some(p) = patterns.iter().find(|p| self.at(i, p)) {
                out.push((i, p.split(' ').count()));
            }
        }
        out
    }

    /// Any word in `from..to` (clamped) matches one of `words` (single words with optional `*`).
    pub fn any_in(&self, from: usize, to: usize, words: &[&str]) -> bool {
        (from..to.min(self.toks.len())).any(|k| words.iter().any(|p| word_matches(p, &self.toks[k].norm)))
    }
}

fn bytes_match(pattern: &[u8], word: &[u8]) -> bool {
    match pattern.split_last() {
        Some((b'*', prefix)) => word.starts_with(prefix),
        _ => pattern == word,
    }
}

pub(crate) fn word_matches(pattern: &str, word: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => pattern == word,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_spans_and_fold() {
        let t = Text::new("¿Mañana a las 15:30? I don’t know, $1,500 at 12/03.");
        let words: Vec<&str> = t.toks.iter().map(|t| t.norm.as_str()).collect();
        assert_eq!(words, ["manana", "a", "las", "15:30", "i", "don't", "know", "1,500", "at", "12/03"]);
        assert_eq!(t.slice(0, 1), "Mañana");
        assert_eq!(t.slice(4, 7), "I don’t know");
        assert!(t.toks[0].cap);
        assert!(t.has("don't know"));
        assert!(t.has("manan*"));
        assert!(t.breaks_before(4));
    }

    #[test]
    fn clamps_huge_input_on_a_char_boundary() {
        let huge = "é".repeat(10_000);
        let t = Text::new(&huge);
        assert!(t.raw.len() <= MAX_BYTES);
        assert_eq!(t.len(), 1);
        assert_eq!(Text::new("").len(), 0);
        assert_eq!(Text::new("  ?!  ").slice(0, 1), "");
    }
}
