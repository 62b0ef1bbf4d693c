//! An inbound message from verification to answer: the Worker builds an [`InboundTurn`] and
//! hands it to the thread's `ConversationDO`, which runs the [`Turn`], stores everything and
//! returns a [`TurnOutcome`]. The pure steps are here, so the flow is tested on the host.

use crate::brain::Turn;
use crate::channel::Channel;
use crate::contact_key::ContactKey;
use crate::conversation::Continuity;
use crate::events::{EventKind, NewEvent};
use crate::phone::PhoneE164;
use crate::records::{Contact, Conversation, Message};
use crate::tenant::{LocalTime, Settings};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// A verified inbound message, with the tenant context its turn needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboundTurn {
    pub tenant_id: String,
    pub business_name: String,
    pub settings: Settings,
    /// The tenant's wall-clock time at `received_at`.
    pub local_time: LocalTime,
    /// `webhook_events.provider`, e.g. `twilio`.
    pub provider: String,
    /// The provider's id for this delivery's event: the idempotency key.
    pub event_id: String,
    /// The channel the reply goes out on (and the thread's).
    pub channel: Channel,
    /// Who wrote: the thread's contact.
    pub from: ContactKey,
    pub profile_name: Option<String>,
    pub body: String,
    /// (URL, content type) of each attachment.
    pub media: Vec<(String, String)>,
    pub provider_message_id: String,
    pub received_at: u64,
    /// When the contact sent it, if the provider says (WhatsApp's service window runs from it).
    #[serde(default)]
    pub sent_at: Option<u64>,
    /// A message, or a call nobody answered (the reply is a follow-up text).
    #[serde(default)]
    pub kind: InboundKind,
    /// Whether the reply goes back in the webhook response or through the outbox.
    #[serde(default)]
    pub delivery: Delivery,
    /// How many times this event was taken up again after a failed first attempt (a retried
    /// turn from the queue, or the sweeper answering a stuck claim).
    #[serde(default)]
    pub attempt: u32,
    /// When this attempt claims the event, if not at `received_at`: a later attempt claims a
    /// stale claim at its own time, while the message keeps the time it arrived.
    #[serde(default)]
    pub claim_at: Option<u64>,
    /// The sweeper answers a claim whose holder died: the rules brain replies (the model may be
    /// what hung) and the team gets an `ai_failure` escalation.
    #[serde(default)]
    pub recovery: bool,
    /// The tenant is paused: the turn answers with the holding reply (`core::pause`).
    #[serde(default)]
    pub paused: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InboundKind {
    #[default]
    Message,
    MissedCall,
    /// A website form: recorded as channel `form`, answered on the thread's channel.
    Form,
    /// A record of a call (recording, summary, transcript) for the timeline: stored, not answered.
    CallNote,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// In the webhook's answer (TwiML): the provider sends it.
    #[default]
    Inline,
    /// Stored as `queued` and sent by a `deliver_message` job.
    Queued,
}

impl Delivery {
    /// The wall-clock time a turn may spend on a remote brain (all model rounds and the retry)
    /// before the rules brain answers instead. Inline: Twilio gives the webhook 15 s
    /// (PROTOCOLS.md §1.3) and a chat visitor is waiting, so 9 s leaves room for our own work and
    /// the network. Queued: nobody holds a connection open, but the claim must finish well
    /// within its stale time ([`crate::webhook::CLAIM_STALE_AFTER_MS`], 30 s), or the sweeper
    /// would answer it a second time.
    pub fn turn_budget_ms(self) -> u64 {
        match self {
            Delivery::Inline => 9_000,
            Delivery::Queued => 25_000,
        }
    }
}

/// Who a message is for, as the turn needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct TenantContext {
    pub tenant_id: String,
    pub business_name: String,
    pub settings: Settings,
    pub local_time: LocalTime,
    /// `tenants.status = 'paused'`.
    pub paused: bool,
}

