//! Each MCP tool, run through the action its REST endpoint runs (`src/routes/*.rs`), as the
//! caller's tenant. A refusal the API would answer 4xx (bad input, not found, a booking rule)
//! comes back as the tool's `isError` result, worded as the API words it; anything else is an
//! internal error.

use super::auth::Caller;
use crate::error::{AppError, AppResult};
use crate::platform::d1::{self, calls};
use crate::routes::{api, bookings, contact_messages, escalations, kb, leads, listings, tickets};
use frontdesk_core::api::{ApiError, PageRequest};
use frontdesk_core::escalation::Status;
use frontdesk_core::mcp::args::{as_param, Call, ContactRef};
use frontdesk_core::mcp::dispatch::ToolOutcome;
use serde_json::{json, Value};
use worker::Env;

/// How many messages `get_conversation_context` shows.
const CONTEXT_MESSAGES: u32 = 10;

pub async fn run(env: &Env, caller: &Caller, call: &Call) -> AppResult<ToolOutcome> {
    match act(env, caller, call).await {
        Ok(structured) => Ok(ToolOutcome::Done(structured)),
        Err(AppError::Api(refusal)) if refusal.status < 500 => Ok(ToolOutcome::Refused(refusal.message)),
        Err(other) => Err(other),
    }
}

async fn act(env: &Env, caller: &Caller, call: &Call) -> AppResult<Value> {
    let (db, tenant) = (&caller.db, caller.principal.tenant_id.as_str());
    let param = |args: &Value| {
        let args = args.clone();
        move |name: &str| as_param(args.get(name))
    };
    Ok(match call {
        Call::SearchContacts(a) => {
            let request = page(a.limit)?;
            let (phone, email, name) = (a.phone.as_deref(), a.email.as_deref(), a.name.as_deref());
            listed("contacts", api::search_contacts(db, tenant, phone, email, name, &request).await?)
        }
        Call::GetMessageHistory(a) => {
            listings::find_contact(db, tenant, &a.contact_id).await?;
            let request = page(a.limit)?;
            let rows = d1::contact_messages(db, tenant, &a.contact_id, &request).await?;
            listed("messages", frontdesk_core::api::page(&request, rows))
        }
        Call::GetConversationContext(ContactRef { contact_id }) => context(db, tenant, contact_id).await?,
        Call::ListLeads(a) => listed("leads", leads::list_page(db, tenant, a.band.as_deref(), &page(a.limit)?).await?),
        Call::GetLead(ContactRef { contact_id }) => leads::detail(db, tenant, contact_id).await?,
        Call::SearchListings(a) => {
            listed("listings", listings::search_page(db, tenant, param(&serde_json::to_value(a)?)).await?)
        }
        Call::CheckAvailability(a) => {
            json!({ "slots": bookings::free_slots(env, db, tenant, param(&serde_json::to_value(a)?)).await? })
        }
        Call::SearchKnowledge(a) => {
            json!({ "passages": kb::passages(env, db, tenant, param(&serde_json::to_value(a)?)).await? })
        }
        Call::ListEscalations(a) => {
            listed("escalations", escalations::list_page(db, tenant, a.status.as_deref(), &page(a.limit)?).await?)
        }
        Call::GetCallHistory(a) => {
            let request = page(a.limit)?;
            let rows = calls::call_list(db, tenant, a.contact_id.as_deref(), &request).await?;
            listed("calls", frontdesk_core::api::page(&request, rows))
        }
        Call::SendSms(a) => {
            contact_messages::send(env, db, tenant, &a.contact_id, "sms", &a.body, &caller.actor).await?
        }
        Call::SendWhatsapp(a) => {
            contact_messages::send(env, db, tenant, &a.contact_id, "whatsapp", &a.body, &caller.actor).await?
        }
        Call::BookAppointment(a) => match bookings::judged(bookings::book(env, db, tenant, a.clone(), "mcp").await?)? {
            Ok(booking) => serde_json::to_value(booking)?,
            Err((_, refusal)) => {
                return Err(ApiError::unprocessable("booking_refused", refusal["error"].to_string()).into())
            }
        },
        Call::ResolveEscalation(a) => serde_json::to_value(
            escalations::set_status(db, tenant, &a.escalation_id, Status::Resolved, &caller.actor, None).await?,
        )?,
        Call::CreateTicket(a) => serde_json::to_value(tickets::open(db, tenant, &caller.actor, a.clone()).await?)?,
        Call::MakeCall(a) => {
            let call = a.clone().validate()?;
            serde_json::to_value(crate::platform::outbound_calls::make_call(env, db, tenant, &call, None).await?)?
        }
    })
}

fn page(limit: Option<u32>) -> AppResult<PageRequest> {
    Ok(PageRequest::from_query(limit.map(|n| n.to_string()).as_deref(), None)?)
}

/// An API page (`{"data", "next_cursor"}`) as the tool's object: `{key: [...], "next_cursor"}`.
fn listed(key: &str, page: Value) -> Value {
    json!({ key: page["data"], "next_cursor": page["next_cursor"] })
}

/// Who the contact is, their lead, what is open about them and what was said last.
async fn context(db: &worker::D1Database, tenant: &str, contact_id: &str) -> AppResult<Value> {
    let not_found = || ApiError::not_found("contact");
    if !frontdesk_core::ids::is_well_formed(contact_id) {
        return Err(not_found().into());
    }
    let contact = d1::contact(db, tenant, contact_id).await?.ok_or_else(not_found)?;
    let lead = match d1::lead(db, tenant, contact_id).await? {
        Some(_) => leads::detail(db, tenant, contact_id).await?,
        None => Value::Null,
    };
    let open = d1::open_escalations_of(db, tenant, contact_id).await?;
    let request = PageRequest { limit: CONTEXT_MESSAGES, before: None };
    let mut messages = d1::contact_messages(db, tenant, contact_id, &request).await?;
    messages.truncate(CONTEXT_MESSAGES as usize);
    Ok(json!({ "contact": contact, "lead": lead, "open_escalations": open, "recent_messages": messages }))
}
