//! OpenPhone / Quo webhooks, legacy and versioned (`2026-03-30`): the event and its signature.

use super::{parts, text};
use crate::channel::openphone::{self, SignatureHeaders, TOLERANCE_MS};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const SIGNATURE_DICT: &[&str] = &["hmac;1;", ";", ",", " ", "v1,", "whsec_", "=", "1614265330", "1614265330000"];

/// An event in either generation: the strict parse and the tolerant route agree on the event
/// (its id and type, and the tenant's line whenever the parse names one).
pub fn openphone_event(data: &[u8]) {
    let _ = openphone::route(data);
    let Ok(event) = openphone::parse(data) else { return };
    if !event.id.is_empty() {
        openphone::assert_route_agrees(data);
    }
    if let openphone::EventKind::CallArtefact(artefact) = &event.kind {
        assert!(artefact.timeline_text().chars().count() <= openphone::MAX_TIMELINE_CHARS);
    }
}

const NOW_MS: u64 = 1_780_000_000_000;

/// `[signing key bytes, webhook id, body, legacy header, webhook-signature header]`. Headers
/// from outside never panic the check; a body we sign (either scheme, now) verifies; a changed
/// body, or a timestamp out of tolerance, never does.
pub fn openphone_signature(data: &[u8]) {
    let [key, id, body, legacy, signatures] = parts::<5>(data);
    let (id, legacy, signatures) = (text(id), text(legacy), text(signatures));
    let signing_key = STANDARD.encode(key);
    let hostile = SignatureHeaders {
        legacy: Some(&legacy).filter(|l| !l.is_empty()).map(String::as_str),
        webhook_id: Some(&id),
        webhook_timestamp: Some("1780000000"),
        webhook_signature: Some(&signatures),
    };
    let _ = openphone::verify(&signing_key, body, &hostile, NOW_MS);
    let _ = openphone::verify(&text(key), body, &hostile, NOW_MS);

    let mac = |parts: &[&[u8]]| {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
        parts.iter().for_each(|p| mac.update(p));
        STANDARD.encode(mac.finalize().into_bytes())
    };
    let mut changed = body.to_vec();
    changed.push(b'\n');

    for at in [NOW_MS, NOW_MS - TOLERANCE_MS, NOW_MS + TOLERANCE_MS + 1] {
        let ts = at.to_string();
        let header = format!("hmac;1;{ts};{}", mac(&[ts.as_bytes(), b".", body]));
        let headers = SignatureHeaders { legacy: Some(&header), ..Default::default() };
        let fresh = at.abs_diff(NOW_MS) <= TOLERANCE_MS;
        assert_eq!(openphone::verify(&signing_key, body, &headers, NOW_MS), fresh, "legacy at {at}");
        assert!(!openphone::verify(&signing_key, &changed, &headers, NOW_MS), "legacy, changed body");
    }

    let id = id.trim();
    let ts = (NOW_MS / 1000).to_string();
    let signature = format!("v1,{}", mac(&[id.as_bytes(), b".", ts.as_bytes(), b".", body]));
    let headers = SignatureHeaders {
        legacy: None,
        webhook_id: Some(id),
        webhook_timestamp: Some(&ts),
        webhook_signature: Some(&signature),
    };
    let whsec = format!("whsec_{signing_key}");
    assert!(openphone::verify(&whsec, body, &headers, NOW_MS), "standard webhooks");
    assert!(!openphone::verify(&whsec, &changed, &headers, NOW_MS), "standard webhooks, changed body");
    let late = NOW_MS + TOLERANCE_MS + 1000;
    assert!(!openphone::verify(&whsec, body, &headers, late), "standard webhooks, replayed late");
}
