//! Whole-pipeline tests: what [`understand`] returns for realistic messages.

use super::*;
use serde_json::json;

const TODAY: CivilDate = CivilDate { year: 2026, month: 11, day: 23 }; // a Monday

fn run(utterance: &str, system: Option<&str>, template: Option<&str>) -> Understanding {
    understand(&Input { utterance, system_before: system, tenant_template: template, today: TODAY })
}

fn intent(utterance: &str, template: Option<&str>) -> Intent {
    run(utterance, None, template).intent
}

fn slot(u: &Understanding, s: Slot) -> Option<(serde_json::Value, &str)> {
    u.slots.get(&s).map(|v| (v.value.clone(), v.text.as_str()))
}

#[test]
fn emergencies_win_and_are_critical() {
    for (text, kind) in [
        ("There's water pouring through my ceiling", Emergency::Flood),
        ("I can smell gas", Emergency::GasLeak),
        ("I'm locked out", Emergency::Lockout),
        ("no heating and it's freezing", Emergency::NoHeat),
        ("Hay una fuga de gas en la cocina", Emergency::GasLeak),
        ("Je suis enfermé dehors", Emergency::Lockout),
        ("Wir haben keine Heizung und es ist eiskalt", Emergency::NoHeat),
    ] {
        let u = run(text, None, Some("letting_agent"));
        assert_eq!((u.intent, u.emergency, u.urgency), (Intent::Emergency, Some(kind), Urgency::Critical), "{text}");
    }
    let calm = run("no gas smell, I just want to book a viewing", None, Some("letting_agent"));
    assert_eq!((calm.intent, calm.emergency), (Intent::BookViewing, None));
}

#[test]
fn templates_bias_a_bare_booking() {
    assert_eq!(intent("Can I book for Friday?", Some("letting_agent")), Intent::BookViewing);
    assert_eq!(intent("Can I book for Friday?", Some("hotel")), Intent::BookStay);
    assert_eq!(intent("Can I book for Friday?", Some("clinic_salon")), Intent::BookAppointment);
    assert_eq!(intent("I'd like to book a room for two nights", None), Intent::BookStay);
    assert_eq!(intent("Can I schedule a viewing of the flat on Elm Road?", None), Intent::BookViewing);
    assert_eq!(intent("Can you find me a dentist in Leeds?", Some("clinic_salon")), Intent::AvailabilitySearch);
}

#[test]
fn reads_the_main_intents() {
    let letting = Some("letting_agent");
    for (text, want) in [
        ("Hi there", Intent::Greeting),
        ("How much do you charge for a haircut?", Intent::PricingInfo),
        ("What are your opening hours?", Intent::HoursLocation),
        ("I'm looking for a 2 bed flat to rent in Leeds", Intent::PropertyEnquiryRent),
        ("We want to buy a house in Bath", Intent::PropertyEnquiryBuy),
        ("I need to cancel my viewing tomorrow", Intent::RescheduleCancel),
        ("Could you value my house? Thinking of selling", Intent::ValuationRequest),
        ("The kitchen tap is leaking", Intent::MaintenanceRequest),
        ("Can I speak to a real person please", Intent::SpeakToHuman),
        ("This is unacceptable, nobody has called me back", Intent::Complaint),
        ("STOP", Intent::OptOut),
        ("Sorry, wrong number", Intent::WrongNumberSpam),
        ("Thanks, bye!", Intent::ThanksGoodbye),
        ("Hola, quiero reservar una visita al piso", Intent::BookViewing),
        ("Bonjour, je voudrais un rendez-vous demain", Intent::BookViewing),
    ] {
        assert_eq!(intent(text, letting), want, "{text}");
    }
}

#[test]
fn system_question_types_bare_answers() {
    let u = run("San Jose", Some("What city?"), None);
    assert_eq!((u.intent, slot(&u, Slot::Area)), (Intent::ProvideInfo, Some((json!("San Jose"), "San Jose"))));
    let u = run("the 2nd please", Some("When would you like to check in?"), Some("hotel"));
    assert_eq!(slot(&u, Slot::CheckIn), Some((json!("2026-12-02"), "the 2nd")));
    let u = run("3", Some("How many people will be staying?"), Some("hotel"));
    assert_eq!(slot(&u, Slot::PartySize), Some((json!(3), "3")));
    let u = run("4", Some("What time suits you?"), Some("clinic_salon"));
    assert_eq!(slot(&u, Slot::Time), Some((json!("16:00"), "4")));
}

#[test]
fn yes_and_no_depend_on_what_was_asked() {
    let confirm = Some("Please confirm: a viewing of 12 Elm Road on Friday at 3pm.");
    assert_eq!(run("Yes, that's right", confirm, None).intent, Intent::Affirm);
    assert_eq!(run("No, make it 4pm", confirm, None).intent, Intent::Deny);
    let offer = Some("Would you like me to book a viewing?");
    assert_eq!(run("Yes please", offer, Some("letting_agent")).intent, Intent::BookViewing);
    assert_eq!(run("No, not yet", offer, Some("letting_agent")).intent, Intent::Deny);
    assert_eq!(
        run("No thanks, that's all", Some("Anything else I can help with?"), None).intent,
        Intent::ThanksGoodbye
    );
}

