//! Which of the six languages a message is in, from function words and diacritics. Short or
//! ambiguous text defaults to English: a wrong "es" for "ok" would switch the reply language,
//! a wrong "en" for "sí" costs little (the next longer message corrects it).

use super::text::Text;
use super::Language;

/// Words typical of each language (folded). Words shared by several languages count for each.
#[rustfmt::skip]
const STOPWORDS: [(Language, &[&str]); 6] = [
    (
        Language::En,
        &[
            "the", "and", "is", "are", "i", "you", "to", "of", "my", "it", "for", "on", "with", "please", "can",
            "what", "this", "that", "have", "want", "need", "would", "like", "me", "there", "we", "be", "do", "thanks",
            "thank", "hi", "hello", "yes", "i'm", "it's", "looking", "find", "book", "how", "when", "where", "will",
            "could", "your", "an", "at", "from", "just", "know", "get", "any", "some", "okay", "ok",
        ],
    ),
    (
        Language::Es,
        &[
            "el", "los", "las", "del", "que", "y", "es", "por", "para", "con", "mi", "quiero", "necesito", "hola",
            "gracias", "esta", "estoy", "tengo", "hay", "pero", "muy", "buenos", "dias", "usted", "puedo", "cuanto",
            "donde", "cuando", "una", "un", "se", "su", "lo", "al", "como", "favor", "si", "buenas", "tardes", "piso",
            "quisiera", "podria", "hacer", "cita", "tiene",
        ],
    ),
    (
        Language::Fr,
        &[
            "le", "les", "des", "du", "et", "est", "je", "vous", "une", "pour", "avec", "mon", "ma", "mes", "pas",
            "ne", "bonjour", "merci", "oui", "il", "elle", "c'est", "j'ai", "suis", "qui", "dans", "sur", "au", "aux",
            "nous", "votre", "s'il", "plait", "voudrais", "bonsoir", "n'est", "d'un", "d'une", "j'aimerais", "peux",
            "chez",
        ],
    ),
    (
        Language::De,
        &[
            "der", "die", "das", "und", "ist", "ich", "sie", "nicht", "ein", "eine", "mit", "fur", "von", "zu", "auf",
            "mein", "meine", "hallo", "danke", "bitte", "ja", "nein", "wir", "haben", "gibt", "es", "guten", "tag",
            "kann", "mochte", "im", "bei", "wie", "einen", "habe", "wohnung", "termin", "konnen", "ihr", "bin", "auch",
        ],
    ),
    (
        Language::Pt,
        &[
            "o", "os", "do", "da", "dos", "das", "e", "um", "uma", "para", "com", "nao", "eu", "voce", "meu", "minha",
            "ola", "obrigado", "obrigada", "sim", "quero", "preciso", "esta", "tem", "em", "no", "na", "por", "favor",
            "bom", "dia", "gostaria", "uma", "marcar", "consulta", "tudo", "bem", "ao",
        ],
    ),
    (
        Language::It,
        &[
            "il", "lo", "gli", "di", "della", "e", "un", "una", "per", "con", "non", "io", "mio", "mia", "ciao",
            "grazie", "si", "voglio", "vorrei", "c'e", "sono", "ho", "che", "in", "buongiorno", "ci", "questo", "del",
            "al", "posso", "prenotare", "appuntamento", "buonasera", "anche", "sei", "molto",
        ],
    ),
];

/// Home and emergency words callers use in short, urgent messages ("Huele a gas en la cocina")
/// where function words are few. Folded (no accents); a word shared by languages counts for each.
#[rustfmt::skip]
const DOMAIN: [(Language, &[&str]); 5] = [
    (Language::Es, &["huele", "olor", "agua", "fuga", "fuego", "humo", "ayuda", "puerta", "llave", "llaves",
                     "cocina", "bano", "techo", "casa", "calefaccion", "luz", "la", "en"]),
    (Language::Fr, &["odeur", "sens", "eau", "fuite", "feu", "fumee", "aide", "porte", "cle", "cles",
                     "cuisine", "plafond", "maison", "chauffage", "courant", "la", "en"]),
    (Language::De, &["riecht", "geruch", "wasser", "feuer", "rauch", "hilfe", "tur", "schlussel", "kuche",
                     "decke", "haus", "heizung", "strom"]),
    (Language::Pt, &["cheiro", "agua", "vazamento", "fuga", "fogo", "fumo", "fumaca", "ajuda", "porta", "chave",
                     "cozinha", "teto", "casa", "aquecimento", "luz"]),
    (Language::It, &["odore", "acqua", "perdita", "fuoco", "fumo", "aiuto", "porta", "chiave", "chiavi",
                     "cucina", "soffitto", "casa", "riscaldamento", "luce", "la"]),
];

