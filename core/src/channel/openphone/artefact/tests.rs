//! Fixtures are the documented samples (see the module's sources), trimmed of fields the
//! parser does not read only where noted.

use super::*;
use crate::channel::openphone::route::{assert_route_agrees, route};
use crate::channel::openphone::{parse as parse_event, EventKind};

fn artefact(raw: &str) -> CallArtefact {
    match parse_event(raw.as_bytes()).unwrap().kind {
        EventKind::CallArtefact(a) => a,
        other => panic!("not an artefact: {other:?}"),
    }
}

fn number(a: &Option<PhoneE164>) -> Option<&str> {
    a.as_ref().map(PhoneE164::as_str)
}

/// Pipedream's OpenPhone `call.recording.completed` test event (apiVersion v3), plus the call
/// `id` every documented call object has.
const LEGACY_RECORDING: &str = r#"{"apiVersion":"v3","createdAt":"2022-01-24T19:30:55.400Z","data":{"object":{
  "id":"ACrec1","answeredAt":"2022-01-24T19:30:38.000Z","completedAt":"2022-01-24T19:30:48.000Z","conversationId":"CN78ba0373683c48fd8fd96bc836c51f79",
  "createdAt":"2022-01-24T19:30:34.675Z","direction":"incoming","from":"+18005550100",
  "media":[{"duration":7,"type":"audio/mpeg","url":"https://storage.googleapis.com/opstatics-dev/a5f839bc72a24b33a7fc032f78777146.mp3"}],
  "object":"call","phoneNumberId":"PNtoDbDhuz","status":"completed","to":"+18885550101","userId":"USu5AsEHuQ","voicemail":null}},
  "id":"EVda6e196255814311aaac1983005fa2d9","object":"event","type":"call.recording.completed"}"#;

/// The context every versioned `2026-03-30` sample carries.
const CONTEXT: &str = r#""context":{"orgId":"OR123","phoneNumberId":"PN123","conversationId":"CN123","phoneNumberType":"shared",
  "userId":"US123","contacts":{"ids":["CT123"],"lookupStatus":"matched"},
  "participants":{"workspace":["+15550000001"],"external":["+15550000002"],"resolution":"available"}},
  "links":{"quo":"https://my.quo.com/inbox/..."}"#;

fn versioned(kind: &str, resource: &str) -> String {
    format!(
        r#"{{"id":"EV123","apiVersion":"2026-03-30","createdAt":"2026-04-13T12:00:00.000Z","type":"{kind}","data":{{"resource":{resource},{CONTEXT}}}}}"#
    )
}

const VERSIONED_RECORDING: &str = r#"{"id":"AC-call","direction":"incoming","createdAt":"2026-04-13T11:59:55.000Z",
  "answeredAt":"2026-04-13T12:00:00.000Z","completedAt":"2026-04-13T12:00:55.000Z","updatedAt":"2026-04-13T12:01:05.000Z","duration":55,
  "recordings":[{"id":"REabc123","duration":55,"startTime":"2026-04-13T12:00:00.000Z","type":"audio/mpeg","url":"https://recordings.example.com/REabc123.mp3"}]}"#;

/// quo.com/docs/mdx/guides/webhooks, "Call Summaries" (its `type` is `callSummary`).
const LEGACY_SUMMARY: &str = r#"{"id":"EV0ea54cadfbf342e6ac4ca1f22ed1700c","object":"event","apiVersion":"v4",
  "createdAt":"2022-06-24T19:35:46.825Z","type":"callSummary","data":{"object":{"callId":"AC16558bc5f73445598a2627f5a94fe014",
  "object":"callSummary","status":"completed","summary":["You talked about the weather."],"nextSteps":["Bring an umbrella."],
  "contactIds":["6824dfb69aee85c132b7dg65"]}}}"#;

