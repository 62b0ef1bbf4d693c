//! Whole conversations through the rules brain, the way the Durable Object runs them: each
//! turn sees the last reply, the lead so far, the dialogue state the previous reply left and
//! the knowledge passages for its words. The tests read transcripts as a customer would; the
//! `dialogue` binary replays SGD dialogues through it for a quick look before the real
//! webhook benchmark (`make bench-dialogue`).

use super::act::{plan, Act, Done, Outcome};
use super::rules::RulesBrain;
use super::{Brain, Reply, Turn};
use crate::channel::Channel;
use crate::dialogue::DialogueState;
use crate::kb::Passage;
use crate::lead::LeadFields;
use crate::tenant::{LocalTime, Settings};

/// A new SMS conversation at `business` with nothing known yet: the turn every test and the
/// simulation start from.
pub fn sms_turn(business: &str, settings: &Settings, text: &str, local_time: LocalTime) -> Turn {
    Turn {
        business_name: business.into(),
        settings: settings.clone(),
        local_time,
        channel: Channel::Sms,
        contact_name: None,
        returning_contact: false,
        new_conversation: true,
        system_before: None,
        missed_call: false,
        text: text.into(),
        lead: LeadFields::default(),
        history_summary: None,
        unclear_streak: 0,
        dialogue: DialogueState::default(),
        knowledge: Vec::new(),
        now_ms: 0,
        from_form: false,
        acts: Default::default(),
    }
}

/// A contact texting one business by SMS: what the thread remembers between turns.
pub struct Chat {
    pub business_name: String,
    pub settings: Settings,
    pub at: LocalTime,
    pub lead: LeadFields,
    pub dialogue: DialogueState,
    pub last: Option<String>,
    pub name: Option<String>,
    pub returning: bool,
    pub turns: u32,
    /// The knowledge base, searched naively (every passage offered; grounding decides).
    pub kb: Vec<Passage>,
    pub transcript: Vec<(String, Reply)>,
    /// Unclear replies in a row, as the thread counts them.
    pub unclear_streak: u8,
    /// Carries out the turn's acts (listings, calendar) as the Durable Object's glue would;
    /// `None`: no acts, as for a business without a catalogue.
    #[allow(clippy::type_complexity)]
    pub executor: Option<Box<dyn FnMut(&Turn, &Act) -> Outcome>>,
}

impl Chat {
    pub fn new(settings: Settings, at: LocalTime) -> Self {
        Chat {
            business_name: "Maple & Pine Lettings".into(),
            settings,
            at,
            lead: LeadFields::default(),
            dialogue: DialogueState::default(),
            last: None,
            name: None,
            returning: false,
            turns: 0,
            kb: Vec::new(),
            transcript: Vec::new(),
            unclear_streak: 0,
            executor: None,
        }
    }

    pub fn say(&mut self, text: &str) -> Reply {
        let mut t = sms_turn(&self.business_name, &self.settings, text, self.at);
        t.new_conversation = self.turns == 0;
        t.returning_contact = self.returning;
        t.contact_name = self.name.clone();
        t.system_before = self.last.clone();
        t.lead = self.lead.clone();
        t.dialogue = self.dialogue.clone();
        t.knowledge = self.kb.clone();
        t.unclear_streak = self.unclear_streak;
        // The simulated business keeps UTC: now is its local time.
        let minutes = self.at.date.to_days() * 1440 + i64::from(self.at.minute_of_day);
        t.now_ms = u64::try_from(minutes * 60_000).unwrap_or(0);
        if let Some(execute) = self.executor.as_mut() {
            let mut done = Done::default();
            while let Some(act) = plan(&t, &done) {
                let outcome = execute(&t, &act);
                done.0.push((act, outcome));
            }
            t.acts = done;
        }
        let reply = RulesBrain.respond(&t);
        self.turns += 1;
        self.unclear_streak = match (reply.unclear, &reply.escalation) {
            (true, None) => self.unclear_streak.saturating_add(1),
            _ => 0,
        };
        self.lead.merge(&reply.slots, &format!("msg_{}", self.turns), u64::from(self.turns));
        if let Some(name) = reply.slots.get(&crate::brain::understand::Slot::Name).and_then(|v| v.value.as_str()) {
            self.name = Some(name.to_owned());
        }
        if let Some(state) = &reply.dialogue {
            self.dialogue = state.clone();
        }
        if reply.text.is_some() {
            self.last = reply.text.clone();
        }
        self.transcript.push((text.to_owned(), reply.clone()));
        reply
    }

