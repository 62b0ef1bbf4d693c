//! What Quo produces after a call (the recording, the AI summary, the transcript), as one
//! entry on the contact's timeline. They arrive as separate events, in any order, possibly
//! long after the call, so each is keyed by the call's id and stands on its own.
//!
//! Payload shapes (the `data.object` of the legacy envelope, the `data.resource` of the
//! versioned one, which adds `data.context`):
//! - `call.recording.completed`: the call itself. Legacy: `{id, direction, from, to,
//!   media: [{url, type, duration}]}` (apiVersion v3, Pipedream's OpenPhone test event), or
//!   `recordings: [{id, url, type, duration, startTime}]` with `participants` instead of
//!   `from`/`to` (v4). Versioned `2026-03-30`: `{id, direction, duration, recordings: […]}`.
//! - `call.summary.completed`: `{callId, status | processingStatus, summary: [..],
//!   nextSteps: [..]}`; the legacy sample's `type` is `callSummary`.
//! - `call.transcript.completed`: `{callId, status | processingStatus, duration,
//!   dialogue: [{content, start, end, identifier, userId}]}`: `start` is seconds into the call,
//!   `identifier` the speaker's number and `userId` set when a workspace user spoke (legacy
//!   sample `type`: `callTranscript`).
//! - Versioned `data.context.participants`: `{workspace: [..], external: [..], resolution}`.
//!
//! Sources: quo.com/docs/mdx/guides/webhooks (legacy samples), quo.com/docs/mdx/api-reference/
//! calls/get-a-transcription-for-a-call (dialogue fields), quo.com/docs/2026-03-30/
//! webhooks-event-payloads (versioned, as mirrored in hookdeck/webhook-samples
//! `providers/quo/2026-03-30`).

use super::route;
use crate::brain::understand::CivilDate;
use crate::phone::PhoneE164;
use serde::Deserialize;
use serde_json::Value;

/// A timeline entry is stored with the conversation and read back into prompts: 4000 chars
/// (the web form's per-field cap) keeps a long transcript from crowding out everything else.
/// The full artefact stays in Quo, under the same call id.
pub const MAX_TIMELINE_CHARS: usize = 4000;

/// One artefact of one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallArtefact {
    /// `EV…`: stable across retries, the idempotency key.
    pub event_id: String,
    /// `AC…`: the call this belongs to; the same for all three artefacts and the call itself.
    pub call_id: String,
    /// The tenant's Quo number. `None` when the payload does not say: legacy summaries carry
    /// only the call id, so the call has to be resolved by `call_id`.
    pub tenant_number: Option<PhoneE164>,
    /// The other party. `None` when the payload does not say.
    pub contact_number: Option<PhoneE164>,
    pub kind: ArtefactKind,
    /// The envelope's `createdAt`; `None` when absent or unreadable (use the receive time).
    pub occurred_at_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArtefactKind {
    /// The first recording segment (there are more only if recording was paused mid-call).
    Recording {
        url: String,
        duration_s: Option<u32>,
    },
    /// Quo's AI summary: a few sentences and suggested follow-ups.
    Summary {
        summary: Vec<String>,
        next_steps: Vec<String>,
    },
    Transcript {
        dialogue: Vec<Line>,
    },
}

/// One turn of a transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The speaker's number, when known.
    pub identifier: Option<String>,
    /// Set when a workspace user (the tenant's staff) spoke.
    pub user_id: Option<String>,
    pub content: String,
    /// Whole seconds from the start of the call.
    pub start_s: u32,
}

impl CallArtefact {
    /// The artefact as one readable timeline entry, at most [`MAX_TIMELINE_CHARS`] characters.
    pub fn timeline_text(&self) -> String {
        let text = match &self.kind {
            ArtefactKind::Recording { url, duration_s: Some(s) } => {
                format!("Call recording ({}): {url}", duration(*s))
            }
            ArtefactKind::Recording { url, duration_s: None } => format!("Call recording: {url}"),
            ArtefactKind::Summary { summary, next_steps } => {
                let said = summary.iter().map(|s| one_line(s)).collect::<Vec<_>>().join(" ");
                let mut out = format!("Call summary: {}", if said.is_empty() { "(empty)" } else { &said });
                if !next_steps.is_empty() {
                    out.push_str("\nNext steps:");
                    for step in next_steps {
                        out.push_str("\n- ");
                        out.push_str(&one_line(step));
                    }
                }
                out
            }
            ArtefactKind::Transcript { dialogue } => {
                let mut out = String::from("Call transcript:");
                for line in dialogue {
                    out.push('\n');
                    out.push_str(&self.speaker(line));
                    out.push_str(": ");
                    out.push_str(&one_line(&line.content));
                }
                out
            }
        };
        clip(text, MAX_TIMELINE_CHARS)
    }

    /// Staff lines read "Team" (their number is the tenant's own); callers by their number.
    fn speaker(&self, line: &Line) -> String {
        let own = self.tenant_number.as_ref().map(PhoneE164::as_str);
        match line.identifier.as_deref() {
            _ if line.user_id.is_some() => "Team".into(),
            Some(number) if Some(number) == own => "Team".into(),
            Some(number) => number.to_owned(),
            None => "Unknown speaker".into(),
        }
    }
}

fn duration(s: u32) -> String {
    if s < 60 {
        format!("{s} s")
    } else {
        format!("{} min {} s", s / 60, s % 60)
    }
}

