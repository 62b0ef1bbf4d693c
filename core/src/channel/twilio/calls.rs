//! Placing a phone call with Twilio's Calls REST API:
//! `POST {api}/2010-04-01/Accounts/{AccountSid}/Calls.json`, form-encoded `To`, `From`, `Url`
//! (the TwiML Twilio fetches once the call is answered), `StatusCallback` and the events it
//! reports, HTTP Basic `AccountSid:AuthToken`. Twilio answers 201 with the call resource
//! (`sid` = the CallSid, `status: queued`) or the same error object as the Messages API, so the
//! answer is classified by [`super::rest::parse_send_response`].

use crate::form;
use crate::http::{basic_auth, HttpRequest};

/// One call to place.
pub struct OutboundCall<'a> {
    pub account_sid: &'a str,
    pub auth_token: &'a str,
    /// The tenant's Twilio number: the caller id the person sees.
    pub from: &'a str,
    pub to: &'a str,
    /// Where Twilio fetches the call's TwiML when it is answered.
    pub url: &'a str,
    /// Where Twilio reports the call's progress.
    pub status_callback: &'a str,
}

/// The progress reports asked for: every stage, so a call nobody answers still reaches a
/// terminal status (`no-answer`, `busy`, `failed` come with `completed`).
const STATUS_EVENTS: [&str; 4] = ["initiated", "ringing", "answered", "completed"];

pub fn create_request(api_base: &str, call: &OutboundCall<'_>) -> HttpRequest {
    let mut pairs = vec![
        ("To", call.to),
        ("From", call.from),
        ("Url", call.url),
        ("Method", "POST"),
        ("StatusCallback", call.status_callback),
        ("StatusCallbackMethod", "POST"),
    ];
    // Twilio reads a repeated parameter as a list.
    pairs.extend(STATUS_EVENTS.iter().map(|event| ("StatusCallbackEvent", *event)));
    HttpRequest {
        method: "POST",
        url: format!("{}/2010-04-01/Accounts/{}/Calls.json", api_base.trim_end_matches('/'), call.account_sid),
        headers: vec![
            ("authorization".into(), basic_auth(call.account_sid, call.auth_token)),
            ("content-type".into(), "application/x-www-form-urlencoded".into()),
            ("accept".into(), "application/json".into()),
        ],
        body: form::encode(&pairs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::twilio::rest::parse_send_response;
    use crate::http::SendOutcome;

    #[test]
    fn builds_the_calls_request_twilio_documents() {
        let request = create_request(
            "https://api.twilio.com/",
            &OutboundCall {
                account_sid: "AC123",
                auth_token: "secret",
                from: "+14155550100",
                to: "+447700900999",
                url: "https://fd.example/webhooks/twilio/voice/outbound?call=cal_1",
                status_callback: "https://fd.example/webhooks/twilio/voice/status?call=cal_1",
            },
        );
        assert_eq!(request.url, "https://api.twilio.com/2010-04-01/Accounts/AC123/Calls.json");
        assert!(request.headers.contains(&("authorization".into(), "Basic QUMxMjM6c2VjcmV0".into())));
        assert_eq!(
            request.body,
            "To=%2B447700900999&From=%2B14155550100\
             &Url=https%3A%2F%2Ffd.example%2Fwebhooks%2Ftwilio%2Fvoice%2Foutbound%3Fcall%3Dcal_1&Method=POST\
             &StatusCallback=https%3A%2F%2Ffd.example%2Fwebhooks%2Ftwilio%2Fvoice%2Fstatus%3Fcall%3Dcal_1\
             &StatusCallbackMethod=POST&StatusCallbackEvent=initiated&StatusCallbackEvent=ringing\
             &StatusCallbackEvent=answered&StatusCallbackEvent=completed"
        );
    }

    #[test]
    fn the_call_resource_gives_the_call_sid() {
        let created = parse_send_response(201, r#"{"sid":"CA0f","status":"queued","direction":"outbound-api"}"#);
        assert_eq!(created, SendOutcome::Sent { provider_id: "CA0f".into() });
        assert!(matches!(parse_send_response(503, "{}"), SendOutcome::Retry(_)));
        assert!(matches!(
            parse_send_response(400, r#"{"code":21217,"message":"Phone number is not valid","status":400}"#),
            SendOutcome::Failed(_)
        ));
    }
}
