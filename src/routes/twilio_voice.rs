//! Twilio Voice webhooks (PROTOCOLS.md §2–3), each signed like the Messaging webhook
//! ([`twilio_sms::verified_tenant`]) and answered with TwiML from `core::voice::twiml`:
//! - `POST /webhooks/twilio/voice`: a call arrives; it is stored (and its caller's contact)
//!   before the answer: ConversationRelay, a speech `<Gather>`, or voicemail after hours.
//! - `POST /webhooks/twilio/voice/gather?turn=N`: what the caller said in gather mode, run
//!   through the same conversation turn as a text (channel `voice`), spoken back.
//! - `POST /webhooks/twilio/voice/status`: call progress, only ever forward.
//! - `POST /webhooks/twilio/voice/recording?number=`: a voicemail, attached to the call and
//!   put on the caller's timeline.
//! - `POST /webhooks/twilio/voice/relay-ended`: the relay's `end`: a person (a transfer, or a
//!   callback and a message when nobody can take the call) or a hang-up.
//! - `POST /webhooks/twilio/voice/dial-ended`: a transfer ended; one nobody answered becomes a
//!   callback and a message.
//! - `POST /webhooks/twilio/voice/whisper?call=&number=`: the summary staff hear on a transfer.
//! - `POST /webhooks/twilio/voice/outbound?call=&number=`: a call we placed was answered.

use super::twilio_sms::{twiml, verified_tenant};
use crate::error::AppResult;
use crate::platform::call_summary::summarize_call;
use crate::platform::d1::{self, calls};
use crate::platform::events::{publish_after_response, publish_all};
use crate::platform::{callbacks, config};
use frontdesk_core::api::ApiError;
use frontdesk_core::brain::persona::on_call;
use frontdesk_core::brain::understand::language_of;
use frontdesk_core::channel::twilio::relay;
use frontdesk_core::events::NewEvent;
use frontdesk_core::form::Form;
use frontdesk_core::ids;
use frontdesk_core::inbound::{InboundTurn, TenantContext};
use frontdesk_core::phone::PhoneE164;
use frontdesk_core::ports::{Clock, Random};
use frontdesk_core::voice::callback::{self, Missed};
use frontdesk_core::voice::handoff::{dial_answered, person_route, Handoff, PersonRoute};
use frontdesk_core::voice::outbound::Purpose;
use frontdesk_core::voice::request::{self, CallRequest};
use frontdesk_core::voice::speech;
use frontdesk_core::voice::spoken::{self, Next};
use frontdesk_core::voice::{self, greeting, status, twiml as voice_twiml, Answer, VoiceSettings};
use frontdesk_durable::conversation_turn;
use frontdesk_durable::platform::bookings::{contact_for, upcoming};
use frontdesk_durable::platform::time::{WorkerClock, WorkerRandom};
use serde_json::json;
use worker::{Context, D1Database, Env, Request, Response};

const CONNECTING: &str = "Connecting you to someone from the team now.";

/// Voice requests are call parameters plus, at most, a transcript or `HandoffData`.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// A verified voice request: its form, the tenant that owns the number and the time.
struct Verified {
    form: Form,
    db: D1Database,
    tenant: d1::ChannelTenant,
    now: u64,
}

/// Reads and verifies a voice request addressed to the tenant's `To` (or, for callbacks
/// without one, the `number` our own TwiML put in the signed URL).
async fn verify(req: &mut Request, env: &Env) -> AppResult<Verified> {
    let raw = super::body_bytes(req, MAX_BODY_BYTES).await?;
    let form = Form::parse(&raw).map_err(|_| ApiError::malformed_body("body is not valid form encoding"))?;
    let number = match super::query_param(req, "number")? {
        Some(number) => number,
        None => {
            let field = request::tenant_number_field(&form);
            let raw = form.non_empty(field).unwrap_or_default();
            PhoneE164::parse(raw)
                .map_err(|_| ApiError::malformed_body(format!("`{field}` must be the tenant's E.164 number")))?
                .to_string()
        }
    };
    let now = WorkerClock.now_ms();
    let db = d1::database(env)?;
    let tenant = verified_tenant(env, req, &db, &form, &number, now).await?;
    Ok(Verified { form, db, tenant, now })
}