/// Words that alone settle the language (greetings and thanks people send on their own).
#[rustfmt::skip]
const DECISIVE: [(Language, &[&str]); 5] = [
    (Language::Es, &["hola", "gracias", "buenos", "buenas", "quiero", "necesito", "quisiera"]),
    (Language::Fr, &["bonjour", "merci", "bonsoir", "voudrais", "j'aimerais", "s'il"]),
    (Language::De, &["hallo", "danke", "guten", "mochte", "ich"]),
    (Language::Pt, &["ola", "obrigado", "obrigada", "gostaria", "voce", "nao"]),
    (Language::It, &["ciao", "grazie", "buongiorno", "buonasera", "vorrei", "voglio"]),
];

fn diacritic_votes(raw: &str) -> [u32; 6] {
    let mut v = [0u32; 6];
    for c in raw.chars() {
        let c = c.to_lowercase().next().unwrap_or(c);
        match c {
            'ñ' | '¿' | '¡' => v[1] += 2,
            'ß' => v[3] += 2,
            'ä' | 'ö' => v[3] += 1,
            'ü' => v[3] += 1,
            'ã' | 'õ' => v[4] += 2,
            'ç' => {
                v[2] += 1;
                v[4] += 1;
            }
            'è' | 'ê' | 'à' | 'â' | 'î' | 'ô' | 'û' | 'œ' | 'ë' | 'ï' => {
                v[2] += 1;
                if matches!(c, 'è' | 'à') {
                    v[5] += 1;
                }
            }
            'ì' | 'ò' | 'ù' => v[5] += 1,
            _ => {}
        }
    }
    v
}

#[rustfmt::skip]
const ORDER: [Language; 6] = [Language::En, Language::Es, Language::Fr, Language::De, Language::Pt, Language::It];

pub(crate) fn detect(t: &Text) -> Language {
    let mut score = diacritic_votes(t.raw).map(|v| v.min(4) as f32);
    for tok in &t.toks {
        for (k, (_, words)) in STOPWORDS.iter().enumerate() {
            if words.contains(&tok.norm.as_str()) {
                score[k] += 1.0;
            }
        }
        for (table, weight) in [(&DOMAIN[..], 1.0), (&DECISIVE[..], 1.5)] {
            for (lang, words) in table {
                if words.contains(&tok.norm.as_str()) {
                    score[ORDER.iter().position(|l| l == lang).unwrap_or(0)] += weight;
                }
            }
        }
    }
    let (best, best_score) =
        score.iter().enumerate().skip(1).fold((0, score[0]), |acc, (k, s)| if *s > acc.1 { (k, *s) } else { acc });
    if best == 0 || best_score < 1.5 || best_score <= score[0] {
        Language::En
    } else {
        ORDER[best]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(s: &str) -> Language {
        detect(&Text::new(s))
    }

    #[test]
    fn detects_each_language() {
        assert_eq!(lang("Hi, I'd like to book a viewing for the flat on Elm Road"), Language::En);
        assert_eq!(lang("Hola, quiero reservar una cita para mañana"), Language::Es);
        assert_eq!(lang("Bonjour, je voudrais visiter l'appartement"), Language::Fr);
        assert_eq!(lang("Guten Tag, ich möchte einen Termin"), Language::De);
        assert_eq!(lang("Olá, gostaria de marcar uma consulta"), Language::Pt);
        assert_eq!(lang("Buongiorno, vorrei prenotare una camera"), Language::It);
        assert_eq!(lang("Gracias"), Language::Es);
        assert_eq!(lang("merci!"), Language::Fr);
        assert_eq!(lang("Danke"), Language::De);
    }

    #[test]
    fn short_urgent_messages_are_read_in_their_language() {
        assert_eq!(lang("Huele a gas en la cocina"), Language::Es);
        assert_eq!(lang("Fuite d'eau au plafond"), Language::Fr);
        assert_eq!(lang("Es riecht nach Gas in der Küche"), Language::De);
        assert_eq!(lang("Cheiro de gás na cozinha"), Language::Pt);
        assert_eq!(lang("C'è una perdita d'acqua dal soffitto"), Language::It);
        assert_eq!(lang("There is a gas smell in the kitchen"), Language::En);
        assert_eq!(lang("Water is leaking from the ceiling in the bathroom"), Language::En);
    }

    #[test]
    fn short_or_ambiguous_text_is_english() {
        for s in ["ok", "", "no", "2", "San Jose", "👍", "si", "a"] {
            assert_eq!(lang(s), Language::En, "{s}");
        }
    }
}
