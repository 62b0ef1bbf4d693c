//! Emergencies and urgency. An emergency is a phrase from a small multilingual lexicon (gas,
//! water coming in, fire, no heat, no power, locked out, injury, break-in) that is not negated:
//! a negator in the three words before the phrase ("no gas smell", "I can't smell gas any
//! more") or a "fixed"/"sorted" right after it cancels it. Phrases that are themselves negative
//! ("no heating", "sin luz", "kein Strom") are matched whole, so their own "no" is not a negator.

use super::text::Text;
use super::{Emergency, Intent, Urgency};

/// (kind, phrases). Checked in this order; the first unnegated match wins.
#[rustfmt::skip]
const EMERGENCIES: &[(Emergency, &[&str])] = &[
    (
        Emergency::GasLeak,
        &[
            "smell gas", "smell of gas", "smells of gas", "smells like gas", "smelling gas", "gas smell", "gas leak*",
            "leaking gas", "gas is leaking", "carbon monoxide", "co alarm", "olor a gas", "huele a gas",
            "fuga de gas", "escape de gas", "odeur de gaz", "fuite de gaz", "sent le gaz", "gasgeruch", "gasleck",
            "riecht nach gas", "cheiro de gas", "cheiro a gas", "vazamento de gas", "fuga de gas", "odore di gas",
            "puzza di gas", "fuga di gas", "perdita di gas",
        ],
    ),
    (
        Emergency::Fire,
        &[
            "fire", "on fire", "flames", "smoke coming", "smoke is coming", "full of smoke", "burning smell",
            "something is burning", "smell of burning", "incendio", "fuego", "humo", "incendie", "au feu", "fumee",
            "feuer", "es brennt", "rauch", "incendio", "fogo", "fumaca", "fuoco", "fumo",
        ],
    ),
    (
        Emergency::Flood,
        &[
            "flood*", "water pouring", "water is pouring", "water coming through", "water is coming through",
            "water coming in", "water everywhere", "water gushing", "gushing water", "pouring water", "burst pipe",
            "pipe burst", "pipe has burst", "pipes burst", "pouring through", "pouring in", "inundacion", "inundado",
            "inundada", "se inunda", "tuberia rota", "tuberia reventada", "inondation", "inonde", "inondee",
            "degat des eaux", "uberschwemmung", "uberschwemmt", "wasserschaden", "rohrbruch", "inundacao", "alagado",
            "alagada", "cano estourado", "allagamento", "allagato", "allagata", "tubo rotto", "tubo scoppiato",
        ],
    ),
    (
        Emergency::NoHeat,
        &[
            "no heat*", "heating is not working", "heating isn't working", "heating's not working",
            "heating not working", "heating is broken", "heating broke*", "heating has broken", "heating stopped",
            "heating is off", "heating's off", "heating is out", "heat is out", "heat is off", "heat's off",
            "heat isn't working", "heat is not working", "boiler is broken", "boiler broke*", "boiler's broken",
            "boiler has broken", "boiler isn't working", "boiler is not working", "boiler not working",
            "boiler stopped", "furnace is out", "furnace isn't working", "furnace is not working", "furnace broke*",
            "don't have heat*", "haven't got heat*", "without heat*", "sin calefaccion", "no hay calefaccion",
            "calefaccion no funciona", "calefaccion esta rota", "pas de chauffage", "plus de chauffage",
            "chauffage en panne", "chauffage ne marche", "chauffage ne fonctionne", "keine heizung",
            "heizung ist ausgefallen", "heizung ausgefallen", "heizung geht nicht", "heizung funktioniert nicht",
            "heizung ist kaputt", "sem aquecimento", "aquecimento nao funciona", "senza riscaldamento",
            "niente riscaldamento", "riscaldamento non funziona", "riscaldamento e rotto",
        ],
    ),
    (
        Emergency::NoPower,
        &[
            "no power", "power is out", "power's out", "power went out", "power has gone", "power cut",
            "power outage", "no electricity", "electricity is out", "electricity has gone", "blackout", "sin luz",
            "no hay luz", "sin electricidad", "apagon", "pas d'electricite", "plus d'electricite",
            "coupure de courant", "panne de courant", "panne d'electricite", "pas de courant", "plus de courant",
            "kein strom", "stromausfall", "sem luz", "sem energia", "falta de luz", "apagao", "senza corrente",
            "niente corrente", "senza luce", "manca la corrente", "manca la luce",
        ],
    ),
    (
        Emergency::Lockout,
        &[
            "locked out", "lock myself out", "locked myself out", "locked my keys", "lost my key*", "lost the key*",
            "can't get in", "cannot get in", "can't get into", "cannot get into", "me quede fuera",
            "me he quedado fuera", "perdi las llaves", "perdi mis llaves", "no puedo entrar", "enferme dehors",
            "enfermee dehors", "perdu mes cles", "perdu mes clefs", "je ne peux pas entrer", "ausgesperrt",
            "schlussel verloren", "komme nicht rein", "trancado do lado de fora", "trancada do lado de fora",
            "perdi as chaves", "perdi a chave", "chiuso fuori", "chiusa fuori", "perso le chiavi",
        ],
    ),
    (
        Emergency::Injury,
        &[
            "injured", "hurt myself", "is hurt", "got hurt", "badly hurt", "bleeding", "ambulance", "unconscious",
            "not breathing", "broke my leg", "broke my arm", "broken leg", "broken arm", "heart attack", "herido",
            "herida", "sangrando", "ambulancia", "blesse", "blessee", "saigne", "ambulance", "verletzt", "blutet",
            "krankenwagen", "ferido", "ferida", "ambulancia", "ferito", "ferita", "sanguina", "ambulanza",
        ],
    ),
    (
        Emergency::Security,
        &[
            "break in", "break-in", "broke in", "broken into", "broke into", "burglar*", "intruder",
            "someone is in my", "somebody is in my", "robbed", "robo", "entraron a robar", "ladron", "cambriolage",
            "cambriole", "cambriolee", "effraction", "einbruch", "eingebrochen", "einbrecher", "assalto", "arrombad*",
            "invadiram", "furto", "scasso", "ladri", "rapina",
        ],
    ),
];

