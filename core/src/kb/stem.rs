//! The Porter (1980) stemmer — the algorithm of SQLite FTS5's `porter` tokenizer — so that the
//! terms core reasons about (synonym keys, a passage's coverage of a question) are the terms
//! the index holds. Input is one lower-case ASCII word; anything else is returned unchanged.

/// The stem of `word` (lower-case ASCII letters; other words come back as they are).
pub fn stem(word: &str) -> String {
    if word.len() <= 2 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return word.to_owned();
    }
    let mut w = Word(word.as_bytes().to_vec());
    w.step1a();
    w.step1b();
    w.step1c();
    w.step2();
    w.step3();
    w.step4();
    w.step5();
    String::from_utf8(w.0).unwrap_or_else(|_| word.to_owned())
}

struct Word(Vec<u8>);

impl Word {
    fn is_consonant(&self, i: usize) -> bool {
        match self.0[i] {
            b'a' | b'e' | b'i' | b'o' | b'u' => false,
            b'y' => i == 0 || !self.is_consonant(i - 1),
            _ => true,
        }
    }

    /// The measure m of the first `len` letters: the number of vowel-consonant sequences.
    fn measure(&self, len: usize) -> usize {
        let mut m = 0;
        let mut i = 0;
        while i < len && self.is_consonant(i) {
            i += 1;
        }
        loop {
            while i < len && !self.is_consonant(i) {
                i += 1;
            }
            if i >= len {
                return m;
            }
            while i < len && self.is_consonant(i) {
                i += 1;
            }
            m += 1;
        }
    }

    fn has_vowel(&self, len: usize) -> bool {
        (0..len).any(|i| !self.is_consonant(i))
    }

    fn double_consonant(&self, len: usize) -> bool {
        len >= 2 && self.0[len - 1] == self.0[len - 2] && self.is_consonant(len - 1)
    }

    /// Consonant-vowel-consonant ending at `len`, the last not w, x or y (*o in the paper).
    fn cvc(&self, len: usize) -> bool {
        len >= 3
            && self.is_consonant(len - 3)
            && !self.is_consonant(len - 2)
            && self.is_consonant(len - 1)
            && !matches!(self.0[len - 1], b'w' | b'x' | b'y')
    }

    fn ends(&self, suffix: &str) -> bool {
        self.0.ends_with(suffix.as_bytes())
    }

    fn stem_len(&self, suffix: &str) -> usize {
        self.0.len() - suffix.len()
    }

    fn replace(&mut self, suffix: &str, with: &str) {
        let at = self.stem_len(suffix);
        self.0.truncate(at);
        self.0.extend_from_slice(with.as_bytes());
    }

    /// Replaces the first matching suffix when the stem before it has measure > `min_m`.
    fn rules(&mut self, rules: &[(&str, &str)], min_m: usize) {
        if let Some((suffix, with)) = rules.iter().find(|(suffix, _)| self.ends(suffix)) {
            if self.measure(self.stem_len(suffix)) > min_m {
                self.replace(suffix, with);
            }
        }
    }

    fn step1a(&mut self) {
        if self.ends("sses") || self.ends("ies") {
            let n = self.0.len();
            self.0.truncate(n - 2);
        } else if self.ends("s") && !self.ends("ss") {
            self.0.pop();
        }
    }

    fn step1b(&mut self) {
        if self.ends("eed") {
            if self.measure(self.stem_len("eed")) > 0 {
                self.0.pop();
            }
            return;
        }
        let suffix = if self.ends("ed") {
            "ed"
        } else if self.ends("ing") {
            "ing"
        } else {
            return;
        };
        if !self.has_vowel(self.stem_len(suffix)) {
            return;
        }
        self.replace(suffix, "");
        if self.ends("at") || self.ends("bl") || self.ends("iz") {
            self.0.push(b'e');
        } else if self.double_consonant(self.0.len()) && !matches!(self.0.last(), Some(b'l' | b's' | b'z')) {
            self.0.pop();
        } else if self.measure(self.0.len()) == 1 && self.cvc(self.0.len()) {
            self.0.push(b'e');
        }
    }

    fn step1c(&mut self) {
        if self.ends("y") && self.has_vowel(self.0.len() - 1) {
            let n = self.0.len();
            self.0[n - 1] = b'i';
        }
    }

    fn step2(&mut self) {
        self.rules(
            &[
                ("ational", "ate"),
                ("tional", "tion"),
                ("enci", "ence"),
                ("anci", "ance"),
                ("izer", "ize"),
                ("bli", "ble"),
                ("alli", "al"),
                ("entli", "ent"),
                ("eli", "e"),
                ("ousli", "ous"),
                ("ization", "ize"),
                ("ation", "ate"),
                ("ator", "ate"),
                ("alism", "al"),
                ("iveness", "ive"),
                ("fulness", "ful"),
                ("ousness", "ous"),
                ("aliti", "al"),
                ("iviti", "ive"),
                ("biliti", "ble"),
                ("logi", "log"),
            ],
            0,
        );
    }

    fn step3(&mut self) {
        self.rules(
            &[
                ("icate", "ic"),
                ("ative", ""),
                ("alize", "al"),
                ("iciti", "ic"),
                ("ical", "ic"),
                ("ful", ""),
                ("ness", ""),
            ],
            0,
        );
    }

    fn step4(&mut self) {
        const SUFFIXES: [&str; 19] = [
            "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou", "ism", "ate",
            "iti", "ous", "ive", "ize",
        ];
        // Longest match first: "ement" before "ment" before "ent".
        let Some(suffix) = SUFFIXES.iter().filter(|s| self.ends(s)).max_by_key(|s| s.len()) else {
            return;
        };
        let at = self.stem_len(suffix);
        if self.measure(at) <= 1 {
            return;
        }
        if *suffix == "ion" && !matches!(self.0.get(at.wrapping_sub(1)), Some(b's' | b't')) {
            return;
        }
        self.0.truncate(at);
    }

    fn step5(&mut self) {
        if self.ends("e") {
            let at = self.0.len() - 1;
            let m = self.measure(at);
            if m > 1 || (m == 1 && !self.cvc(at)) {
                self.0.pop();
            }
        }
        let n = self.0.len();
        if self.measure(n) > 1 && self.double_consonant(n) && self.0[n - 1] == b'l' {
            self.0.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::stem;

    #[test]
    fn matches_the_published_porter_vocabulary() {
        // From Porter's paper and his sample vocabulary/output.
        for (word, expected) in [
            ("caresses", "caress"),
            ("ponies", "poni"),
            ("cats", "cat"),
            ("agreed", "agre"),
            ("plastered", "plaster"),
            ("motoring", "motor"),
            ("hopping", "hop"),
            ("filing", "file"),
            ("happy", "happi"),
            ("relational", "relat"),
            ("conditional", "condit"),
            ("generalization", "gener"),
            ("hopeful", "hope"),
            ("goodness", "good"),
            ("allowance", "allow"),
            ("adjustment", "adjust"),
            ("adoption", "adopt"),
            ("controlling", "control"),
            ("rate", "rate"),
            ("parking", "park"),
            ("allowed", "allow"),
            ("deposits", "deposit"),
            ("viewings", "view"),
            ("furnished", "furnish"),
            ("cancellation", "cancel"),
        ] {
            assert_eq!(stem(word), expected, "{word}");
        }
    }

    #[test]
    fn leaves_short_and_non_ascii_words() {
        assert_eq!(stem("is"), "is");
        assert_eq!(stem("24"), "24");
        assert_eq!(stem("wi-fi"), "wi-fi");
    }
}
