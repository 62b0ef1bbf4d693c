//! Whole conversations through the rules brain, the way the Durable Object runs them: each
//! turn sees the last reply, the lead so far, the dialogue state the previous reply left and
//! the knowledge passages for its words. The tests read transcripts as a customer would; the
//! `dialogue` binary replays SGD dialogues through it for a quick look before the real
//! webhook benchmark (`make bench-dialogue`).

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
    fn questions_answered_in_a_row_are_not_confusion() {
        let mut chat = lettings();
        chat.say("Hello");
        for question in ["how much is the deposit?", "Are pets allowed?", "And the deposit again?"] {
            let reply = chat.say(question);
            assert!(reply.escalation.is_none(), "{question}: {:?}\n{}", reply.escalation, chat.print());
        }
    }

    #[test]
    fn several_parts_are_all_handled() {
        let mut chat = lettings();
        chat.say("Hi, I saw the flat on Elm Road");
        let both = chat.say("Can I view it Friday? Ana").text.unwrap();
        assert!(both.contains("Ana") && both.contains("Fri"), "{}", chat.print());
    }
}