/// Words that negate a following emergency phrase.
#[rustfmt::skip]
const NEGATORS: &[&str] = &[
    "no", "not", "don't", "dont", "doesn't", "doesnt", "isn't", "isnt", "never", "without", "can't", "cant", "cannot",
    "didn't", "didnt", "nothing", "wasn't", "there's no", "sin", "nunca", "ningun", "ninguna", "pas", "plus", "sans",
    "aucun", "aucune", "jamais", "kein", "keine", "keinen", "nicht", "nie", "ohne", "nao", "sem", "nenhum", "nenhuma",
    "non", "senza", "nessun", "nessuna", "mai", "n'y", "false", "test",
];
#[rustfmt::skip]
const RESOLVED: &[&str] = &["fixed", "sorted", "resolved", "repaired", "gone", "drill", "alarm test"];

fn negated(t: &Text, start: usize, end: usize) -> bool {
    let before = t.any_in(start.saturating_sub(3), start, NEGATORS);
    let after = (end..(end + 3).min(t.len())).any(|k| RESOLVED.iter().any(|r| t.at(k, r)));
    // "no gas smell", "there's no smell of gas": a negator right before, in the same sentence.
    let same_sentence = (start.saturating_sub(3) + 1..=start).all(|k| !t.breaks_before(k));
    (before && same_sentence) || after
}

/// The emergency this message reports, if any.
pub(crate) fn emergency(t: &Text) -> Option<Emergency> {
    for (kind, phrases) in EMERGENCIES {
        for (start, len) in t.find_all(phrases) {
            // "fire" in "fire alarm test", "fire exit", "cease fire" is not a fire.
            if *kind == Emergency::Fire
                && t.w(start) == "fire"
                && t.any_in(
                    start + 1,
                    start + 2,
                    &["alarm", "exit", "door", "place", "safety", "extinguisher", "escape", "drill", "pit"],
                )
            {
                continue;
            }
            if !negated(t, start, start + len) {
                return Some(*kind);
            }
        }
    }
    None
}

