//! `POST /api/v1/contacts/{id}/info-pack` (docs/API.md "Info packs"): staff send a contact the
//! details of listings, by the contact's channel — the same `info_pack::send` the conversation
//! and the LLM's `send_info_pack` tool use. Another tenant's contact is 404; a listing that is
//! not the tenant's is 422 naming it.

use super::listings::find_contact;
use super::{authenticate, json_body};
use crate::error::{json_response, AppResult};
use frontdesk_core::api::ApiError;
use frontdesk_core::listings::pack::PACK_LISTINGS;
use frontdesk_core::ports::Clock;
use frontdesk_durable::platform::info_pack::{self, PackResult};
use frontdesk_durable::platform::listings;
use frontdesk_durable::platform::time::WorkerClock;
use serde::Deserialize;
use serde_json::json;
use worker::{Env, Request, Response};

const MAX_BODY_BYTES: usize = 4096;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    /// Ids or references; none: the listings the contact discussed.
    #[serde(default)]
    listing_ids: Vec<String>,
    #[serde(default)]
    by_email: bool,
}

pub async fn send(mut req: Request, env: &Env, contact_id: &str) -> AppResult<Response> {
    let (db, tenant_id) = authenticate(&req, env).await?;
    let expected = r#"{"listing_ids"?: ["lst_…" | "MP-2026-014", …], "by_email"?: true}"#;
    let body: Body = json_body(&mut req, MAX_BODY_BYTES, expected).await?;
    find_contact(&db, &tenant_id, contact_id).await?;
    if body.listing_ids.len() > PACK_LISTINGS {
        return Err(ApiError::bad_request(format!("`listing_ids`: at most {PACK_LISTINGS} in one pack")).into());
    }
    let mut chosen = Vec::with_capacity(body.listing_ids.len());
    for key in &body.listing_ids {
        let found = match key.trim() {
            "" => None,
            key => listings::by_id_or_reference(&db, &tenant_id, key).await?,
        };
        let listing = found.ok_or_else(|| ApiError::unprocessable("unknown_listing", format!("no listing {key:?}")))?;
        chosen.push(listing);
    }
    let now = WorkerClock.now_ms();
    match info_pack::send(env, &db, &tenant_id, contact_id, chosen, body.by_email, now).await? {
        PackResult::Sent(pack) => {
            let listings: Vec<_> =
                pack.listings.iter().map(|l| json!({ "id": l.id, "reference": l.reference })).collect();
            Ok(json_response(
                201,
                &json!({ "message_id": pack.message_id, "channel": pack.channel, "listings": listings, "body": pack.body }),
            ))
        }
        PackResult::NothingDiscussed => Err(ApiError::unprocessable(
            "nothing_to_send",
            "the contact has discussed no listing: name them in `listing_ids`",
        )
        .into()),
        PackResult::Unreachable => {
            Err(ApiError::unprocessable("unreachable", "the contact has no phone or email to send to").into())
        }
    }
}