fn call_request(form: &Form) -> AppResult<CallRequest> {
    Ok(CallRequest::from_form(form).map_err(ApiError::malformed_body)?)
}

fn voice_settings(context: &TenantContext) -> VoiceSettings {
    context.settings.voice.clone().unwrap_or_default()
}

pub async fn answer(mut req: Request, env: Env, ctx: &Context) -> AppResult<Response> {
    let Verified { form, db, tenant, now } = verify(&mut req, &env).await?;
    let call = call_request(&form)?;
    let to = call.tenant_number.clone();
    let context = tenant.into_context(now);
    let settings = voice_settings(&context);
    let how = voice::answer(&settings, context.settings.is_open_at(context.local_time));

    let contact_id = match &call.from {
        Some(from) => contact_for(&db, &context.tenant_id, Some(from.as_str()), None, None, now).await?,
        None => None,
    };
    let name = match &contact_id {
        Some(id) => calls::contact_name(&db, &context.tenant_id, id).await?,
        None => None,
    };
    let id = ids::make(ids::CALL, now, WorkerRandom.next_u64());
    let mode = match how {
        Answer::Relay => "relay",
        Answer::Gather => "gather",
        Answer::Voicemail => "voicemail",
    };
    let call_status = form.non_empty("CallStatus").filter(|s| status::rank(s).is_some()).unwrap_or("ringing");
    calls::record_call(
        &db,
        &calls::NewCall {
            id: &id,
            tenant_id: &context.tenant_id,
            call_sid: &call.call_sid,
            contact_id: contact_id.as_deref(),
            from: &call.from_raw,
            to: &to,
            mode,
            status: call_status,
            status_rank: status::rank(call_status).unwrap_or_default(),
            now_ms: now,
        },
    )
    .await?;
    // The stored row (a retried webhook announces the call it stored the first time), read and
    // published after the answer: the caller never waits for the dashboard's event.
    let (events_env, tenant_id, call_sid) = (env.clone(), context.tenant_id.clone(), call.call_sid.clone());
    ctx.wait_until(async move {
        let stored = match d1::database(&events_env) {
            Ok(db) => calls::call_by_sid(&db, &tenant_id, &call_sid).await.ok().flatten(),
            Err(_) => None,
        };
        if let Some(stored) = stored {
            let call = json!({
                "id": stored.id, "call_sid": stored.call_sid, "contact_id": stored.contact_id,
                "from_number": stored.from_number, "to_number": stored.to_number, "direction": stored.direction,
                "status": stored.status, "created_at": stored.created_at,
            });
            publish_all(&events_env, vec![status::started_event(&tenant_id, call, now)]).await;
        }
    });

    let base = config::public_base_url(&env)?;
    let business = context.business_name.as_str();
    let body = match how {
        Answer::Voicemail => {
            let hello = greeting::voicemail_greeting(business, name.as_deref());
            let speaker = voice::speaker(&context.settings.personas, &settings, settings.language());
            voice_twiml::voicemail(&base, &to, &greeting::spoken(&hello, &settings), speaker)
        }
        Answer::Relay | Answer::Gather => {
            let booking = match &contact_id {
                Some(id) => upcoming(&db, &context.tenant_id, id, (now, context.local_time.date)).await?,
                None => None,
            };
            let persona = on_call(&context.settings.personas).map(|p| p.name.as_str());
            let hello = greeting::greeting(business, name.as_deref(), booking.as_deref(), persona);
            let talk =
                Talk { how, call_id: &id, call_sid: &call.call_sid, number: &to, contact_id: contact_id.as_deref() };
            conversation(&db, &base, &context, &settings, &talk, &hello).await?
        }
    };
    twiml(&body)
}

/// A call the receptionist takes (relay or gather): who and where.
struct Talk<'a> {
    how: Answer,
    call_id: &'a str,
    call_sid: &'a str,
    /// The tenant's number on the call.
    number: &'a str,
    contact_id: Option<&'a str>,
}