#[rustfmt::skip]
const URGENT: &[&str] = &[
    "urgent*", "asap", "as soon as possible", "immediately", "right now", "right away", "emergency", "straight away",
    "today please", "can't wait", "cannot wait", "urgente*", "cuanto antes", "lo antes posible", "de inmediato",
    "ahora mismo", "tout de suite", "au plus vite", "immediatement", "des que possible", "dringend", "sofort",
    "so schnell wie moglich", "notfall", "o mais rapido", "imediatamente", "agora mesmo", "subito",
    "il prima possibile", "immediatamente", "leak*", "no hot water", "broken", "not working",
];

pub(crate) fn urgency(t: &Text, intent: Intent, emergency: Option<Emergency>) -> Urgency {
    if emergency.is_some() {
        return Urgency::Critical;
    }
    let urgent_words = t.has_any(URGENT);
    match intent {
        Intent::MaintenanceRequest | Intent::Complaint if urgent_words => Urgency::High,
        _ if urgent_words && t.has_any(&["urgent*", "asap", "emergency", "urgente*", "dringend", "notfall"]) => {
            Urgency::High
        }
        Intent::ThanksGoodbye
        | Intent::Greeting
        | Intent::Affirm
        | Intent::Deny
        | Intent::OptOut
        | Intent::WrongNumberSpam => Urgency::Low,
        _ => Urgency::Normal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn em(s: &str) -> Option<Emergency> {
        emergency(&Text::new(s))
    }

    #[test]
    fn english_emergencies() {
        assert_eq!(em("There's water pouring through my ceiling"), Some(Emergency::Flood));
        assert_eq!(em("I can smell gas"), Some(Emergency::GasLeak));
        assert_eq!(em("I'm locked out"), Some(Emergency::Lockout));
        assert_eq!(em("no heating and it's freezing"), Some(Emergency::NoHeat));
        assert_eq!(em("The kitchen is on fire!"), Some(Emergency::Fire));
        assert_eq!(em("power cut in the whole flat"), Some(Emergency::NoPower));
        assert_eq!(em("Someone broke in last night"), Some(Emergency::Security));
        assert_eq!(em("my son fell and is bleeding"), Some(Emergency::Injury));
        assert_eq!(em("the boiler is broken"), Some(Emergency::NoHeat));
    }

    #[test]
    fn other_languages() {
        assert_eq!(em("Huele a gas en la cocina"), Some(Emergency::GasLeak));
        assert_eq!(em("Me quedé fuera de casa"), Some(Emergency::Lockout));
        assert_eq!(em("Il y a une fuite de gaz"), Some(Emergency::GasLeak));
        assert_eq!(em("Plus de chauffage depuis hier"), Some(Emergency::NoHeat));
        assert_eq!(em("Die Wohnung ist überschwemmt"), Some(Emergency::Flood));
        assert_eq!(em("Wir haben keine Heizung"), Some(Emergency::NoHeat));
        assert_eq!(em("Sem luz no apartamento"), Some(Emergency::NoPower));
        assert_eq!(em("Mi sono chiuso fuori"), Some(Emergency::Lockout));
    }

    #[test]
    fn negation_and_false_friends() {
        assert_eq!(em("no gas smell, just checking the meter"), None);
        assert_eq!(em("there's no smell of gas"), None);
        assert_eq!(em("I don't smell gas any more"), None);
        assert_eq!(em("the gas leak was fixed yesterday"), None);
        assert_eq!(em("is there a fire alarm test today?"), None);
        assert_eq!(em("is smoking allowed?"), None);
        assert_eq!(em("I'd like to book a viewing"), None);
        assert_eq!(em("Il n'y a pas de fuite de gaz"), None);
        assert_eq!(em("Es gibt keinen Rauch"), None);
    }

    #[test]
    fn urgency_levels() {
        let t = Text::new("the sink is leaking, please come asap");
        assert_eq!(urgency(&t, Intent::MaintenanceRequest, None), Urgency::High);
        assert_eq!(urgency(&Text::new("thanks!"), Intent::ThanksGoodbye, None), Urgency::Low);
        assert_eq!(urgency(&Text::new("a 2 bed flat"), Intent::PropertyEnquiryRent, None), Urgency::Normal);
        assert_eq!(urgency(&Text::new("gas"), Intent::Emergency, Some(Emergency::GasLeak)), Urgency::Critical);
    }
}
