//! Delivering what the outbox holds. A delivery first claims its outbox row by `dedupe_key`
//! (so a retried job never sends twice once it has succeeded), then sends through the
//! tenant's provider, or records `simulated` when the tenant has no credentials for it.
//!
//! A crash between the provider accepting a message and the row being marked `sent` makes the
//! retry send again: at-least-once in that window, because Twilio's Messages API takes no
//! idempotency key.

use super::config::sending_secret;
use super::d1::{database, statement, Arg};
use frontdesk_core::channel::twilio::rest::{parse_send_response, send_request, OutboundSms, API_BASE};
use frontdesk_core::channel::{meta, openphone, resend, slack};
use frontdesk_core::http::SendOutcome;
use frontdesk_core::ids;
use frontdesk_core::jobs::{Job, ServiceWindow};
use frontdesk_core::ports::{Clock, Random};
use frontdesk_core::secrets::Misconfigured;
use frontdesk_durable::platform::env::api_base;
use frontdesk_durable::platform::http::{execute, PROVIDER_TIMEOUT_MS};
use frontdesk_durable::platform::time::{wall_clock_ms, WorkerClock, WorkerRandom};
use serde::Deserialize;
use worker::{D1Database, Env, Result};

pub(crate) const TWILIO_API_BASE_VAR: &str = "TWILIO_API_BASE";
const META_API_BASE_VAR: &str = "META_API_BASE";
const OPENPHONE_API_BASE_VAR: &str = "OPENPHONE_API_BASE";
const RESEND_API_BASE_VAR: &str = "RESEND_API_BASE";
const SLACK_WEBHOOK_BASE_VAR: &str = "SLACK_WEBHOOK_BASE";

#[derive(Deserialize)]
struct OutboxState {
    id: String,
    status: String,
    lease_id: Option<String>,
}

/// How long a delivery's lease holds: longer than one send can take (the provider timeout plus
/// our two D1 writes), so a second copy of the job never sends while the first is sending, and
/// short enough that a copy that died mid-send is taken over by the next run of the job.
const LEASE_MS: u64 = PROVIDER_TIMEOUT_MS + 20_000;

/// One thing to deliver, once per `dedupe_key`.
struct Delivery<'a> {
    tenant_id: &'a str,
    dedupe_key: &'a str,
    /// `twilio`, `meta` or `openphone` for messages; pages go by SMS through Twilio. Email goes
    /// through the tenant's Resend channel whatever this says.
    provider: &'a str,
    /// `sms`, `whatsapp`, `email` or `slack`.
    channel: &'a str,
    to: &'a str,
    body: &'a str,
    /// The `messages` row whose status follows the delivery, for replies to contacts.
    message_id: Option<&'a str>,
    payload: serde_json::Value,
    window: Option<&'a ServiceWindow>,
}

/// Sends what a delivery job (`deliver_message` or `notify`) delivers, once.
pub async fn deliver_job(env: &Env, job: &Job) -> Result<()> {
    let Some(entry) = job.outbox_entry() else { return Ok(()) };
    let (provider, body, window) = match job {
        Job::DeliverMessage { provider, body, window, .. } => (provider.as_str(), body.as_str(), window.as_ref()),
        Job::Notify { notification, .. } => ("twilio", notification.body.as_str(), None),
        _ => return Ok(()),
    };
    let delivery = Delivery {
        tenant_id: job.tenant_id(),
        dedupe_key: &entry.dedupe_key,
        provider,
        channel: entry.channel,
        to: &entry.recipient,
        body,
        message_id: entry.message_id.as_deref(),
        payload: entry.payload.clone(),
        window,
    };
    deliver(env, &delivery).await
}