impl InboundTurn {
    /// What every constructor shares: the tenant, who reported the event under which id, and
    /// from whom. Defaults: an empty text message, the event id as the provider's message id,
    /// reply through the outbox.
    fn base(
        tenant: TenantContext,
        provider: &str,
        event_id: &str,
        channel: Channel,
        from: ContactKey,
        at: u64,
    ) -> Self {
        Self {
            tenant_id: tenant.tenant_id,
            business_name: tenant.business_name,
            settings: tenant.settings,
            local_time: tenant.local_time,
            paused: tenant.paused,
            provider: provider.to_owned(),
            event_id: event_id.to_owned(),
            channel,
            from,
            profile_name: None,
            body: String::new(),
            media: Vec::new(),
            provider_message_id: event_id.to_owned(),
            received_at: at,
            sent_at: None,
            kind: InboundKind::Message,
            delivery: Delivery::Queued,
            attempt: 0,
            claim_at: None,
            recovery: false,
        }
    }

    /// When this attempt claims the event in the ledger.
    pub fn claim_time(&self) -> u64 {
        self.claim_at.unwrap_or(self.received_at)
    }

    /// The same event taken up again at `now_ms`, its reply through the outbox (the webhook
    /// that brought it was answered long ago). `recovery`: answered by the rules brain, with an
    /// `ai_failure` escalation, because the first attempt died holding the claim.
    pub fn retried(&self, now_ms: u64, recovery: bool) -> Self {
        Self {
            attempt: self.attempt.saturating_add(1),
            claim_at: Some(now_ms),
            delivery: Delivery::Queued,
            recovery,
            ..self.clone()
        }
    }

    /// A call to the tenant that nobody answered: recorded on the contact's timeline (channel
    /// `voice`, status `missed`) and followed up at once by text on `channel`. `call_id` is the
    /// phone system's id for the call: the idempotency key. `provider` is who reported it:
    /// `missed_call` (the generic route; follow-up through the tenant's SMS provider) or a phone
    /// provider such as `openphone` (follow-up through it).
    pub fn missed_call(
        tenant: TenantContext,
        provider: &str,
        phone: PhoneE164,
        call_id: &str,
        channel: Channel,
        received_at: u64,
    ) -> Self {
        Self {
            kind: InboundKind::MissedCall,
            ..Self::base(tenant, provider, call_id, channel, phone.into(), received_at)
        }
    }

    /// The turn for an OpenPhone text; the reply goes out through OpenPhone's API by a job.
    /// `event_id` (`EV…`, stable across retries) is the idempotency key.
    pub fn from_openphone(
        event_id: &str,
        message_id: &str,
        from: PhoneE164,
        body: &str,
        tenant: TenantContext,
        received_at: u64,
    ) -> Self {
        let provider = crate::channel::openphone::PROVIDER;
        let base = Self::base(tenant, provider, event_id, Channel::Sms, from.into(), received_at);
        Self { body: body.to_owned(), provider_message_id: message_id.to_owned(), ..base }
    }

    /// A call's recording, summary or transcript from OpenPhone, put on the contact's timeline
    /// (channel `voice`, in their SMS conversation) once per event; nothing is sent back.
    pub fn call_note(
        artefact: &crate::channel::openphone::CallArtefact,
        contact: PhoneE164,
        tenant: TenantContext,
        received_at: u64,
    ) -> Self {
        let provider = crate::channel::openphone::PROVIDER;
        let base = Self::base(tenant, provider, &artefact.event_id, Channel::Sms, contact.into(), received_at);
        Self { kind: InboundKind::CallNote, body: artefact.timeline_text(), ..base }
    }

    /// A voicemail left on a Twilio call, put on the caller's timeline (channel `voice`, in
    /// their SMS conversation) once per recording (`RecordingSid`); nothing is sent back.
    pub fn voicemail(recording_sid: &str, text: String, caller: PhoneE164, tenant: TenantContext, at: u64) -> Self {
        let provider = crate::channel::twilio::PROVIDER;
        let base = Self::base(tenant, provider, recording_sid, Channel::Sms, caller.into(), at);
        Self { kind: InboundKind::CallNote, body: text, ..base }
    }