/// The TwiML that hands a call to the receptionist, opening with `hello`: the same for calls
/// they make and calls we place.
async fn conversation(
    db: &D1Database,
    base: &str,
    context: &TenantContext,
    settings: &VoiceSettings,
    talk: &Talk<'_>,
    hello: &str,
) -> AppResult<String> {
    let streets = calls::listing_streets(db, &context.tenant_id).await?;
    let hints = greeting::hints(&context.business_name, streets.iter().map(String::as_str));
    let language = settings.language();
    let hello = &greeting::spoken(hello, settings);
    let speaker = voice::speaker(&context.settings.personas, settings, language);
    if talk.how == Answer::Gather {
        return Ok(voice_twiml::gather(base, 1, hello, speaker, &hints));
    }
    let parameters = [
        ("tenant", context.tenant_id.as_str()),
        ("call", talk.call_id),
        ("contact", talk.contact_id.unwrap_or_default()),
    ];
    let languages = voice::language::relay_tags(settings);
    Ok(voice_twiml::relay(&voice_twiml::Relay {
        base_url: base,
        call_sid: talk.call_sid,
        number: talk.number,
        greeting: hello,
        language,
        voice: speaker.voice,
        hints: &hints,
        languages: &languages,
        parameters: &parameters,
    }))
}

/// `POST /webhooks/twilio/voice/outbound?call={id}&number={tenant number}`: the person we
/// called (`POST /api/v1/calls`) answered and Twilio asks what to say: the receptionist, as on
/// a call they made, opening with who we are and why we call.
pub async fn outbound(mut req: Request, env: Env) -> AppResult<Response> {
    let Verified { form, db, tenant, now } = verify(&mut req, &env).await?;
    let call = call_request(&form)?;
    let call_id = super::query_param(&req, "call")?.ok_or_else(|| ApiError::bad_request("`call` is required"))?;
    let stored = calls::call(&db, &tenant.tenant_id, &call_id)
        .await?
        .filter(|c| c.direction == "outbound")
        .ok_or_else(|| ApiError::not_found("call"))?;
    // Twilio may ask before the job stored the Calls API's answer.
    calls::attach_call_sid(&db, &tenant.tenant_id, &call_id, &call.call_sid, now).await?;
    let name = match &stored.contact_id {
        Some(id) => calls::contact_name(&db, &tenant.tenant_id, id).await?,
        None => None,
    };
    let context = tenant.into_context(now);
    let settings = voice_settings(&context);
    let purpose = stored.purpose.as_deref().and_then(Purpose::parse).unwrap_or(Purpose::Callback);
    let persona = on_call(&context.settings.personas).map(|p| p.name.as_str());
    let hello = greeting::outbound_greeting(&context.business_name, name.as_deref(), purpose, persona);
    let how = if stored.mode == "gather" { Answer::Gather } else { Answer::Relay };
    let talk = Talk {
        how,
        call_id: &stored.id,
        call_sid: &call.call_sid,
        number: &call.tenant_number,
        contact_id: stored.contact_id.as_deref(),
    };
    twiml(&conversation(&db, &config::public_base_url(&env)?, &context, &settings, &talk, &hello).await?)
}

pub async fn gather(mut req: Request, env: Env, ctx: &Context) -> AppResult<Response> {
    let Verified { form, db, tenant, now } = verify(&mut req, &env).await?;
    let call = call_request(&form)?;
    let turn: u32 = super::query_param(&req, "turn")?.and_then(|t| t.parse().ok()).unwrap_or(1);
    let context = tenant.into_context(now);
    let settings = voice_settings(&context);
    let base = config::public_base_url(&env)?;
    let personas = &context.settings.personas;
    let speech = form.non_empty("SpeechResult").map(str::trim).unwrap_or_default().to_owned();
    let Some(from) = call.from.clone().filter(|_| !speech.is_empty()) else {
        // Silence (or a caller we cannot keep a conversation with): ask again, same turn.
        let speaker = voice::speaker(personas, &settings, settings.language());
        return twiml(&voice_twiml::gather(&base, turn, "Sorry, could you say that again?", speaker, ""));
    };
    let next = spoken::next(&speech, context.settings.template.as_deref(), context.local_time.date);
    let inbound = InboundTurn::from_speech(&call.call_sid, turn, from, &speech, context.clone(), now);
    let outcome = conversation_turn(&env, &inbound).await?;
    let summary = relay::handoff_in(&outcome.events).map(|(_, summary)| summary);
    publish_after_response(&env, ctx, outcome.events);
    // The reply is in the language the caller spoke (the brain's reading): said, and the next
    // words listened for, in it.
    let spoken_in = language_of(&speech);
    let reply = speech::say(outcome.reply.as_deref().unwrap_or_default(), &settings, spoken_in);
    let said_in = voice::language::tag(spoken_in, &settings);
    let speaker = voice::speaker(personas, &settings, &said_in);
    let body = match next {
        Next::HangUp => voice_twiml::say_and_hang_up(&reply, speaker),
        // The reply said what happens next (put through, or called back): the TwiML does it.
        Next::Person => to_person(&env, &db, (&context, &call), &reply, summary.as_deref(), now).await?,
        Next::Listen => voice_twiml::gather(&base, turn + 1, &reply, speaker, ""),
    };
    twiml(&body)
}