/// Emails `to` once per `dedupe_key` through the tenant's Resend channel (`simulated` without
/// one): what the platform itself writes to the tenant's people, e.g. the daily summary.
pub async fn send_email(
    env: &Env,
    tenant_id: &str,
    dedupe_key: &str,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<()> {
    let delivery = Delivery {
        tenant_id,
        dedupe_key,
        provider: resend::PROVIDER,
        channel: "email",
        to,
        body,
        message_id: None,
        payload: serde_json::json!({ "kind": "email", "subject": subject, "body": body }),
        window: None,
    };
    deliver(env, &delivery).await
}

async fn deliver(env: &Env, d: &Delivery<'_>) -> Result<()> {
    let db = database(env)?;
    let lease = ids::make(ids::CLAIM, WorkerClock.now_ms(), WorkerRandom.next_u64());
    let Some(row) = claim_row(&db, d, &lease).await? else {
        // The message is gone: its contact was erased while this job was on the queue.
        worker::console_log!("delivery {} skipped: its message no longer exists (erased)", d.dedupe_key);
        return Ok(());
    };
    if row.status != "pending" {
        // Sent, simulated or given up on by an earlier run of this job.
        return intent_done(&db, d.tenant_id, d.dedupe_key).await;
    }
    if row.lease_id.as_deref() != Some(lease.as_str()) {
        // Another copy of this job holds the lease and is sending it now. If that copy dies,
        // the lease runs out and the intent, still pending, is enqueued again by the sweeper.
        return Ok(());
    }
    // A credential that is named but unusable fails the delivery with the reason (never
    // `simulated`, which would hide a broken production channel behind a dev-looking status).
    macro_rules! credentials {
        ($creds:expr) => {
            match $creds {
                Ok(creds) => creds,
                Err(why) => {
                    worker::console_error!(
                        "channel misconfigured: tenant {}, {} sending: {why}",
                        d.tenant_id,
                        d.provider
                    );
                    let why = format!("channel misconfigured: {why}");
                    return finish(&db, &row.id, d, "failed", None, Some(&why)).await;
                }
            }
        };
    }
    let request = match (d.provider, d.channel) {
        // The recipient is the webhook's secret reference: resolved here, never logged (a
        // URL that does not point at Slack's webhooks is refused, not fetched).
        (_, "slack") => match credentials!(sending_secret(env, Some(d.to))) {
            None => None,
            Some(url) => {
                match slack::send_request(&api_base(env, SLACK_WEBHOOK_BASE_VAR, slack::WEBHOOK_BASE), &url, d.body) {
                    Some(request) => Some(request),
                    None => {
                        let why = "the Slack webhook secret is not an incoming webhook URL";
                        return finish(&db, &row.id, d, "failed", None, Some(why)).await;
                    }
                }
            }
        },
        // Email goes through the tenant's Resend account whoever carried the conversation.
        (_, "email") => credentials!(resend_sender(env, &db, d.tenant_id).await?).map(|(from, api_key)| {
            let subject = d.payload.get("subject").and_then(|s| s.as_str()).unwrap_or(resend::REPLY_SUBJECT);
            resend::send_request(
                &api_base(env, RESEND_API_BASE_VAR, resend::API_BASE),
                &resend::OutboundEmail {
                    api_key: &api_key,
                    from: &from,
                    to: d.to,
                    subject,
                    text: d.body,
                    idempotency_key: d.dedupe_key,
                },
            )
        }),
        (meta::PROVIDER, _) => {
            let last_inbound = d.window.map(|w| w.last_inbound_ms);
            let send = meta::choose(last_inbound, wall_clock_ms(), d.window.and_then(|w| w.template.as_ref()));
            let Some((phone_number_id, token)) = credentials!(meta_sender(env, &db, d.tenant_id).await?) else {
                return finish(&db, &row.id, d, "simulated", None, None).await;
            };
            let base = api_base(env, META_API_BASE_VAR, meta::API_BASE);
            match send {
                meta::WhatsAppSend::FreeForm => Some(meta::send_request(&base, &phone_number_id, &token, d.to, d.body)),
                meta::WhatsAppSend::Template { name, language, params } => {
                    Some(meta::template_request(&base, &phone_number_id, &token, d.to, &name, &language, &params))
                }
                // Meta would refuse a free-form message: never send one; the team must reach out.
                meta::WhatsAppSend::Escalate => {
                    let why = "outside WhatsApp's 24-hour window and no whatsapp_template is set";
                    return finish(&db, &row.id, d, "failed", None, Some(why)).await;
                }
            }
        }
        (openphone::PROVIDER, _) => {
            credentials!(openphone_sender(env, &db, d.tenant_id).await?).map(|(from, api_key)| {
                openphone::send_request(
                    &api_base(env, OPENPHONE_API_BASE_VAR, openphone::API_BASE),
                    &api_key,
                    &from,
                    d.to,
                    d.body,
                )
            })
        }
        (_, "sms" | "whatsapp") => credentials!(twilio_sender(env, &db, d.tenant_id).await?).map(|sender| {
            // WhatsApp through Twilio is the same API with `whatsapp:` addresses.
            let prefix = if d.channel == "whatsapp" { "whatsapp:" } else { "" };
            send_request(
                &api_base(env, TWILIO_API_BASE_VAR, API_BASE),
                &OutboundSms {
                    account_sid: &sender.account_sid,
                    auth_token: &sender.auth_token,
                    from: &format!("{prefix}{}", sender.from),
                    to: &format!("{prefix}{}", d.to),
                    body: d.body,
                },
            )
        }),
        _ => None,
    };
    let Some(request) = request else {
        return finish(&db, &row.id, d, "simulated", None, None).await;
    };
    let classify = match (d.provider, d.channel) {
        (_, "slack") => slack::parse_send_response,
        (_, "email") => resend::parse_send_response,
        (meta::PROVIDER, _) => meta::parse_send_response,
        (openphone::PROVIDER, _) => openphone::parse_send_response,
        _ => parse_send_response,
    };
    match execute(&request).await {
        Ok((status, body)) => match classify(status, &body) {
            SendOutcome::Sent { provider_id } => finish(&db, &row.id, d, "sent", Some(&provider_id), None).await,
            SendOutcome::Failed(error) => finish(&db, &row.id, d, "failed", None, Some(&error)).await,
            SendOutcome::Retry(error) => retry_later(&db, &row.id, &error).await,
        },
        // A fetch error may quote the URL, which for Slack is the secret.
        Err(_) if d.channel == "slack" => retry_later(&db, &row.id, "network: the Slack webhook did not answer").await,
        Err(e) => retry_later(&db, &row.id, &format!("network: {e}")).await,
    }
}

/// Settles a job the queue (dead-lettered) or the sweeper gave up on: the outbox row `dead`, its
/// intent `dead`, a reply's message row `failed` with the last error, and a call it was to place
/// (`call:<id>`) `failed`, so the timeline tells the truth.
pub async fn mark_dead(env: &Env, tenant_id: &str, dedupe_key: &str) -> Result<()> {
    let db = database(env)?;
    let now = WorkerClock.now_ms();
    let key = [Arg::Text(tenant_id), Arg::Text(dedupe_key), Arg::Int(now)];
    db.batch(vec![
        statement(
            &db,
            "UPDATE messages SET status = 'failed', \
                    error = COALESCE((SELECT last_error FROM outbox WHERE tenant_id = ?1 AND dedupe_key = ?2), \
                                     'the delivery was given up on after its retries') \
             WHERE tenant_id = ?1 AND id = (SELECT message_id FROM outbox WHERE tenant_id = ?1 AND dedupe_key = ?2 \
                                           AND status = 'pending') AND status = 'queued'",
            // D1 refuses a statement given more values than it has parameters.
            &key[..2],
        )?,
        statement(
            &db,
            "UPDATE outbox SET status = 'dead', updated_at = ?3, lease_id = NULL, lease_until = NULL \
             WHERE tenant_id = ?1 AND dedupe_key = ?2 AND status = 'pending'",
            &key,
        )?,
        statement(
            &db,
            "UPDATE job_intents SET status = 'dead', updated_at = ?3 \
             WHERE tenant_id = ?1 AND dedupe_key = ?2 AND status = 'pending'",
            &key,
        )?,
        statement(
            &db,
            "UPDATE calls SET status = 'failed', status_rank = ?4, updated_at = ?3, \
                    error = 'the call could not be placed after its retries (Twilio did not answer)' \
             WHERE tenant_id = ?1 AND ?2 = 'call:' || id AND call_sid = id AND status = 'queued'",
            &[key[0], key[1], key[2], Arg::Int(frontdesk_core::voice::status::rank("failed").unwrap_or(3).into())],
        )?,
    ])
    .await?;
    Ok(())
}

/// Creates the delivery's outbox row if the turn did not, and takes its lease if it is pending
/// and nobody holds a live one: only the lease holder sends. `None`: the delivery is of a
/// message that no longer exists (its contact was erased), so there is nothing to send.
async fn claim_row(db: &D1Database, d: &Delivery<'_>, lease: &str) -> Result<Option<OutboxState>> {
    let now = WorkerClock.now_ms();
    let id = ids::make(ids::OUTBOX, now, WorkerRandom.next_u64());
    let payload = d.payload.to_string();
    let results = db
        .batch(vec![
            statement(
                db,
                "INSERT INTO outbox (id, tenant_id, message_id, channel, recipient, payload, status, attempts, \
                                     created_at, updated_at, dedupe_key) \
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, 'pending', 0, ?7, ?7, ?8 \
                 WHERE ?3 IS NULL OR EXISTS (SELECT 1 FROM messages WHERE tenant_id = ?2 AND id = ?3) \
                 ON CONFLICT (tenant_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING",
                &[
                    Arg::Text(&id),
                    Arg::Text(d.tenant_id),
                    Arg::OptText(d.message_id),
                    Arg::Text(d.channel),
                    Arg::Text(d.to),
                    Arg::Text(&payload),
                    Arg::Int(now),
                    Arg::Text(d.dedupe_key),
                ],
            )?,
            statement(
                db,
                "UPDATE outbox SET lease_id = ?3, lease_until = ?4 \
                 WHERE tenant_id = ?1 AND dedupe_key = ?2 AND status = 'pending' \
                   AND (lease_until IS NULL OR lease_until < ?5)",
                &[
                    Arg::Text(d.tenant_id),
                    Arg::Text(d.dedupe_key),
                    Arg::Text(lease),
                    Arg::Int(now + LEASE_MS),
                    Arg::Int(now),
                ],
            )?,
            statement(
                db,
                "SELECT id, status, lease_id FROM outbox WHERE tenant_id = ?1 AND dedupe_key = ?2",
                &[Arg::Text(d.tenant_id), Arg::Text(d.dedupe_key)],
            )?,
        ])
        .await?;
    let row = results.last().and_then(|r| r.results::<OutboxState>().ok()).and_then(|rows| rows.into_iter().next());
    if row.is_none() && d.message_id.is_none() {
        return Err(worker::Error::RustError("outbox row missing after insert".into()));
    }
    Ok(row)
}

/// Marks a job's intent done: the sweeper stops watching it.
pub async fn intent_done(db: &D1Database, tenant_id: &str, key: &str) -> Result<()> {
    intent_done_statement(db, tenant_id, key)?.run().await?;
    Ok(())
}

fn intent_done_statement(db: &D1Database, tenant_id: &str, key: &str) -> Result<worker::D1PreparedStatement> {
    statement(
        db,
        "UPDATE job_intents SET status = 'done', updated_at = ?3 \
         WHERE tenant_id = ?1 AND dedupe_key = ?2 AND status = 'pending'",
        &[Arg::Text(tenant_id), Arg::Text(key), Arg::Int(WorkerClock.now_ms())],
    )
}

/// Records the outcome on the outbox row and, for a reply, on its message row, together.
async fn finish(
    db: &D1Database,
    id: &str,
    d: &Delivery<'_>,
    status: &str,
    provider_id: Option<&str>,
    error: Option<&str>,
) -> Result<()> {
    let now = WorkerClock.now_ms();
    let mut statements = vec![
        statement(
            db,
            "UPDATE outbox SET status = ?2, attempts = attempts + 1, last_error = ?3, updated_at = ?4, \
                    lease_id = NULL, lease_until = NULL, \
                    payload = CASE WHEN ?5 IS NULL THEN payload ELSE json_set(payload, '$.provider_id', ?5) END \
             WHERE id = ?1",
            &[Arg::Text(id), Arg::Text(status), Arg::OptText(error), Arg::Int(now), Arg::OptText(provider_id)],
        )?,
        intent_done_statement(db, d.tenant_id, d.dedupe_key)?,
    ];
    if let Some(message_id) = d.message_id {
        statements.push(statement(
            db,
            "UPDATE messages SET status = ?3, provider_message_id = COALESCE(?4, provider_message_id), error = ?5 \
             WHERE tenant_id = ?1 AND id = ?2",
            &[
                Arg::Text(d.tenant_id),
                Arg::Text(message_id),
                Arg::Text(status),
                Arg::OptText(provider_id),
                Arg::OptText(error),
            ],
        )?);
    }
    db.batch(statements).await?;
    Ok(())
}

/// Records the failed attempt and fails the job, so the queue retries it with backoff.
async fn retry_later(db: &D1Database, id: &str, error: &str) -> Result<()> {
    statement(
        db,
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, updated_at = ?3, lease_id = NULL, \
                lease_until = NULL WHERE id = ?1",
        &[Arg::Text(id), Arg::Text(error), Arg::Int(WorkerClock.now_ms())],
    )?
    .run()
    .await?;
    Err(worker::Error::RustError(format!("delivery will be retried: {error}")))
}

pub(crate) struct TwilioSender {
    pub account_sid: String,
    pub auth_token: String,
    pub from: String,
}

#[derive(Deserialize)]
pub(crate) struct ChannelRow {
    pub address: String,
    pub secret_ref: String,
    config: String,
}

#[derive(Deserialize)]
struct TwilioConfig {
    account_sid: Option<String>,
}

/// Sending credentials: none configured (`Ok(None)`: simulated), usable, or named but unusable.
pub(crate) type Credentials<T> = std::result::Result<Option<T>, Misconfigured>;

/// The tenant's Twilio number and credentials, if it has configured sending (an account SID).
pub(crate) async fn twilio_sender(env: &Env, db: &D1Database, tenant_id: &str) -> Result<Credentials<TwilioSender>> {
    let Some(row) = channel_row(db, tenant_id, "twilio").await? else { return Ok(Ok(None)) };
    let Some(account_sid) = serde_json::from_str::<TwilioConfig>(&row.config).ok().and_then(|c| c.account_sid) else {
        return Ok(Ok(None));
    };
    Ok(match sending_secret(env, Some(&row.secret_ref)) {
        Ok(Some(auth_token)) => Ok(Some(TwilioSender { account_sid, auth_token, from: row.address })),
        Ok(None) => Err(Misconfigured::NoReference),
        Err(why) => Err(why),
    })
}

/// The tenant's first channel with `provider` (its sending number or id, secret and config).
pub(crate) async fn channel_row(db: &D1Database, tenant_id: &str, provider: &str) -> Result<Option<ChannelRow>> {
    statement(
        db,
        "SELECT address, secret_ref, config FROM tenant_channels \
         WHERE tenant_id = ?1 AND provider = ?2 ORDER BY created_at, id LIMIT 1",
        &[Arg::Text(tenant_id), Arg::Text(provider)],
    )?
    .first(None)
    .await
}

/// A provider's API origin: the named var when set (tests point it at a fake that speaks the
/// provider's wire format), else the provider's own.
#[derive(Deserialize)]
struct OpenPhoneConfig {
    /// A secret reference (`env:NAME`, or a literal in dev) to the workspace's API key.
    api_key: Option<String>,
}

/// The tenant's OpenPhone number and API key (channel `config.api_key`), if set.
async fn openphone_sender(env: &Env, db: &D1Database, tenant_id: &str) -> Result<Credentials<(String, String)>> {
    let Some(row) = channel_row(db, tenant_id, openphone::PROVIDER).await? else { return Ok(Ok(None)) };
    let key_ref = serde_json::from_str::<OpenPhoneConfig>(&row.config).ok().and_then(|c| c.api_key);
    Ok(sending_secret(env, key_ref.as_deref()).map(|key| key.map(|key| (row.address, key))))
}

/// The tenant's Resend sender (`address`, e.g. `Maple & Pine <desk@mapleandpine.example>`) and
/// API key (`secret_ref`, an `env:NAME` reference), if it has an email channel. A row without a
/// key is misconfigured (failed, not simulated): the tenant meant to send.
async fn resend_sender(env: &Env, db: &D1Database, tenant_id: &str) -> Result<Credentials<(String, String)>> {
    let Some(row) = channel_row(db, tenant_id, resend::PROVIDER).await? else { return Ok(Ok(None)) };
    Ok(match sending_secret(env, Some(&row.secret_ref)) {
        Ok(Some(key)) => Ok(Some((row.address, key))),
        Ok(None) => Err(Misconfigured::NoReference),
        Err(why) => Err(why),
    })
}

/// The tenant's WhatsApp Cloud `phone_number_id` and Graph access token (`secret_ref`), if set.
async fn meta_sender(env: &Env, db: &D1Database, tenant_id: &str) -> Result<Credentials<(String, String)>> {
    let Some(row) = channel_row(db, tenant_id, meta::PROVIDER).await? else { return Ok(Ok(None)) };
    Ok(sending_secret(env, Some(&row.secret_ref)).map(|token| token.map(|token| (row.address, token))))
}