    /// What a call came to (`voice::summary`), put on the caller's voice thread once per call
    /// (`{CallSid}:summary`); nothing is sent back.
    pub fn call_summary(call_sid: &str, text: String, caller: PhoneE164, tenant: TenantContext, at: u64) -> Self {
        let provider = crate::channel::twilio::PROVIDER;
        let event_id = format!("{call_sid}:summary");
        let base = Self::base(tenant, provider, &event_id, Channel::Voice, caller.into(), at);
        Self { kind: InboundKind::CallNote, body: text, ..base }
    }

    /// The hand-over a reply needs because it cannot be delivered: a WhatsApp Cloud contact
    /// whose 24-hour window closed before we answered, with no approved template to reopen it.
    /// Meta would refuse a free-form message, so a person has to reach them another way.
    pub fn undeliverable(&self, now_ms: u64) -> Option<crate::brain::EscalationRequest> {
        use crate::channel::meta;
        if self.provider != meta::PROVIDER {
            return None;
        }
        let last = self.sent_at.unwrap_or(self.received_at);
        let send = meta::choose(Some(last), now_ms, self.settings.whatsapp_template.as_ref());
        (send == meta::WhatsAppSend::Escalate).then(|| crate::brain::EscalationRequest {
            reason: crate::escalation::Reason::AiFailure,
            summary: format!(
                "Can't answer on WhatsApp: the 24-hour window closed and no whatsapp_template is set. \
                 Reach {} another way.",
                self.from
            ),
            detail: json!({ "whatsapp_window_closed": true, "last_inbound_at": last, "quote": self.body }).to_string(),
        })
    }

    /// The hand-over a recovered turn raises: its first attempt died holding the claim, so
    /// the rules brain answered (the model may be what hung) and the team should look.
    pub fn recovery_escalation(&self) -> crate::brain::EscalationRequest {
        crate::brain::EscalationRequest {
            reason: crate::escalation::Reason::AiFailure,
            summary: format!(
                "The answer to {} never finished (the request died or timed out); the rules brain replied instead.",
                self.from
            ),
            detail: json!({ "recovered": true, "attempt": self.attempt, "quote": self.body }).to_string(),
        }
    }

    /// Whether the brain answers this event (a call note is only recorded).
    pub fn wants_reply(&self) -> bool {
        self.kind != InboundKind::CallNote
    }

    /// Whether this event is something the contact said, for their lead.
    pub fn is_contact_words(&self) -> bool {
        matches!(self.kind, InboundKind::Message | InboundKind::Form)
    }

    /// The turn for a WhatsApp Cloud API message; the reply is sent through the Graph API by a
    /// job (Meta's webhook has no inline answer). The wamid is the idempotency key: Meta
    /// redelivers for days.
    pub fn from_meta(message: crate::channel::meta::InboundText, tenant: TenantContext, received_at: u64) -> Self {
        let base = Self::base(
            tenant,
            crate::channel::meta::PROVIDER,
            &message.wamid,
            Channel::Whatsapp,
            message.from.into(),
            received_at,
        );
        Self {
            profile_name: message.profile_name,
            body: message.body,
            media: message.media_id.map(|id| vec![(format!("meta-media:{id}"), String::new())]).unwrap_or_default(),
            sent_at: message.sent_at_ms,
            ..base
        }
    }

    /// The turn for a Twilio Messaging webhook, answered inline (TwiML). `MessageSid` is the
    /// idempotency key: it names the message across every retry of its webhook, whereas Twilio
    /// documents `I-Twilio-Idempotency-Token` only on retries, so the token cannot key the first
    /// delivery.
    pub fn from_twilio(
        message: crate::channel::twilio::InboundMessage,
        tenant: TenantContext,
        received_at: u64,
    ) -> Self {
        let provider = crate::channel::twilio::PROVIDER;
        let (sid, channel) = (&message.message_sid, message.channel);
        let base = Self::base(tenant, provider, sid, channel, message.from.into(), received_at);
        Self {
            profile_name: message.profile_name,
            body: message.body,
            media: message.media,
            delivery: Delivery::Inline,
            ..base
        }
    }