/// A caller who asked for a person: put through when someone can answer (a transfer number,
/// open hours), saying `announce` while it rings; else a callback scheduled and a message taken.
async fn to_person(
    env: &Env,
    db: &D1Database,
    (context, call): (&TenantContext, &CallRequest),
    announce: &str,
    summary: Option<&str>,
    now: u64,
) -> AppResult<String> {
    let settings = voice_settings(context);
    match person_route(&settings, context.settings.is_open_at(context.local_time)) {
        PersonRoute::Transfer(number) => Ok(voice_twiml::dial(
            &config::public_base_url(env)?,
            &call.call_sid,
            &number,
            &call.tenant_number,
            announce,
            voice::speaker(&context.settings.personas, &settings, settings.language()),
        )),
        PersonRoute::Callback(missed) => call_back(env, db, context, call, &missed, summary, now).await,
    }
}

/// Nobody could take the call: the callback is scheduled (the team's task, a text to the
/// caller) and the caller, told when, may leave a message (`<Record>`, as voicemail).
async fn call_back(
    env: &Env,
    db: &D1Database,
    context: &TenantContext,
    call: &CallRequest,
    missed: &Missed,
    summary: Option<&str>,
    now: u64,
) -> AppResult<String> {
    let when = callbacks::schedule(env, db, context, &call.call_sid, missed, summary, now).await?;
    let settings = voice_settings(context);
    let base = config::public_base_url(env)?;
    let speaker = voice::speaker(&context.settings.personas, &settings, settings.language());
    Ok(voice_twiml::voicemail(&base, &call.tenant_number, &callback::spoken(when.as_deref()), speaker))
}

pub async fn status(mut req: Request, env: Env, ctx: &Context) -> AppResult<Response> {
    let Verified { form, db, tenant, now } = verify(&mut req, &env).await?;
    let call = call_request(&form)?;
    if let Some(call_id) = super::query_param(&req, "call")? {
        // A call we placed: its progress may be reported before the job stored its CallSid.
        calls::attach_call_sid(&db, &tenant.tenant_id, &call_id, &call.call_sid, now).await?;
    }
    let reported = form.non_empty("CallStatus").unwrap_or_default();
    // An undocumented status is acknowledged and ignored: Twilio adds values without notice.
    if let Some(rank) = status::rank(reported) {
        let duration = status::duration_seconds(form.non_empty("CallDuration"));
        calls::apply_call_status(&db, &tenant.tenant_id, &call.call_sid, (reported, rank), duration, now).await?;
        if rank == status::TERMINAL {
            let context = tenant.into_context(now);
            let events = summary_events(&env, &db, &context, &call.call_sid, now).await;
            publish_after_response(&env, ctx, events);
        }
    }
    Ok(Response::empty()?.with_status(204))
}

/// The call's summary, if it is due. A failure is logged, not answered: the callback's own
/// work is stored, and the sweeper summarises the call later.
async fn summary_events(
    env: &Env,
    db: &D1Database,
    context: &TenantContext,
    call_sid: &str,
    now: u64,
) -> Vec<NewEvent> {
    summarize_call(env, db, context, call_sid, (now, false)).await.unwrap_or_else(|e| {
        worker::console_error!("summarising call {call_sid} failed (the sweeper will): {e}");
        Vec::new()
    })
}