#[test]
fn extracts_normalised_slots() {
    let u = run(
        "Hi, I'm Ana Lima, looking for a 2 bed, 1 bath flat in Leeds under £1,200 a month, pet friendly, unfurnished. \
         Can I view it on Friday at half past ten? ana@Example.com / +44 7700 900123",
        None,
        Some("letting_agent"),
    );
    assert_eq!(slot(&u, Slot::Name), Some((json!("Ana Lima"), "Ana Lima")));
    assert_eq!(slot(&u, Slot::Beds), Some((json!(2), "2 bed")));
    assert_eq!(slot(&u, Slot::Baths), Some((json!(1), "1 bath")));
    assert_eq!(slot(&u, Slot::Area), Some((json!("Leeds"), "Leeds")));
    assert_eq!(slot(&u, Slot::BudgetMax), Some((json!(1200), "£1,200 a month")));
    assert_eq!(slot(&u, Slot::Pets).map(|p| p.0), Some(json!(true)));
    assert_eq!(slot(&u, Slot::Furnished), Some((json!(false), "unfurnished")));
    assert_eq!(slot(&u, Slot::Date), Some((json!("2026-11-27"), "Friday")));
    assert_eq!(slot(&u, Slot::Time), Some((json!("10:30"), "half past ten")));
    assert_eq!(slot(&u, Slot::Email), Some((json!("ana@example.com"), "ana@Example.com")));
    assert_eq!(slot(&u, Slot::Phone), Some((json!("+447700900123"), "+44 7700 900123")));
    assert_eq!(u.language, Language::En);

    let stay = run("Two adults, arriving 12 March and leaving on the 15th of March", None, Some("hotel"));
    assert_eq!(slot(&stay, Slot::PartySize).map(|p| p.0), Some(json!(2)));
    assert_eq!(slot(&stay, Slot::CheckIn).map(|p| p.0), Some(json!("2027-03-12")));
    assert_eq!(slot(&stay, Slot::CheckOut).map(|p| p.0), Some(json!("2027-03-15")));
    let nights = run("check in tomorrow for 3 nights", None, Some("hotel"));
    assert_eq!(slot(&nights, Slot::CheckOut), Some((json!("2026-11-27"), "3 nights")));
    let pets = run("we have no pets", None, None);
    assert_eq!(slot(&pets, Slot::Pets), Some((json!(false), "no pets")));
    let move_in = run("I'd like to move in on the 1st of December", None, Some("letting_agent"));
    assert_eq!(slot(&move_in, Slot::MoveIn).map(|p| p.0), Some(json!("2026-12-01")));
}

#[test]
fn multilingual_messages() {
    let u = run("Hola, necesito una cita mañana a las 3 de la tarde", None, Some("clinic_salon"));
    assert_eq!((u.language, u.intent), (Language::Es, Intent::BookAppointment));
    assert_eq!(slot(&u, Slot::Date).map(|d| d.0), Some(json!("2026-11-24")));
    assert_eq!(slot(&u, Slot::Time).map(|d| d.0), Some(json!("15:00")));
    let u = run("Guten Tag, ich möchte ein Zimmer für zwei Personen buchen", None, Some("hotel"));
    assert_eq!((u.language, u.intent), (Language::De, Intent::BookStay));
    assert_eq!(slot(&u, Slot::PartySize).map(|d| d.0), Some(json!(2)));
    let u = run("Bonjour, avez-vous une chambre pour le 3 décembre ?", None, Some("hotel"));
    assert_eq!(u.language, Language::Fr);
    assert_eq!(slot(&u, Slot::CheckIn).map(|d| d.0), Some(json!("2026-12-03")));
    assert_eq!(run("Olá, obrigado!", None, None).language, Language::Pt);
    assert_eq!(run("Grazie mille, arrivederci", None, None).intent, Intent::ThanksGoodbye);
}

#[test]
fn never_panics_on_odd_input() {
    let long = "a".repeat(100_000);
    let mixed = "🏠 2 bed ".repeat(5_000);
    let inputs = [
        "",
        " ",
        "\u{0}",
        "???",
        "@",
        "@@.@",
        "+",
        "$",
        "£k",
        "12/",
        "/12",
        "31/31/31",
        "9999999999999999999999 bedrooms",
        "at 99:99",
        "the 0th",
        "the 99th of February",
        "Feb 30",
        "half past",
        "quarter to",
        "in 99999999 days",
        "ǅ ß ﬁ İ ı",
        "Zürich’s “quotes” — dashes – and…",
        "\u{202e}reversed\u{202c}",
        "e\u{301}te\u{301}",
        "日本語のメッセージ",
        "مرحبا",
        long.as_str(),
        mixed.as_str(),
    ];
    for s in inputs {
        for system in [None, Some(s), Some("What city?"), Some("How many people?")] {
            for template in [None, Some("hotel"), Some("letting_agent"), Some("clinic_salon"), Some(s)] {
                let u = run(s, system, template);
                for v in u.slots.values() {
                    assert!(s.contains(&v.text) || v.text.is_empty(), "{:?} not in input", v.text);
                }
            }
        }
    }
    let far = understand(&Input {
        utterance: "in 300 weeks on the 31st",
        system_before: None,
        tenant_template: None,
        today: CivilDate { year: 9999, month: 12, day: 31 },
    });
    assert!(far.slots.len() <= 2);
}

#[test]
fn serialises_in_the_documented_shape() {
    let u = run("2 bedrooms please", Some("How many bedrooms?"), Some("letting_agent"));
    let v = serde_json::to_value(&u).unwrap();
    assert_eq!(v["intent"], "provide_info");
    assert_eq!(v["slots"]["beds"], json!({"value": 2, "text": "2 bedrooms"}));
    assert_eq!(v["language"], "en");
    assert_eq!(v["urgency"], "normal");
    assert_eq!(v["emergency"], serde_json::Value::Null);
    let back: Understanding = serde_json::from_value(v).unwrap();
    assert_eq!(back, u);
}