    /// What a caller said in a `<Gather>` turn of call `call_sid`: answered inline (spoken
    /// back as TwiML) on the contact's voice thread. `turn` numbers the call's gathers, so each
    /// utterance is its own event and a retried webhook is the same one.
    pub fn from_speech(
        call_sid: &str,
        turn: u32,
        from: PhoneE164,
        speech: &str,
        tenant: TenantContext,
        received_at: u64,
    ) -> Self {
        let provider = crate::channel::twilio::PROVIDER;
        let event_id = format!("{call_sid}:{turn}");
        let base = Self::base(tenant, provider, &event_id, Channel::Voice, from.into(), received_at);
        Self { body: speech.to_owned(), delivery: Delivery::Inline, ..base }
    }

    /// A website form submission, answered on the contact's preferred channel (a text when
    /// there is a phone number, else an email) through the outbox. The idempotency key is the
    /// submission id *of this contact*: forms carry ids the business chose (a property id in a
    /// hidden field), so two people sending the same id are two submissions, not a duplicate.
    pub fn from_form(form: &crate::channel::webform::Submission, tenant: TenantContext, received_at: u64) -> Self {
        let (from, channel) = form.reply_route();
        let event_id = format!("{from}:{}", form.id);
        let base = Self::base(tenant, crate::channel::webform::PROVIDER, &event_id, channel, from, received_at);
        Self { kind: InboundKind::Form, profile_name: form.name.clone(), body: form.text(), ..base }
    }

    /// A chat widget message: answered in the HTTP response and on the visitor's stream.
    /// `client_id` is the widget's id for the message, unique per visitor.
    pub fn from_chat(visitor: &str, client_id: &str, text: &str, tenant: TenantContext, received_at: u64) -> Self {
        let event_id = format!("{visitor}:{client_id}");
        let from = ContactKey::Visitor(visitor.to_owned());
        let base = Self::base(tenant, crate::channel::webchat::PROVIDER, &event_id, Channel::Chat, from, received_at);
        Self { body: text.to_owned(), delivery: Delivery::Inline, ..base }
    }

    /// A caller's final transcript on a ConversationRelay call: turn `turn` of call `call_sid`
    /// (the idempotency key), answered on the call itself.
    pub fn from_call(
        call_sid: &str,
        turn: u32,
        caller: PhoneE164,
        words: &str,
        tenant: TenantContext,
        at: u64,
    ) -> Self {
        let event_id = format!("{call_sid}:{turn}");
        let provider = crate::channel::twilio::PROVIDER;
        let base = Self::base(tenant, provider, &event_id, Channel::Voice, caller.into(), at);
        Self { body: words.to_owned(), delivery: Delivery::Inline, ..base }
    }