    pub fn replies(&self) -> Vec<String> {
        self.transcript.iter().map(|(_, r)| r.text.clone().unwrap_or_default()).collect()
    }

    pub fn print(&self) -> String {
        let mut out = String::new();
        for (said, reply) in &self.transcript {
            out.push_str(&format!("> {said}\n< {}\n", reply.text.as_deref().unwrap_or("(no reply)")));
        }
        out
    }
}

/// An FAQ as search returns it.
pub fn faq(id: &str, question: &str, answer: &str) -> Passage {
    Passage {
        id: id.into(),
        kb: "faq".into(),
        title: question.into(),
        text: answer.into(),
        score: 1.0,
        source: "faq".into(),
        category: None,
    }
}

/// The demo letting agent's FAQ, as seeded (the parts these conversations touch).
pub fn demo_faq() -> Vec<Passage> {
    vec![
        faq(
            "kbc_deposit",
            "How much is the deposit?",
            "We take a holding deposit of one week's rent to reserve a property, then a security deposit of five \
             weeks' rent, protected in a government-backed scheme. There are no other tenant fees.",
        ),
        faq(
            "kbc_pets",
            "Are pets allowed?",
            "Many of our landlords accept pets by agreement — usually a cat or a small dog — with a pet clause in \
             the tenancy. Tell us about your pet and we'll check the property.",
        ),
        faq(
            "kbc_viewings",
            "How do I book a viewing?",
            "Viewings run Monday to Saturday during office hours. Tell us the property and a time that suits and \
             we'll confirm it.",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::escalation::Reason;
    use crate::tenant::tests::{at, letting_agent};

    fn lettings() -> Chat {
        let mut s = letting_agent();
        s.template = Some("letting_agent".into());
        let mut chat = Chat::new(s, at(0, 10, 0));
        chat.kb = demo_faq();
        chat
    }

    #[test]
    fn the_issue_transcript_gets_answers_not_a_broken_record() {
        let mut chat = lettings();
        chat.say("Hi, is the flat on Elm Road still available?");
        let hours = chat.say("What are your opening hours?");
        let viewing = chat.say("I'd like to book a viewing tomorrow at 10am");
        let tom = chat.say("My name is Tom, my email is tom@example.com");
        let deposit = chat.say("how much is the deposit?");
        let dog = chat.say("Can I bring my dog?");
        let transcript = chat.print();
        println!("{transcript}");
        let replies = chat.replies();
        assert!(replies.windows(2).all(|w| w[0] != w[1]), "no reply repeated:\n{transcript}");
        assert!(hours.text.unwrap().contains("Mon–Thu 09:00–18:00"), "{transcript}");
        let viewing_text = viewing.text.unwrap();
        assert!(viewing_text.contains("confirm") && viewing_text.contains("10:00"), "{transcript}");
        assert_eq!(viewing.escalation.map(|e| e.reason), Some(Reason::FollowUp), "a task for the team");
        assert!(tom.text.unwrap().contains("Tom"), "{transcript}");
        assert_eq!(replies.iter().filter(|r| r.contains("Tom")).count(), 1, "name used once:\n{transcript}");
        assert!(deposit.text.unwrap().contains("five weeks' rent"), "{transcript}");
        assert!(dog.text.unwrap().contains("small dog"), "{transcript}");
        assert!(!replies.iter().any(|r| r.starts_with("Thanks, noted")), "{transcript}");
    }

    #[test]
    fn an_unknown_question_is_passed_on_honestly_and_logged() {
        let mut chat = lettings();
        chat.say("Hi there");
        let pool = chat.say("Does the building have a swimming pool?");
        let text = pool.text.clone().unwrap();
        assert!(text.contains("asked the team"), "{text}");
        assert!(!text.to_lowercase().contains("pool"), "no invented fact: {text}");
        assert_eq!(pool.unanswered.as_deref(), Some("Does the building have a swimming pool?"));
        assert_eq!(pool.escalation.map(|e| e.reason), Some(Reason::FollowUp));
        let gym = chat.say("And is there a gym?");
        assert_ne!(gym.text, pool.text, "said differently the second time");
        assert!(gym.unanswered.is_some());
    }

    #[test]
    fn a_goodbye_gets_a_warm_close_and_no_question() {
        let mut chat = lettings();
        chat.say("I'm looking to rent a 2 bed flat");
        let bye = chat.say("That's all, thanks!");
        let text = bye.text.unwrap();
        assert!(!text.contains('?'), "{text}");
        let again = chat.say("Thanks again, bye");
        assert!(!again.text.clone().unwrap().contains('?'));
        assert_ne!(again.text.unwrap(), text);
    }

    #[test]
    fn thanks_with_a_question_is_answered_not_said_goodbye_to() {
        let mut chat = lettings();
        chat.say("Water is pouring through the ceiling!");
        let when = chat.say("Thanks. How long will they be?");
        let text = when.text.unwrap();
        assert!(!text.contains("speak soon"), "a question is not a goodbye: {text}");
        assert!(when.unanswered.is_some(), "passed on to the team: {text}");
    }

    #[test]
    fn an_unanswered_question_is_asked_once_more_differently_then_dropped() {
        let mut chat = lettings();
        let first = chat.say("I'm looking to rent a flat").text.unwrap();
        assert!(first.ends_with("Which area are you looking in?"), "{first}");
        let second = chat.say("ok").text.unwrap();
        assert!(second.ends_with('?') && !second.contains("Which area are you looking in?"), "{second}");
        let third = chat.say("hmm").text.unwrap();
        assert!(!third.contains("area") && !third.contains("part of town"), "dropped: {third}");
    }

    #[test]
    fn a_holiday_let_enquiry_is_checked_with_the_team_and_asks_the_dates() {
        let mut s = letting_agent();
        s.template = Some("vacation_rental".into());
        let mut chat = Chat::new(s, at(0, 10, 0));
        let first = chat.say("Hi, do you have anything for 4 people next weekend?").text.unwrap();
        assert!(
            first.contains("I'll check what we have free") && first.ends_with("When would you like to check in?"),
            "{first}"
        );
        assert!(!first.contains("don't have that information"), "{first}");
    }

    #[test]
    fn a_named_stay_with_its_dates_is_offered_and_booked_on_yes() {
        use crate::booking::{Booking, Kind};
        let mut s = letting_agent();
        s.template = Some("vacation_rental".into());
        let mut chat = Chat::new(s, at(0, 10, 0));
        let cottage: crate::listings::Listing = serde_json::from_value(serde_json::json!({
            "id": "lst_c3", "reference": "HV-C3", "kind": "stay", "type": "cottage", "beds": 1, "baths": 1,
            "price": 110.0, "price_period": "night", "area": "Porthmeor", "postcode": "", "address": "3 Back Road",
            "features": [], "available_from": null, "status": "available", "description": "", "rules": null,
            "landlord": null
        }))
        .unwrap();
        let booked = std::rc::Rc::new(std::cell::RefCell::new(None));
        let seen = booked.clone();
        chat.executor = Some(Box::new(move |_turn, act| match act {
            Act::SearchListings(_) => Outcome::Listings(vec![cottage.clone()]),
            Act::BookStay { listing_id, stay } => {
                *seen.borrow_mut() = Some((listing_id.clone(), stay.check_in.to_string(), stay.check_out.to_string()));
                Outcome::Booked(Booking::sample(
                    "bkg_s",
                    Kind::Stay,
                    listing_id,
                    stay.check_in.to_string(),
                    stay.check_out.to_string(),
                ))
            }
            _ => Outcome::Failed,
        }));
        let offer = chat.say("Is the cottage in Porthmeor free from 12 to 19 April?").text.unwrap();
        assert!(
            offer.contains("HV-C3") && offer.ends_with("Shall I book it from 12 April 2027 to 19 April 2027?"),
            "{}",
            chat.print()
        );
        let done = chat.say("Great, please book it. I'm Dan").text.unwrap();
        assert!(done.contains("Booked: your stay"), "{}", chat.print());
        let (listing, check_in, check_out) = booked.borrow().clone().expect("booked");
        assert_eq!((listing.as_str(), check_in.as_str(), check_out.as_str()), ("lst_c3", "2027-04-12", "2027-04-19"));
        *booked.borrow_mut() = None;
        let question = chat.say("What time is check-in?").text.unwrap();
        assert!(booked.borrow().is_none(), "a question about the stay books nothing: {}", chat.print());
        assert!(!question.contains("taken") && !question.contains("Shall I book"), "{}", chat.print());
    }

    #[test]
    fn a_viewing_request_without_a_listing_takes_a_corrected_day() {
        let mut chat = lettings();
        chat.say("Hi, I'm interested in buying a 3 bed house in Redland, budget 450k");
        let thursday = chat.say("Could I view it on Thursday afternoon?").text.unwrap();
        assert!(thursday.contains("a viewing on Thu"), "{}", chat.print());
        let friday = chat.say("Actually can we do Friday instead?").text.unwrap();
        assert!(friday.contains("a viewing on Fri"), "{}", chat.print());
        assert!(!friday.contains("don't have that information"), "{}", chat.print());
    }

    #[test]
    fn a_valuation_is_passed_to_the_team_once() {
        let mut chat = lettings();
        let ask = chat.say("Hello, could you value my flat? I'm thinking of letting it out");
        assert!(ask.text.clone().unwrap().contains("We'd be glad to value it"), "{}", chat.print());
        assert_eq!(ask.escalation.map(|e| e.reason), Some(Reason::FollowUp), "a task for the team");
        let more = chat.say("It's a 2 bed in Cotham, BS6").text.unwrap();
        assert!(!more.contains("glad to value"), "said once: {}", chat.print());
    }

    #[test]
    fn questions_answered_in_a_row_are_not_confusion() {
        let mut chat = lettings();
        chat.say("Hello");
        for question in ["how much is the deposit?", "Are pets allowed?", "And the deposit again?"] {
            let reply = chat.say(question);
            assert!(reply.escalation.is_none(), "{question}: {:?}\n{}", reply.escalation, chat.print());
        }
    }

    /// A letting agent with one listing on Elm Road and a calendar free tomorrow at 10:00,
    /// 11:30 and 15:00 (UTC), that books what is free.
    fn with_calendar(chat: &mut Chat) -> std::rc::Rc<std::cell::RefCell<Vec<String>>> {
        use crate::booking::{Booking, BookingRefusal, Kind, Slot};
        let log = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let seen = log.clone();
        let elm: crate::listings::Listing = serde_json::from_value(serde_json::json!({
            "id": "lst_elm", "reference": "MP-2026-014", "kind": "rent", "type": "flat", "beds": 2, "baths": 1,
            "price": 1450.0, "price_period": "month", "area": "Clifton", "postcode": "BS8 1AB",
            "address": "Flat 2, 21 Elm Road, Clifton", "features": ["furnished"], "available_from": null,
            "status": "available", "description": "", "rules": null, "landlord": null
        }))
        .unwrap();
        let day = chat.at.date.add_days(1);
        let slot = move |minute: u16| {
            let start_ms = u64::try_from((day.to_days() * 1440 + i64::from(minute)) * 60_000).unwrap();
            Slot { start_ms, end_ms: start_ms + 1_800_000, staff_id: None, offset_minutes: 0 }
        };
        let booking = |id: &str, start_ms: u64, status: &str| Booking {
            status: status.into(),
            ..Booking::sample(
                id,
                Kind::Viewing,
                "lst_elm",
                crate::booking::rfc3339(start_ms, 0),
                crate::booking::rfc3339(start_ms + 1_800_000, 0),
            )
        };
        chat.executor = Some(Box::new(move |_turn, act| {
            seen.borrow_mut().push(format!("{act:?}").split([' ', '{', '(']).next().unwrap_or("").to_owned());
            match act {
                Act::FindListing => Outcome::Listing(Some(Box::new(elm.clone()))),
                Act::SearchListings(_) => Outcome::Listings(vec![elm.clone()]),
                Act::Availability { from, .. } if from.is_some_and(|d| d != day) => Outcome::Slots(vec![]),
                Act::Availability { .. } => Outcome::Slots(vec![slot(600), slot(690), slot(900)]),
                // 10:00 went to someone else a moment ago; the rest is free.
                Act::Book { start_ms, .. } if *start_ms == slot(600).start_ms => {
                    Outcome::Refused(BookingRefusal::SlotTaken {
                        alternative: Some(crate::booking::Alternative::Slot(slot(900))),
                    })
                }
                Act::Book { start_ms, .. } => Outcome::Booked(booking("bkg_1", *start_ms, "confirmed")),
                Act::Reschedule { start_ms, .. } => Outcome::Booked(booking("bkg_1", *start_ms, "confirmed")),
                Act::Cancel { .. } => Outcome::Booked(booking("bkg_1", slot(600).start_ms, "cancelled")),
                // The glue reads the discussed listings from the contact's interest: here, Elm Road.
                // The contact has only a phone: the pack goes by text whatever they asked.
                Act::SendInfoPack { .. } => {
                    Outcome::PackSent { references: vec![elm.reference.clone()], channel: "sms".into() }
                }
                _ => Outcome::Failed,
            }
        }));
        log
    }

    #[test]
    fn a_viewing_is_found_offered_booked_moved_and_cancelled_in_conversation() {
        let mut chat = lettings();
        let acts = with_calendar(&mut chat);
        let found = chat.say("Hi, is the flat on Elm Road still available?").text.unwrap();
        assert!(found.contains("The flat on Elm Road is available: a two-bedroom flat"), "{}", chat.print());
        let offered = chat.say("Great, can I view it?").text.unwrap();
        assert!(
            offered.contains("tomorrow at 10:00, 11:30 or 15:00") && offered.ends_with("Which suits you?"),
            "{}",
            chat.print()
        );
        let booked = chat.say("11:30 please").text.unwrap();
        assert!(
            booked.starts_with("Booked: your viewing of the flat on Elm Road tomorrow at 11:30"),
            "{}",
            chat.print()
        );
        let moved = chat.say("Could I move it to tomorrow at 10:00 instead?").text.unwrap();
        assert!(moved.contains("it's now your viewing of the flat on Elm Road tomorrow at 10:00"), "{}", chat.print());
        let cancelled = chat.say("Sorry, I need to cancel").text.unwrap();
        assert!(cancelled.starts_with("Cancelled:"), "{}", chat.print());
        println!("{}", chat.print());
        assert_eq!(*acts.borrow(), ["FindListing", "Availability", "Book", "Reschedule", "Cancel"], "{}", chat.print());
        assert!(
            chat.transcript.iter().all(|(_, r)| r.escalation.is_none()),
            "the calendar did it: no task for the team"
        );
    }

    #[test]
    fn new_criteria_search_the_catalogue_again() {
        let mut chat = lettings();
        let acts = with_calendar(&mut chat);
        chat.say("Hi, I'm looking to rent a flat");
        let refined = chat.say("2 bedrooms in Clifton please").text.unwrap();
        assert!(refined.contains("I have one that matches: a two-bedroom flat in Clifton"), "{}", chat.print());
        assert_eq!(*acts.borrow(), ["SearchListings", "SearchListings"]);
    }

    /// A catalogue with nothing in it: every search finds nothing; saved searches are kept.
    fn with_empty_catalogue(chat: &mut Chat) -> std::rc::Rc<std::cell::RefCell<Vec<Act>>> {
        let log = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let seen = log.clone();
        chat.executor = Some(Box::new(move |_turn, act| {
            seen.borrow_mut().push(act.clone());
            match act {
                Act::SearchListings(_) => Outcome::Listings(vec![]),
                Act::SaveSearch(_) => Outcome::Saved,
                _ => Outcome::Failed,
            }
        }));
        log
    }

    #[test]
    fn nothing_matching_offers_a_saved_search_and_yes_keeps_it() {
        let mut chat = lettings();
        let acts = with_empty_catalogue(&mut chat);
        let offer = chat.say("Hi, I'm looking to rent a 2 bed flat in Clifton, up to £1500 a month").text.unwrap();
        assert!(
            offer.contains("I don't have a two-bedroom place to rent in Clifton up to £1,500 right now. Shall I text you when one comes up?"),
            "{}",
            chat.print()
        );
        assert!(!offer.contains("ask the team"), "no shortlist promised beside the offer: {offer}");
        let saved = chat.say("Yes please").text.unwrap();
        assert!(
            saved.starts_with("Done: I'll text you when a two-bedroom place to rent in Clifton up to £1,500 comes up."),
            "{}",
            chat.print()
        );
        let saved_criteria: Vec<_> = acts
            .borrow()
            .iter()
            .filter_map(|a| match a {
                Act::SaveSearch(c) => Some(c.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(saved_criteria.len(), 1);
        assert_eq!(
            (saved_criteria[0].area.as_deref(), saved_criteria[0].beds, saved_criteria[0].max_price),
            (Some("Clifton"), Some(2), Some(1500.0))
        );
        // Another "yes" later is not a second opt-in: the offer was for the reply before.
        chat.say("Thanks!");
        chat.say("yes");
        assert_eq!(acts.borrow().iter().filter(|a| matches!(a, Act::SaveSearch(_))).count(), 1, "{}", chat.print());
    }

    #[test]
    fn an_area_alone_is_narrowed_first_then_the_saved_search_is_offered() {
        let mut chat = lettings();
        with_empty_catalogue(&mut chat);
        let first = chat.say("I want to rent a flat in Portishead").text.unwrap();
        assert!(!first.contains("Shall I text you"), "too vague to keep yet: {}", chat.print());
        let offer = chat.say("2 bedrooms please").text.unwrap();
        assert!(
            offer.contains("I don't have a two-bedroom place to rent in Portishead right now."),
            "{}",
            chat.print()
        );
    }

    #[test]
    fn no_thanks_keeps_nothing_and_let_me_know_keeps_the_known_criteria() {
        let mut chat = lettings();
        let acts = with_empty_catalogue(&mut chat);
        chat.say("Do you have any 3 bed houses to rent in Redland?");
        chat.say("I'm not sure");
        chat.say("No thanks");
        assert!(!acts.borrow().iter().any(|a| matches!(a, Act::SaveSearch(_))), "{}", chat.print());
        let told = chat.say("Actually, let me know if anything comes up").text.unwrap();
        assert!(
            told.starts_with("Done: I'll text you when a three-bedroom place to rent in Redland comes up."),
            "{}",
            chat.print()
        );
    }

    #[test]
    fn a_fault_at_a_listed_address_is_a_repair_not_an_enquiry_about_the_listing() {
        let mut chat = lettings();
        let acts = with_calendar(&mut chat);
        let tap = chat.say("The kitchen tap at 21 Elm Road is dripping, could someone look at it next week?");
        let text = tap.text.clone().unwrap();
        assert!(!text.contains("is available"), "no listing offered to its own tenant: {}", chat.print());
        assert!(text.contains("logged the repair for our maintenance team"), "{}", chat.print());
        assert!(tap.ticket.is_some(), "a ticket is opened");
        assert!(acts.borrow().is_empty(), "nothing looked up: {:?}", acts.borrow());
    }

    #[test]
    fn a_listing_offered_in_a_search_can_be_viewed_on_a_day_without_being_described_again() {
        let mut chat = lettings();
        let acts = with_calendar(&mut chat);
        chat.say("Hi, I'm looking for a 2 bed flat to rent in Clifton, budget around 1500");
        let offer = chat.say("Can I see the Elm Road one tomorrow?").text.unwrap();
        assert!(offer.contains("tomorrow at 10:00, 11:30 or 15:00"), "{}", chat.print());
        assert!(!offer.contains("is available:"), "described once, in the search: {}", chat.print());
        assert_eq!(*acts.borrow(), ["SearchListings", "FindListing", "Availability"]);
    }

    #[test]
    fn a_feature_is_searched_for_or_answered_about_the_listing_in_hand() {
        let mut chat = lettings();
        let acts = with_calendar(&mut chat);
        chat.say("Hi, I'm looking to rent a flat");
        let parking = chat.say("do you have anything with parking?").text.unwrap();
        assert!(!parking.contains("opening hours"), "a search, not our hours: {}", chat.print());
        assert_eq!(*acts.borrow(), ["SearchListings", "SearchListings"]);
        let mut chat = lettings();
        let acts = with_calendar(&mut chat);
        let pets = chat.say("Is MP-2026-014 still available? Do they allow pets?").text.unwrap();
        assert!(pets.contains("doesn't say pets are allowed"), "answered from its features: {}", chat.print());
        assert!(!pets.contains("Which area"), "a named listing is not a search: {}", chat.print());
        assert_eq!(*acts.borrow(), ["FindListing"]);
    }

    #[test]
    fn the_calendar_is_offered_and_booked_in_the_callers_language() {
        let mut chat = lettings();
        with_calendar(&mut chat);
        let offer = chat.say("Hola, ¿puedo ver el piso de Elm Road mañana?").text.unwrap();
        assert!(offer.contains("Puedo hacerle la visita mañana a las 10:00, 11:30 o 15:00"), "{}", chat.print());
        let booked = chat.say("A las 11:30, por favor").text.unwrap();
        assert!(booked.contains("Reservado: su visita mañana a las 11:30"), "{}", chat.print());
        let moved = chat.say("¿Puedo cambiarla a las 15:00?").text.unwrap();
        assert!(moved.contains("Hecho: ahora es su visita mañana a las 15:00"), "{}", chat.print());
        let cancelled = chat.say("Lo siento, tengo que cancelarla").text.unwrap();
        assert!(cancelled.starts_with("Cancelado: su visita"), "{}", chat.print());
    }

    #[test]
    fn no_preference_is_an_answer_the_catalogue_can_search_on() {
        let mut chat = lettings();
        let elm: crate::listings::Listing = serde_json::from_value(serde_json::json!({
            "id": "lst_elm", "reference": "MP-2026-014", "kind": "rent", "type": "flat", "beds": 2, "baths": 1,
            "price": 1450.0, "price_period": "month", "area": "Clifton", "postcode": "BS8 1AB",
            "address": "Flat 2, 21 Elm Road, Clifton", "features": [], "available_from": null,
            "status": "available", "description": "", "rules": null, "landlord": null
        }))
        .unwrap();
        let searches = std::rc::Rc::new(std::cell::Cell::new(0));
        let seen = searches.clone();
        // The first search (a flat, nothing else) finds nothing; the one after "anywhere" finds it.
        chat.executor = Some(Box::new(move |_turn, act| match act {
            Act::SearchListings(_) => {
                seen.set(seen.get() + 1);
                Outcome::Listings(if seen.get() == 1 { vec![] } else { vec![elm.clone()] })
            }
            _ => Outcome::Failed,
        }));
        let asked = chat.say("Hi, I'm looking to rent a 2 bed flat").text.unwrap();
        assert!(asked.contains("Which area"), "{}", chat.print());
        let found = chat.say("anywhere central really").text.unwrap();
        assert!(!found.contains("part of town"), "not asked again: {}", chat.print());
        assert!(found.contains("MP-2026-014"), "searched without an area: {}", chat.print());
        assert_eq!(searches.get(), 2);
    }

    #[test]
    fn a_taken_time_is_refused_with_the_nearest_free_one() {
        let mut chat = lettings();
        let acts = with_calendar(&mut chat);
        chat.say("Hi, is the flat on Elm Road still available?");
        let refused = chat.say("Can I view it tomorrow at 10:00?").text.unwrap();
        assert!(refused.contains("that time has just been taken") && refused.contains("15:00"), "{}", chat.print());
        let yes = chat.say("Yes please").text.unwrap();
        assert!(
            yes.starts_with("Booked: your viewing of the flat on Elm Road tomorrow at 15:00"),
            "{}\n{:?}\n{:?}",
            chat.print(),
            acts.borrow(),
            chat.transcript.last().map(|t| &t.1.dialogue)
        );
        assert_eq!(*acts.borrow(), ["FindListing", "Book", "Book"]);
    }

    #[test]
    fn asking_for_the_details_sends_an_info_pack_and_says_how() {
        let mut chat = lettings();
        let acts = with_calendar(&mut chat);
        chat.say("Hi, is the flat on Elm Road still available?");
        let sent = chat.say("Can you send me the details?").text.unwrap();
        assert!(sent.contains("I've sent you the details of MP-2026-014 by text."), "{}", chat.print());
        // Asked for email without one on file: the text went, and the reply says why.
        let by_text = chat.say("Could you email me the listings?").text.unwrap();
        assert!(by_text.contains("I don't have an email address for you, so I've sent"), "{}", chat.print());
        assert_eq!(*acts.borrow(), ["FindListing", "SendInfoPack", "SendInfoPack"]);
        assert!(chat.transcript.iter().all(|(_, r)| r.escalation.is_none()), "{}", chat.print());
    }

    #[test]
    fn several_parts_are_all_handled() {
        let mut chat = lettings();
        chat.say("Hi, I saw the flat on Elm Road");
        let both = chat.say("Can I view it Friday? Ana").text.unwrap();
        assert!(both.contains("Ana") && both.contains("Fri"), "{}", chat.print());
    }
}
