//! The parameters every Twilio voice request carries (PROTOCOLS.md §3.2), read from a verified
//! form.

use crate::form::Form;
use crate::phone::PhoneE164;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRequest {
    pub call_sid: String,
    /// The caller; `None` when withheld (`anonymous`, `+266696687`, …): the call is still answered.
    pub from: Option<PhoneE164>,
    /// What the caller's number reads as, for the call record.
    pub from_raw: String,
}

impl CallRequest {
    pub fn from_form(form: &Form) -> Result<Self, &'static str> {
        let call_sid = form.non_empty("CallSid").ok_or("CallSid is missing")?;
        if call_sid.len() > 64 {
            return Err("CallSid is too long");
        }
        let from_raw = form.non_empty("From").unwrap_or("anonymous");
        Ok(Self {
            call_sid: call_sid.to_owned(),
            from: PhoneE164::parse(from_raw).ok(),
            from_raw: from_raw.chars().take(64).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_withheld_number_is_still_a_call_but_no_sid_is_not() {
        let call = CallRequest::from_form(&Form::from_pairs([("CallSid", "CA1"), ("From", "anonymous")])).unwrap();
        assert_eq!(call.from, None);
        assert_eq!(call.from_raw, "anonymous");
        assert!(CallRequest::from_form(&Form::from_pairs([("From", "+14155550100")])).is_err());
    }
}