    /// The channel the inbound event itself is recorded on.
    pub fn inbound_channel(&self) -> &'static str {
        match self.kind {
            InboundKind::Message => self.channel.as_str(),
            InboundKind::MissedCall | InboundKind::CallNote => "voice",
            InboundKind::Form => "form",
        }
    }

    /// The inbound row's status.
    pub fn inbound_status(&self) -> &'static str {
        match self.kind {
            InboundKind::Message | InboundKind::Form => "received",
            InboundKind::MissedCall => "missed",
            InboundKind::CallNote => "recorded",
        }
    }

    /// The reply row's status when stored. A chat reply is delivered by the HTTP response
    /// itself (`sent`), a spoken one too: Twilio says it in the call, with no callback. Anything else is `queued` until the provider says otherwise: an inline
    /// TwiML reply becomes `sent` only when Twilio's status callback says it sent it, a queued
    /// one when its job's send is accepted.
    pub fn reply_status(&self) -> &'static str {
        match (self.delivery, self.channel) {
            // Chat: the HTTP response; voice: the relay speaks it as soon as it is written.
            (Delivery::Inline, Channel::Chat | Channel::Voice) => "sent",
            _ => "queued",
        }
    }

    /// The `ConversationDO` name: one object per tenant, channel and contact, so all turns of
    /// a thread are serialised in one place.
    pub fn thread_name(&self) -> String {
        thread_name(&self.tenant_id, self.channel, self.from.as_str())
    }

    /// The brain's input, given what the thread knows.
    pub fn turn(&self, continuity: Continuity, contact_name: Option<String>, system_before: Option<String>) -> Turn {
        Turn {
            business_name: self.business_name.clone(),
            settings: self.settings.clone(),
            local_time: self.local_time,
            channel: self.channel,
            // A profile name like "P" or "🌸" greets nobody: only names that read as one.
            contact_name: contact_name.or_else(|| self.profile_name.clone()).filter(|n| reads_as_a_name(n)),
            returning_contact: continuity.returning_contact,
            new_conversation: continuity.new_conversation,
            system_before,
            missed_call: self.kind == InboundKind::MissedCall,
            text: self.body.clone(),
            lead: Default::default(),
            history_summary: None,
            unclear_streak: 0,
            dialogue: Default::default(),
            knowledge: Vec::new(),
            now_ms: self.received_at,
            from_form: self.kind == InboundKind::Form,
            acts: Default::default(),
        }
    }
}

/// At least two letters in the first word: "Ana" greets, "P", "🌸" and "." do not.
fn reads_as_a_name(name: &str) -> bool {
    name.split_whitespace().next().is_some_and(|first| first.chars().filter(|c| c.is_alphabetic()).count() >= 2)
}

/// What the Worker gets back: the reply text to render for the provider (none = stay
/// silent) and the live events to publish (none for a duplicate delivery).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TurnOutcome {
    pub reply: Option<String>,
    /// The reply's message id, so every copy of a tracked answer names the same row (Twilio's
    /// status callback URL carries it); `None` when there is no reply.
    #[serde(default)]
    pub reply_id: Option<String>,
    pub events: Vec<NewEvent>,
}

impl TurnOutcome {
    /// Acknowledged, no reply (now or ever, from this request).
    pub fn silent() -> Self {
        Self { reply: None, reply_id: None, events: Vec::new() }
    }

    /// The answer the ledger recorded for an event answered before: no events (they went out
    /// the first time).
    pub fn from_ledger(answer: &str) -> Self {
        let value = serde_json::from_str::<serde_json::Value>(answer).unwrap_or_default();
        let text = |key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        Self { reply: text("reply"), reply_id: text("reply_id"), events: Vec::new() }
    }

    /// The id of the message an event of `kind` carries (`message.received`: the inbound row,
    /// `message.sent`: the reply's); `None` for a duplicate, whose events went out the first time.
    pub fn message_id(&self, kind: EventKind) -> Option<String> {
        let event = self.events.iter().find(|e| e.kind == kind)?;
        event.data["message"]["id"].as_str().map(str::to_owned)
    }
}

/// The reply's timestamp: never the inbound's own millisecond, so that ids and `created_at`
/// order the reply after the message it answers.
pub fn reply_time(received_at: u64, now_ms: u64) -> u64 {
    now_ms.max(received_at + 1)
}

/// `webhook_events.response`: the answer a later duplicate gets, provider-neutral: the reply
/// and its message id.
pub fn ledger_answer(reply: Option<&str>, reply_id: Option<&str>) -> String {
    json!({ "reply": reply, "reply_id": reply_id }).to_string()
}

/// The reply recorded by [`ledger_answer`]; an unreadable record means no reply.
pub fn reply_from_ledger(answer: &str) -> Option<String> {
    serde_json::from_str::<serde_json::Value>(answer).ok()?.get("reply")?.as_str().map(str::to_owned)
}

