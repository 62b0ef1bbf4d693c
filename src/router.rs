//! Method + path → route. Unknown paths are 404, known paths with the wrong method 405, both
//! as JSON errors with stable codes.

use crate::error::AppError;
use crate::routes::{
    analytics, api, api_keys, approvals, audit, bookings, calls, channels, console_views, contact_messages, copilot,
    escalations, events, health, info_packs, kb, kb_unanswered, leads, listings, mcp, meta_whatsapp, missed_call,
    oauth_authorize, oauth_register, oauth_token, openphone, privacy, saved_searches, session, settings, simulator,
    takeover, tenants, test_hooks, tickets, twilio_relay, twilio_sms, twilio_voice, understand, unparsed, usage, users,
    web_chat, web_form, well_known,
};
use frontdesk_core::api::ApiError;
use worker::{Context, Env, Method, Request, Response, Result};

pub async fn handle(req: Request, env: Env, ctx: Context) -> Result<Response> {
    let path = req.path();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let method = req.method();
    if let Err(refused) = crate::routes::rate_limit::check(&req, &env, &segments).await {
        return Ok(finish(&segments, refused.into_response()));
    }
    let result = match (method.clone(), segments.as_slice()) {
        (Method::Get, ["health"]) => health::get(),
        (Method::Get, [".well-known", "oauth-authorization-server"]) => well_known::authorization_server(&env),
        (
            Method::Get,
            [".well-known", "oauth-protected-resource"] | [".well-known", "oauth-protected-resource", "mcp"],
        ) => well_known::protected_resource(&env),
        (Method::Get, ["oauth", "authorize"]) => oauth_authorize::get(req, &env).await,
        (Method::Post, ["oauth", "authorize"]) => oauth_authorize::post(req, &env).await,
        (Method::Post, ["oauth", "token"]) => oauth_token::token(req, &env).await,
        (Method::Post, ["oauth", "revoke"]) => oauth_token::revoke(req, &env).await,
        (Method::Post, ["oauth", "register"]) => oauth_register::post(req, &env).await,
        (Method::Options, ["oauth", "token" | "revoke" | "register"] | [".well-known", ..]) => web_chat::preflight(),
        (Method::Post, ["webhooks", "twilio", "sms"]) => twilio_sms::post(req, env, &ctx).await,
        (Method::Post, ["webhooks", "twilio", "status"]) => twilio_sms::status(req, env).await,
        (Method::Post, ["webhooks", "twilio", "voice"]) => twilio_voice::answer(req, env, &ctx).await,
        (Method::Post, ["webhooks", "twilio", "voice", "gather"]) => twilio_voice::gather(req, env, &ctx).await,
        (Method::Post, ["webhooks", "twilio", "voice", "status"]) => twilio_voice::status(req, env, &ctx).await,
        (Method::Post, ["webhooks", "twilio", "voice", "recording"]) => twilio_voice::recording(req, env, &ctx).await,
        (Method::Post, ["webhooks", "twilio", "voice", "relay-ended"]) => twilio_voice::relay_ended(req, env).await,
        (Method::Post, ["webhooks", "twilio", "voice", "whisper"]) => twilio_voice::whisper(req, env).await,
        (Method::Post, ["webhooks", "twilio", "voice", "outbound"]) => twilio_voice::outbound(req, env).await,
        (Method::Post, ["webhooks", "twilio", "voice", "dial-ended"]) => twilio_voice::dial_ended(req, env).await,
        (Method::Get, ["webhooks", "twilio", "relay"]) => twilio_relay::get(req, env).await,
        (Method::Get, ["webhooks", "meta", "whatsapp"]) => meta_whatsapp::verify(&req, &env),
        (Method::Post, ["webhooks", "meta", "whatsapp"]) => meta_whatsapp::post(req, env, &ctx).await,
        (Method::Post, ["webhooks", "openphone"]) => openphone::post(req, env, &ctx).await,
        (Method::Post, ["webhooks", "missed-call", tenant]) => missed_call::post(req, env, &ctx, tenant).await,
        (Method::Post, ["webhooks", "forms", tenant]) => web_form::post(req, env, &ctx, tenant).await,
        (Method::Post, ["chat", tenant, "messages"]) => web_chat::post(req, env, &ctx, tenant).await,
        (Method::Get, ["chat", tenant, "events"]) => web_chat::events(req, &env, tenant).await,
        (Method::Get, ["chat", tenant, "brand"]) => web_chat::brand(&env, tenant).await,
        (Method::Options, ["chat", _, "messages" | "events" | "brand"]) => web_chat::preflight(),
        (Method::Post, ["api", "v1", "session"]) => session::create(req, &env).await,
        (Method::Get, ["api", "v1", "session"]) => session::get(req, &env).await,
        (Method::Post, ["api", "v1", "simulator", "sms"]) => simulator::sms(req, env, &ctx).await,
        (Method::Delete, ["api", "v1", "session"]) => session::delete(req, &env).await,
        (Method::Get, ["api", "v1", "events"]) => events::get(req, &env).await,
        (Method::Get, ["api", "v1", "conversations"]) => api::list_conversations(req, &env).await,
        (Method::Get, ["api", "v1", "conversations", id]) => api::get_conversation(&req, &env, id).await,
        (Method::Get, ["api", "v1", "conversations", id, "messages"]) => api::list_messages(&req, &env, id).await,
        (Method::Post, ["api", "v1", "conversations", id, "takeover"]) => takeover::take(req, &env, id).await,
        (Method::Post, ["api", "v1", "conversations", id, "handback"]) => takeover::hand_back(req, &env, id).await,
        (Method::Post, ["api", "v1", "conversations", id, "reply"]) => takeover::reply(req, &env, id).await,
        (Method::Post, ["api", "v1", "conversations", id, "read"]) => takeover::read(req, &env, id).await,
        (Method::Post, ["api", "v1", "conversations", id, "suggest"]) => copilot::suggest(req, &env, id).await,
        (Method::Get, ["api", "v1", "stats"]) => console_views::stats(req, &env).await,
        (Method::Get, ["api", "v1", "contacts", id, "timeline"]) => {
            console_views::contact_timeline(req, &env, id).await
        }
        (Method::Get, ["api", "v1", "calls"]) => calls::list(req, &env).await,
        (Method::Post, ["api", "v1", "calls"]) => calls::create(req, &env).await,
        (Method::Get, ["api", "v1", "calls", id]) => calls::get(&req, &env, id).await,
        (Method::Delete, ["api", "v1", "calls", id, "recording"]) => calls::delete_recording_of(&req, &env, id).await,
        (Method::Get, ["api", "v1", "contacts"]) => api::list_contacts(req, &env).await,
        (Method::Get, ["api", "v1", "channels"]) => channels::list(req, &env).await,
        (Method::Get, ["api", "v1", "contacts", id, "export"]) => privacy::export(req, &env, id).await,
        (Method::Delete, ["api", "v1", "contacts", id]) => privacy::erase(req, &env, id).await,
        (Method::Get, ["api", "v1", "settings"]) => settings::get(req, &env).await,
        (Method::Put, ["api", "v1", "settings"]) => settings::put(req, &env).await,
        (Method::Post, ["api", "v1", "settings", "template"]) => settings::apply_template(req, &env).await,
        (Method::Post, ["api", "v1", "understand"]) => understand::post(req, &env).await,
        (Method::Get, ["api", "v1", "outbox"]) => api::list_outbox(req, &env).await,
        (Method::Get, ["api", "v1", "leads"]) => leads::list(req, &env).await,
        (Method::Get, ["api", "v1", "leads", id]) => leads::get(&req, &env, id).await,
        (Method::Post, ["api", "v1", "leads", id]) => leads::update(req, &env, id).await,
        (Method::Get, ["api", "v1", "escalations"]) => escalations::list(req, &env).await,
        (Method::Get, ["api", "v1", "escalations", id]) => escalations::get(&req, &env, id).await,
        (Method::Post, ["api", "v1", "escalations", id]) => escalations::update(req, &env, id).await,
        (Method::Get, ["api", "v1", "tickets"]) => tickets::list(req, &env).await,
        (Method::Post, ["api", "v1", "tickets"]) => tickets::create(req, &env).await,
        (Method::Get, ["api", "v1", "tickets", id]) => tickets::get(&req, &env, id).await,
        (Method::Post, ["api", "v1", "tickets", id]) => tickets::update(req, &env, id).await,
        (Method::Get, ["api", "v1", "unparsed"]) => unparsed::list(req, &env).await,
        (Method::Post, ["api", "v1", "unparsed", id, "replay"]) => unparsed::replay(req, &env, &ctx, id).await,
        (Method::Get, ["api", "v1", "listings"]) => listings::list(req, &env).await,
        (Method::Post, ["api", "v1", "listings"]) => listings::create(req, &env).await,
        (Method::Post, ["api", "v1", "listings", "import"]) => listings::import(req, &env).await,
        (Method::Get, ["api", "v1", "listings", id]) => listings::get(&req, &env, id).await,
        (Method::Put, ["api", "v1", "listings", id]) => listings::put(req, &env, id).await,
        (Method::Delete, ["api", "v1", "listings", id]) => listings::delete(req, &env, id).await,
        (Method::Get, ["api", "v1", "contacts", id, "interest"]) => listings::interest(req, &env, id).await,
        (Method::Post, ["api", "v1", "contacts", id, "interest"]) => listings::add_interest(req, &env, id).await,
        (Method::Get, ["api", "v1", "contacts", id, "saved-searches"]) => saved_searches::list(req, &env, id).await,
        (Method::Post, ["api", "v1", "contacts", id, "saved-searches"]) => saved_searches::create(req, &env, id).await,
        (Method::Delete, ["api", "v1", "contacts", id, "saved-searches", search_id]) => {
            saved_searches::delete(req, &env, id, search_id).await
        }
        (Method::Post, ["api", "v1", "contacts", id, "messages"]) => contact_messages::post(req, &env, id).await,
        (Method::Post, ["mcp"]) => mcp::post(req, &env).await,
        (Method::Get, ["api", "v1", "approvals"]) => approvals::list(req, &env).await,
        (Method::Get, ["api", "v1", "audit"]) => audit::list(req, &env).await,
        (Method::Post, ["api", "v1", "approvals", id]) => approvals::decide(req, &env, id).await,
        (Method::Post, ["api", "v1", "contacts", id, "info-pack"]) => info_packs::send(req, &env, id).await,
        (Method::Get, ["api", "v1", "kb"]) => kb::list(req, &env).await,
        (Method::Post, ["api", "v1", "kb", "faqs"]) => kb::import_faqs(req, &env).await,
        (Method::Post, ["api", "v1", "kb", "documents"]) => kb::ingest_document(req, &env).await,
        (Method::Get, ["api", "v1", "kb", "search"]) => kb::search(req, &env).await,
        (Method::Get, ["api", "v1", "kb", "unanswered"]) => kb_unanswered::list(req, &env).await,
        (Method::Post, ["api", "v1", "kb", "unanswered", id, "faq"]) => kb_unanswered::add_faq(req, &env, id).await,
        (Method::Post, ["api", "v1", "kb", "unanswered", id, "dismiss"]) => kb_unanswered::dismiss(req, &env, id).await,
        (Method::Get, ["api", "v1", "kb", "jobs", id]) => kb::get_job(req, &env, id).await,
        (Method::Get, ["api", "v1", "kb", "documents", id]) => kb::get_document(req, &env, id).await,
        (Method::Delete, ["api", "v1", "kb", "documents", id]) => kb::delete_document(req, &env, id).await,
        (Method::Get, ["api", "v1", "kb", name, "documents"]) => kb::list_documents(req, &env, name).await,
        (Method::Delete, ["api", "v1", "kb", name]) => kb::delete_kb(req, &env, name, true).await,
        (Method::Post, ["api", "v1", "kb", name, "clear"]) => kb::delete_kb(req, &env, name, false).await,
        (Method::Post, ["api", "v1", "kb", name, "reindex"]) => kb::reindex(req, &env, name).await,
        (Method::Get, ["api", "v1", "availability"]) => bookings::availability(req, &env).await,
        (Method::Get, ["api", "v1", "bookings"]) => bookings::list(req, &env).await,
        (Method::Post, ["api", "v1", "bookings"]) => bookings::create(req, &env).await,
        (Method::Get, ["api", "v1", "bookings", id]) => bookings::get(&req, &env, id).await,
        (Method::Post, ["api", "v1", "bookings", id]) => bookings::update(req, &env, id).await,
        (Method::Get, ["api", "v1", "users"]) => users::list(req, &env).await,
        (Method::Post, ["api", "v1", "users"]) => users::create(req, &env).await,
        (Method::Patch, ["api", "v1", "users", id]) => users::update(req, &env, id).await,
        (Method::Delete, ["api", "v1", "users", id]) => users::delete(req, &env, id).await,
        (Method::Get, ["api", "v1", "analytics"]) => analytics::get(req, &env).await,
        (Method::Get, ["api", "v1", "usage"]) => usage::get(req, &env).await,
        (Method::Post, ["api", "v1", "tenants"]) => tenants::create(req, &env).await,
        (Method::Post, ["api", "v1", "tenant", "pause"]) => tenants::set_paused(req, &env, true).await,
        (Method::Post, ["api", "v1", "tenant", "resume"]) => tenants::set_paused(req, &env, false).await,
        (Method::Get, ["api", "v1", "keys"]) => api_keys::list(req, &env).await,
        (Method::Post, ["api", "v1", "keys"]) => api_keys::create(req, &env).await,
        (Method::Post, ["api", "v1", "keys", id, "rotate"]) => api_keys::rotate(req, &env, id).await,
        (Method::Delete, ["api", "v1", "keys", id]) => api_keys::revoke(req, &env, id).await,
        (Method::Get, ["__test", "principal"]) => test_hooks::principal(&req, &env).await,
        (Method::Post, ["__test", "sweep"]) => test_hooks::sweep_now(req, &env).await,
        (Method::Post, ["__test", "job"]) => test_hooks::run_job(req, &env).await,
        (Method::Post, ["__test", "kb", "unanswered"]) => test_hooks::add_unanswered(req, &env).await,
        (Method::Post, ["__test", "listings", "mentioned"]) => test_hooks::listing_mentioned(req, &env).await,
        (_, known) if is_route(known) => Err(ApiError::method_not_allowed().into()),
        _ => Err(ApiError::not_found("route").into()),
    };
    Ok(finish(&segments, result.unwrap_or_else(AppError::into_response)))
}