/// quo.com/docs/mdx/guides/webhooks, "Call Transcripts" (its `type` is `callTranscript`).
const LEGACY_TRANSCRIPT: &str = r#"{"id":"EV0ea54cadfbf342e6ac4ca1f22ed1700c","object":"event","apiVersion":"v4",
  "createdAt":"2022-06-24T19:35:46.825Z","type":"callTranscript","data":{"object":{"callId":"AC16558bc5f73445598a2627f5a94fe014",
  "object":"callTranscript","createdAt":"2022-06-24T19:34:50.279Z","dialogue":[{"content":"Hello, world!","start":5.123456,
  "end":10.123456,"identifier":"+19876543210","userId":"USlHhXmRMz"}],"duration":5,"status":"completed"}}}"#;

#[test]
fn route_finds_the_same_line_as_the_artefact() {
    let outgoing = LEGACY_RECORDING.replace(r#""direction":"incoming""#, r#""direction":"outgoing""#);
    let versioned_summary =
        versioned("call.summary.completed", r#"{"callId":"AC-summary","processingStatus":"completed"}"#);
    for raw in [
        LEGACY_RECORDING,
        &outgoing,
        LEGACY_SUMMARY,
        LEGACY_TRANSCRIPT,
        &versioned("call.recording.completed", VERSIONED_RECORDING),
        &versioned_summary,
    ] {
        assert_route_agrees(raw.as_bytes());
    }
    assert_eq!(route(LEGACY_SUMMARY.as_bytes()).unwrap().number, None, "a legacy summary names no number");
    let transcript = route(LEGACY_TRANSCRIPT.as_bytes()).unwrap();
    assert_eq!(transcript.number.as_ref().map(PhoneE164::as_str), Some("+19876543210"), "the staff speaker");
    assert_eq!(route(LEGACY_RECORDING.as_bytes()).unwrap().phone_number_id.as_deref(), Some("PNtoDbDhuz"));
}

#[test]
fn a_legacy_recording_is_the_call_read_by_direction() {
    let a = artefact(LEGACY_RECORDING);
    assert_eq!((a.event_id.as_str(), a.call_id.as_str()), ("EVda6e196255814311aaac1983005fa2d9", "ACrec1"));
    assert_eq!(number(&a.tenant_number), Some("+18885550101"), "`to` of an incoming call");
    assert_eq!(number(&a.contact_number), Some("+18005550100"));
    assert_eq!(a.occurred_at_ms, Some(1_643_052_655_400));
    assert_eq!(
        a.timeline_text(),
        "Call recording (7 s): https://storage.googleapis.com/opstatics-dev/a5f839bc72a24b33a7fc032f78777146.mp3"
    );
    let event = parse_event(LEGACY_RECORDING.as_bytes()).unwrap();
    assert_eq!(event.tenant_number().map(PhoneE164::as_str), Some("+18885550101"));
    let outgoing = LEGACY_RECORDING.replace(r#""direction":"incoming""#, r#""direction":"outgoing""#);
    assert_eq!(number(&artefact(&outgoing).tenant_number), Some("+18005550100"), "`from` of an outgoing call");
}

#[test]
fn a_versioned_recording_names_its_numbers_in_the_context() {
    let a = artefact(&versioned("call.recording.completed", VERSIONED_RECORDING));
    assert_eq!((a.event_id.as_str(), a.call_id.as_str()), ("EV123", "AC-call"));
    assert_eq!((number(&a.tenant_number), number(&a.contact_number)), (Some("+15550000001"), Some("+15550000002")));
    assert_eq!(a.occurred_at_ms, Some(1_776_081_600_000));
    assert_eq!(
        a.kind,
        ArtefactKind::Recording { url: "https://recordings.example.com/REabc123.mp3".into(), duration_s: Some(55) }
    );
    let long = VERSIONED_RECORDING.replace(r#""duration":55,"startTime""#, r#""duration":134,"startTime""#);
    assert_eq!(
        artefact(&versioned("call.recording.completed", &long)).timeline_text(),
        "Call recording (2 min 14 s): https://recordings.example.com/REabc123.mp3"
    );
}

#[test]
fn a_legacy_summary_has_no_numbers_and_reads_as_one_entry() {
    let a = artefact(LEGACY_SUMMARY);
    assert_eq!(a.call_id, "AC16558bc5f73445598a2627f5a94fe014");
    assert_eq!((a.tenant_number.as_ref(), a.contact_number.as_ref()), (None, None), "only the call id");
    assert_eq!(parse_event(LEGACY_SUMMARY.as_bytes()).unwrap().tenant_number(), None);
    assert_eq!(a.occurred_at_ms, Some(1_656_099_346_825));
    assert_eq!(a.timeline_text(), "Call summary: You talked about the weather.\nNext steps:\n- Bring an umbrella.");
    let by_event_name = LEGACY_SUMMARY.replace(r#""type":"callSummary""#, r#""type":"call.summary.completed""#);
    assert_eq!(artefact(&by_event_name).kind, a.kind);
}

#[test]
fn a_versioned_summary() {
    let resource = r#"{"callId":"AC-summary","processingStatus":"completed","summary":["Customer asked for pricing details."],
      "nextSteps":["Send follow-up email."],"fromPhoneNumber":null,"handledByAiAgent":false,"answeredByUserId":null,"jobs":[]}"#;
    let a = artefact(&versioned("call.summary.completed", resource));
    assert_eq!(a.call_id, "AC-summary");
    assert_eq!(number(&a.tenant_number), Some("+15550000001"));
    assert_eq!(
        a.kind,
        ArtefactKind::Summary {
            summary: vec!["Customer asked for pricing details.".into()],
            next_steps: vec!["Send follow-up email.".into()]
        }
    );
    let empty = r#"{"callId":"AC-summary","processingStatus":"completed","summary":null,"nextSteps":[]}"#;
    assert_eq!(artefact(&versioned("call.summary.completed", empty)).timeline_text(), "Call summary: (empty)");
}

#[test]
fn a_legacy_transcript_finds_the_tenant_among_its_speakers() {
    let a = artefact(LEGACY_TRANSCRIPT);
    assert_eq!(number(&a.tenant_number), Some("+19876543210"), "the speaker with a userId is staff");
    assert_eq!(a.contact_number, None);
    assert_eq!(
        a.kind,
        ArtefactKind::Transcript {
            dialogue: vec![Line {
                identifier: Some("+19876543210".into()),
                user_id: Some("USlHhXmRMz".into()),
                content: "Hello, world!".into(),
                start_s: 5
            }]
        }
    );
    assert_eq!(a.timeline_text(), "Call transcript:\nTeam: Hello, world!");
    let caller = LEGACY_TRANSCRIPT.replace(
        r#""dialogue":["#,
        r#""dialogue":[{"content":"Hi","identifier":"sip:x@example.com","userId":null},{"content":"Hi","identifier":"+447700900123"},"#,
    );
    assert_eq!(number(&artefact(&caller).contact_number), Some("+447700900123"), "the first speaker with a number");
}

#[test]
fn a_versioned_transcript_labels_staff_and_callers() {
    let resource = r#"{"callId":"AC-transcript","createdAt":"2026-04-13T12:00:01.000Z","duration":42,"processingStatus":"completed",
      "dialogue":[{"userId":"US123","identifier":null,"content":"Thanks for calling, how can I help?","start":0,"end":3},
                  {"userId":null,"identifier":"+15550000002","content":"Hi, I wanted to ask\nabout pricing.","start":3,"end":7}]}"#;
    let a = artefact(&versioned("call.transcript.completed", resource));
    assert_eq!((number(&a.tenant_number), number(&a.contact_number)), (Some("+15550000001"), Some("+15550000002")));
    assert_eq!(
        a.timeline_text(),
        "Call transcript:\nTeam: Thanks for calling, how can I help?\n+15550000002: Hi, I wanted to ask about pricing."
    );
    let ArtefactKind::Transcript { dialogue } = a.kind else { panic!() };
    assert_eq!(dialogue[1].start_s, 3);
}

#[test]
fn an_artefact_quo_did_not_produce_is_not_recorded() {
    let failed = r#"{"callId":"AC1","processingStatus":"failed","summary":null,"nextSteps":null}"#;
    let event = parse_event(versioned("call.summary.completed", failed).as_bytes()).unwrap();
    assert_eq!(event.kind, EventKind::Other("call.summary.completed".into()));
    assert_eq!(event.tenant_number(), None);
}

#[test]
fn malformed_artefacts_are_errors_that_say_why() {
    let err = |raw: &str| parse_event(raw.as_bytes()).unwrap_err();
    let summary = |resource: &str| versioned("call.summary.completed", resource);
    assert!(err(&summary(r#"{"callId":"AC1","summary":"not a list"}"#)).starts_with("call.summary.completed EV123:"));
    assert!(err(&summary(r#"{"summary":["x"]}"#)).contains("no call id"));
    assert!(err(&summary(r#""a string""#)).contains("call.summary.completed"));
    assert!(err(r#"{"id":"EV1","type":"call.transcript.completed","data":{}}"#).contains("missing field `object`"));
    let transcript = r#"{"callId":"AC1","dialogue":[{"content":5}]}"#;
    assert!(err(&versioned("call.transcript.completed", transcript)).contains("call.transcript.completed EV123"));
    let no_url = VERSIONED_RECORDING.replace("https://recordings.example.com/REabc123.mp3", "");
    assert!(err(&versioned("call.recording.completed", &no_url.replace(r#""url":"""#, r#""url":null"#)))
        .contains("no recording url"));
    let script = VERSIONED_RECORDING.replace("https://recordings.example.com/REabc123.mp3", "javascript:alert(1)");
    assert!(err(&versioned("call.recording.completed", &script)).contains("not http(s)"));
    assert!(err(&LEGACY_RECORDING.replace(r#""id":"ACrec1","#, "")).contains("no call id"));
    assert!(err(&LEGACY_RECORDING.replace("+18005550100", "anonymous")).contains("`from`"));
    let bad_context =
        versioned("call.summary.completed", r#"{"callId":"AC1"}"#).replace(r#"["+15550000002"]"#, r#"["0800"]"#);
    assert!(err(&bad_context).contains("`external`"));
    let odd = r#"{"callId":"AC1","dialogue":[{"content":"x","start":-4},{"content":"y","start":1e300},{}]}"#;
    let ArtefactKind::Transcript { dialogue } = artefact(&versioned("call.transcript.completed", odd)).kind else {
        panic!()
    };
    assert_eq!(dialogue.iter().map(|l| l.start_s).collect::<Vec<_>>(), [0, u32::MAX, 0], "saturates, no panic");
}

#[test]
fn the_timeline_entry_is_bounded() {
    let line = r#"{"identifier":"+15550000002","content":"A fairly long sentence about the boiler, again."}"#;
    let resource = format!(r#"{{"callId":"AC1","dialogue":[{}]}}"#, vec![line; 500].join(","));
    let text = artefact(&versioned("call.transcript.completed", &resource)).timeline_text();
    assert_eq!(text.chars().count(), MAX_TIMELINE_CHARS);
    assert!(text.ends_with('…'));
    let exact = "é".repeat(MAX_TIMELINE_CHARS);
    assert_eq!(clip(exact.clone(), MAX_TIMELINE_CHARS), exact, "at the bound: kept whole");
    let over = format!("{exact}x");
    assert_eq!(clip(over, MAX_TIMELINE_CHARS), format!("{}…", "é".repeat(MAX_TIMELINE_CHARS - 1)));
}

#[test]
fn reads_quo_timestamps() {
    assert_eq!(iso_ms("1970-01-01T00:00:00Z"), Some(0));
    assert_eq!(iso_ms("2022-06-24T19:35:46.825Z"), Some(1_656_099_346_825));
    assert_eq!(iso_ms("2022-06-24T19:35:46.8Z"), Some(1_656_099_346_800));
    for bad in [
        "",
        "2022-06-24",
        "2022-06-24T19:35:46",
        "2022-13-01T00:00:00Z",
        "2022-06-24T24:00:00Z",
        "1969-12-31T23:59:59Z",
    ] {
        assert_eq!(iso_ms(bad), None, "{bad}");
    }
}