/// `message.received`, and `message.sent` if there was a reply, as the rows were stored.
pub fn events(
    tenant_id: &str,
    contact: &Contact,
    conversation: &Conversation,
    inbound: &Message,
    reply: Option<&Message>,
) -> Vec<NewEvent> {
    let event = |kind, message: &Message| NewEvent {
        kind,
        tenant_id: tenant_id.to_owned(),
        at: message.created_at,
        data: json!({ "conversation": conversation, "contact": contact, "message": message }),
    };
    let mut out = vec![event(EventKind::MessageReceived, inbound)];
    out.extend(reply.map(|m| event(EventKind::MessageSent, m)));
    out
}

/// `escalation.raised`: the dashboard's cue to page a human, with who and why.
pub fn escalation_event(
    tenant_id: &str,
    escalation_id: &str,
    request: &crate::brain::EscalationRequest,
    contact: &Contact,
    conversation: &Conversation,
    message: &Message,
) -> NewEvent {
    NewEvent {
        kind: EventKind::EscalationRaised,
        tenant_id: tenant_id.to_owned(),
        at: message.created_at,
        data: json!({
            "escalation": {
                "id": escalation_id,
                "reason": request.reason,
                "priority": request.reason.priority(),
                "summary": request.summary,
                "message_id": message.id,
            },
            "conversation": conversation,
            "contact": contact,
        }),
    }
}