/// What every response gets on its way out: chat answers, OAuth discovery and the endpoints a
/// browser-based MCP client calls (token, registration, revocation), errors included, are
/// readable cross-origin. The authorization page is not: it is navigated to, not fetched.
fn finish(segments: &[&str], response: Response) -> Response {
    match segments {
        ["chat", ..] => web_chat::allow_cross_origin(response),
        [".well-known", ..] | ["oauth", "token" | "revoke" | "register"] => well_known::allow_cross_origin(response),
        _ => response,
    }
}

fn is_route(segments: &[&str]) -> bool {
    matches!(
        segments,
        ["health"]
            | [".well-known", "oauth-authorization-server" | "oauth-protected-resource"]
            | [".well-known", "oauth-protected-resource", "mcp"]
            | ["oauth", "authorize" | "token" | "revoke" | "register"]
            | ["webhooks", "twilio", "sms" | "status" | "voice" | "relay"]
            | ["webhooks", "twilio", "voice", "gather" | "status" | "recording" | "relay-ended" | "whisper"]
            | ["webhooks", "missed-call" | "forms", _]
            | ["chat", _, "messages" | "events" | "brand"]
            | ["webhooks", "meta", "whatsapp"]
            | ["webhooks", "openphone"]
            | [
                "api",
                "v1",
                "events"
                    | "session"
                    | "simulator"
                    | "conversations"
                    | "contacts"
                    | "escalations"
                    | "outbox"
                    | "understand"
                    | "settings"
                    | "leads"
                    | "unparsed"
                    | "listings"
                    | "availability"
                    | "bookings"
                    | "tickets"
                    | "calls"
                    | "channels"
                    | "approvals"
                    | "audit"
                    | "stats"
                    | "users"
                    | "keys"
                    | "tenants"
                    | "analytics"
                    | "usage"
            ]
            | ["api", "v1", "listings", _]
            | [
                "api",
                "v1",
                "contacts",
                _,
                "interest" | "saved-searches" | "info-pack" | "messages" | "timeline" | "export"
            ]
            | ["mcp"]
            | ["api", "v1", "contacts", _, "saved-searches", _]
            | ["api", "v1", "bookings", _]
            | ["api", "v1", "calls", _, "recording"]
            | ["api", "v1", "settings", "template"]
            | ["api", "v1", "escalations" | "leads" | "tickets" | "calls" | "approvals" | "contacts", _]
            | ["api", "v1", "conversations", _]
            | ["api", "v1", "users" | "keys", _]
            | ["api", "v1", "keys", _, "rotate"]
            | ["api", "v1", "tenant", "pause" | "resume"]
            | ["api", "v1", "conversations", _, "messages" | "takeover" | "handback" | "reply" | "read" | "suggest"]
            | ["api", "v1", "unparsed", _, "replay"]
            | ["api", "v1", "kb"]
            | ["api", "v1", "kb", _]
            | ["api", "v1", "kb", _, _]
            | ["api", "v1", "kb", "unanswered", _, "faq" | "dismiss"]
    )
}