/// Each turn and step stays on its own line of the entry.
fn one_line(s: &str) -> String {
    s.split(['\r', '\n']).map(str::trim).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
}

fn clip(text: String, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars.saturating_sub(1)) {
        Some((cut, _)) if text[cut..].chars().nth(1).is_some() => format!("{}…", &text[..cut]),
        _ => text,
    }
}

/// The artefact events, by the envelope's `type` (the legacy samples' `callSummary` and
/// `callTranscript` included).
pub(super) fn is_artefact_type(kind: &str) -> bool {
    matches!(
        kind,
        "call.recording.completed"
            | "call.summary.completed"
            | "callSummary"
            | "call.transcript.completed"
            | "callTranscript"
    )
}

/// The union of the three resources' fields beyond their numbers (those are read by
/// [`route::parties`]); lists may be `null`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Resource {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    call_id: Option<String>,
    #[serde(default, alias = "processingStatus")]
    status: Option<String>,
    #[serde(default)]
    media: Option<Vec<Recording>>,
    #[serde(default)]
    recordings: Option<Vec<Recording>>,
    #[serde(default)]
    summary: Option<Vec<String>>,
    #[serde(default)]
    next_steps: Option<Vec<String>>,
    #[serde(default)]
    dialogue: Option<Vec<Turn>>,
}

#[derive(Deserialize)]
struct Recording {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    duration: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Turn {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    start: Option<f64>,
    #[serde(default)]
    identifier: Option<String>,
    #[serde(default)]
    user_id: Option<String>,
}

/// Parses an artefact event's object. `Ok(None)`: Quo reports it did not produce the artefact
/// (`failed`, `absent`), so there is nothing to record.
pub(super) fn parse(
    event_id: &str,
    kind: &str,
    created_at: Option<&str>,
    resource: &Value,
    context: &Value,
) -> Result<Option<CallArtefact>, String> {
    let r = Resource::deserialize(resource).map_err(|e| format!("{kind} {event_id}: {e}"))?;
    let call_id = r.call_id.clone().or_else(|| r.id.clone()).filter(|id| !id.is_empty());
    let call_id = call_id.ok_or_else(|| format!("{kind} {event_id}: no call id"))?;
    // A recording's object is the call, whose `status` is the call's (`completed`, `answered`).
    let produced = kind == "call.recording.completed" || r.status.as_deref().is_none_or(|s| s == "completed");
    if !produced {
        return Ok(None);
    }
    let what = format!("{kind} {call_id}");
    // The versioned context names both sides; a legacy call has `from`/`to` read by direction
    // and a legacy transcript only its speakers (see `route`).
    let parties = route::parties(kind, resource, context);
    let (tenant_number, contact_number) = (parties.tenant.optional(&what)?, parties.other.optional(&what)?);
    let kind = match kind {
        "call.recording.completed" => recording(r, &what)?,
        "call.summary.completed" | "callSummary" => ArtefactKind::Summary {
            summary: r.summary.unwrap_or_default(),
            next_steps: r.next_steps.unwrap_or_default(),
        },
        _ => ArtefactKind::Transcript {
            dialogue: r
                .dialogue
                .unwrap_or_default()
                .into_iter()
                .map(|t| Line {
                    identifier: t.identifier.filter(|i| !i.is_empty()),
                    user_id: t.user_id.filter(|u| !u.is_empty()),
                    content: t.content.unwrap_or_default(),
                    start_s: t.start.map_or(0, |s| s.max(0.0).floor() as u32),
                })
                .collect(),
        },
    };
    Ok(Some(CallArtefact {
        event_id: event_id.to_owned(),
        call_id,
        tenant_number,
        contact_number,
        kind,
        occurred_at_ms: created_at.and_then(iso_ms),
    }))
}

/// Only web links are kept: the URL ends up as a link on the dashboard.
fn recording(r: Resource, what: &str) -> Result<ArtefactKind, String> {
    let first = r.recordings.into_iter().chain(r.media).flatten().find(|m| m.url.is_some());
    let Some(Recording { url: Some(url), duration }) = first else {
        return Err(format!("{what}: no recording url"));
    };
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(format!("{what}: recording url is not http(s)"));
    }
    Ok(ArtefactKind::Recording { url, duration_s: duration.map(|d| d.max(0.0).round() as u32) })
}

/// `2022-06-24T19:35:46.825Z` → ms since the epoch. Quo timestamps are always UTC (`Z`).
fn iso_ms(s: &str) -> Option<u64> {
    let (date, time) = s.trim().split_once('T')?;
    let mut d = date.split('-');
    let date = CivilDate::new(d.next()?.parse().ok()?, d.next()?.parse().ok()?, d.next()?.parse().ok()?)?;
    let time = time.strip_suffix('Z')?;
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let mut t = hms.split(':').map(|p| p.parse::<u64>().ok());
    let (h, m, sec) = (t.next()??, t.next()??, t.next()??);
    if d.next().is_some() || t.next().is_some() || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let ms = format!("{frac:0<3}")[..3].parse::<u64>().ok()?;
    let days = u64::try_from(date.to_days()).ok()?;
    Some(((days * 24 + h) * 60 + m) * 60_000 + sec * 1000 + ms)
}

#[cfg(test)]
mod tests;