pub async fn recording(mut req: Request, env: Env, ctx: &Context) -> AppResult<Response> {
    let Verified { form, db, tenant, now } = verify(&mut req, &env).await?;
    let call = call_request(&form)?;
    let (Some(sid), Some(url)) = (form.non_empty("RecordingSid"), form.non_empty("RecordingUrl")) else {
        // `absent` and `in-progress` recording callbacks carry nothing to keep yet.
        return twiml(&voice_twiml::hang_up());
    };
    let duration = status::duration_seconds(form.non_empty("RecordingDuration"));
    let stored = calls::attach_recording(&db, &tenant.tenant_id, &call.call_sid, (sid, url, duration), now).await?;
    // On the caller's timeline too; the recording's sid makes the two reports one entry.
    if let Some((stored, caller)) = stored.and_then(|c| PhoneE164::parse(c.person_number()).ok().map(|p| (c, p))) {
        let note = voice::voicemail_note(&stored.id, duration);
        let context = tenant.into_context(now);
        let turn = InboundTurn::voicemail(sid, note, caller, context.clone(), now);
        let mut events = conversation_turn(&env, &turn).await?.events;
        // A voicemail's call may have ended before its recording was reported: summarised now.
        events.extend(summary_events(&env, &db, &context, &call.call_sid, now).await);
        publish_after_response(&env, ctx, events);
    }
    // The `<Record action>` request expects TwiML for the rest of the call: there is none.
    twiml(&voice_twiml::hang_up())
}

pub async fn relay_ended(mut req: Request, env: Env) -> AppResult<Response> {
    let Verified { form, db, tenant, now } = verify(&mut req, &env).await?;
    let call = call_request(&form)?;
    let raw = form.non_empty("HandoffData");
    if let Some(raw) = raw {
        calls::set_handoff(&db, &tenant.tenant_id, &call.call_sid, raw, now).await?;
    }
    let context = tenant.into_context(now);
    let handoff = Handoff::parse(raw);
    if !handoff.wants_person() {
        return twiml(&voice_twiml::hang_up());
    }
    // The relay has said its words: the caller hears that they are being connected.
    twiml(&to_person(&env, &db, (&context, &call), CONNECTING, handoff.summary.as_deref(), now).await?)
}

/// `POST /webhooks/twilio/voice/dial-ended`: the `<Dial>` action. A transfer somebody answered
/// is over; one nobody did (`DialCallStatus` `no-answer`, `busy`, `failed`, `canceled`) becomes
/// a callback and a message. The summary is the relay's handoff, kept on the call.
pub async fn dial_ended(mut req: Request, env: Env) -> AppResult<Response> {
    let Verified { form, db, tenant, now } = verify(&mut req, &env).await?;
    let call = call_request(&form)?;
    let dial_status = form.non_empty("DialCallStatus");
    if dial_answered(dial_status) {
        return twiml(&voice_twiml::hang_up());
    }
    let stored = calls::call_by_sid(&db, &tenant.tenant_id, &call.call_sid).await?;
    let handoff = Handoff::parse(stored.as_ref().and_then(|c| c.handoff.as_deref()));
    let missed = Missed::Unanswered(dial_status.unwrap_or("no-answer").chars().take(32).collect());
    let context = tenant.into_context(now);
    twiml(&call_back(&env, &db, &context, &call, &missed, handoff.summary.as_deref(), now).await?)
}

/// `POST /webhooks/twilio/voice/whisper?call={CallSid}&number={tenant number}`: the person
/// answering a transfer hears why the caller is coming through (the relay's handoff summary).
/// Twilio signs it like any request; its `To` is the staff phone, so the URL names the tenant.
pub async fn whisper(mut req: Request, env: Env) -> AppResult<Response> {
    let Verified { db, tenant, now, .. } = verify(&mut req, &env).await?;
    let call_sid = super::query_param(&req, "call")?.ok_or_else(|| ApiError::bad_request("`call` is required"))?;
    let stored = calls::call_by_sid(&db, &tenant.tenant_id, &call_sid).await?;
    let handoff = Handoff::parse(stored.as_ref().and_then(|c| c.handoff.as_deref()));
    let settings = voice_settings(&tenant.into_context(now));
    twiml(&voice_twiml::whisper(&handoff.staff_summary(), settings.language()))
}