/// The `ConversationDO` name of a tenant's thread with the contact known on `channel` by `key`
/// (E.164 number, email or chat visitor id).
pub fn thread_name(tenant_id: &str, channel: Channel, key: &str) -> String {
    format!("{tenant_id}:{}:{key}", channel.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brain::{rules::RulesBrain, Brain};

    fn inbound_turn() -> InboundTurn {
        InboundTurn {
            tenant_id: "ten_demo".into(),
            business_name: "Maple & Pine Lettings".into(),
            settings: Settings::default(),
            local_time: crate::tenant::tests::at(0, 10, 0),
            provider: "twilio".into(),
            event_id: "SM1".into(),
            channel: Channel::Whatsapp,
            from: PhoneE164::parse("+447700900123").unwrap().into(),
            profile_name: Some("Ana Lima".into()),
            body: "hello".into(),
            media: vec![],
            provider_message_id: "SM1".into(),
            received_at: 5,
            sent_at: None,
            kind: InboundKind::Message,
            delivery: Delivery::Inline,
            attempt: 0,
            claim_at: None,
            recovery: false,
            paused: false,
        }
    }

    #[test]
    fn a_whatsapp_reply_past_the_window_without_a_template_goes_to_a_person() {
        let mut t = inbound_turn();
        t.provider = crate::channel::meta::PROVIDER.into();
        t.sent_at = Some(0);
        let day = 24 * 60 * 60 * 1000;
        assert!(t.undeliverable(day - 1).is_none(), "within the window");
        let escalation = t.undeliverable(day + 1).unwrap();
        assert_eq!(escalation.reason, crate::escalation::Reason::AiFailure);
        assert!(escalation.summary.contains("24-hour window"));
        t.settings.whatsapp_template =
            Some(crate::channel::meta::TemplateSetting { name: "follow_up".into(), language: "en".into() });
        assert!(t.undeliverable(day + 1).is_none(), "the template reopens it");
        let mut twilio = inbound_turn();
        twilio.sent_at = Some(0);
        assert!(twilio.undeliverable(day * 2).is_none(), "Twilio's own rules apply there");
    }

    #[test]
    fn two_people_sending_the_same_form_id_are_two_events() {
        let tenant = || TenantContext {
            paused: false,
            tenant_id: "ten_demo".into(),
            business_name: "Maple & Pine Lettings".into(),
            settings: Settings::default(),
            local_time: crate::tenant::tests::at(0, 10, 0),
        };
        let form = |who: &str, phone: &str| {
            let body = format!(r#"{{"id":"MP-2026-014","name":"{who}","phone":"{phone}","message":"Is it free?"}}"#);
            crate::channel::webform::Submission::parse("application/json", body.as_bytes()).unwrap()
        };
        let ana = InboundTurn::from_form(&form("Ana", "+447700900123"), tenant(), 1);
        let ben = InboundTurn::from_form(&form("Ben", "+447700900456"), tenant(), 2);
        assert_ne!(ana.event_id, ben.event_id);
        assert_ne!(ana.provider_message_id, ben.provider_message_id, "each one's message is stored");
        let again = InboundTurn::from_form(&form("Ana", "+447700900123"), tenant(), 3);
        assert_eq!(ana.event_id, again.event_id, "the same person's resubmission is one event");
    }

    #[test]
    fn threads_are_per_tenant_channel_and_number() {
        assert_eq!(inbound_turn().thread_name(), "ten_demo:whatsapp:+447700900123");
    }

    #[test]
    fn the_stored_name_wins_over_the_profile_name() {
        let t = inbound_turn();
        let first = Continuity { returning_contact: false, new_conversation: true };
        assert_eq!(t.turn(first, None, None).contact_name.as_deref(), Some("Ana Lima"));
        assert_eq!(t.turn(first, Some("Ana".into()), None).contact_name.as_deref(), Some("Ana"));
        let reply = RulesBrain.respond(&t.turn(first, None, None));
        // WhatsApp's default style is casual.
        assert!(reply.text.unwrap().starts_with("Hey Ana! Thanks for getting in touch"));
        let mut initial = inbound_turn();
        initial.profile_name = Some("P".into());
        assert_eq!(initial.turn(first, None, None).contact_name, None, "\"Hi P\" greets nobody");
        assert_eq!(initial.turn(first, Some("P".into()), None).contact_name, None, "nor a stored one");
        assert_eq!(initial.turn(first, Some("Priya Shah".into()), None).contact_name.as_deref(), Some("Priya Shah"));
    }

    #[test]
    fn the_ledger_round_trips_replies_and_silence() {
        assert_eq!(reply_from_ledger(&ledger_answer(Some("Hi & <bye>"), Some("msg_2"))).as_deref(), Some("Hi & <bye>"));
        assert_eq!(reply_from_ledger(&ledger_answer(None, None)), None);
        assert_eq!(reply_from_ledger("garbage"), None);
        let again = TurnOutcome::from_ledger(&ledger_answer(Some("Hi"), Some("msg_2")));
        assert_eq!(
            (again.reply.as_deref(), again.reply_id.as_deref(), again.events.len()),
            (Some("Hi"), Some("msg_2"), 0)
        );
        assert_eq!(TurnOutcome::from_ledger("garbage"), TurnOutcome::silent());
    }

    #[test]
    fn replies_sort_after_what_they_answer() {
        assert_eq!(reply_time(10, 10), 11);
        assert_eq!(reply_time(10, 50), 50);
    }

    #[test]
    fn events_carry_the_rows() {
        let contact =
            Contact { id: "con_1".into(), phone: None, email: None, name: None, created_at: 1, updated_at: 1 };
        let conversation = Conversation {
            id: "cnv_1".into(),
            contact_id: "con_1".into(),
            channel: "sms".into(),
            status: "open".into(),
            started_at: 1,
            last_message_at: 2,
        };
        let message = |id: &str, direction: &str, at| Message {
            id: id.into(),
            conversation_id: "cnv_1".into(),
            contact_id: "con_1".into(),
            direction: direction.into(),
            channel: "sms".into(),
            body: format!("{direction} body"),
            provider_message_id: None,
            status: "sent".into(),
            created_at: at,
            error: None,
            first_token_ms: None,
            last_token_ms: None,
        };
        let (inbound, outbound) = (message("msg_1", "inbound", 1), message("msg_2", "outbound", 2));
        let both = events("ten_demo", &contact, &conversation, &inbound, Some(&outbound));
        assert_eq!(
            both.iter().map(|e| e.kind).collect::<Vec<_>>(),
            [EventKind::MessageReceived, EventKind::MessageSent]
        );
        assert_eq!((both[0].at, both[1].at), (1, 2));
        assert_eq!(both[1].data["message"]["body"], "outbound body");
        assert_eq!(both[0].data["conversation"]["id"], "cnv_1");
        assert_eq!(events("ten_demo", &contact, &conversation, &inbound, None).len(), 1);
    }
}
