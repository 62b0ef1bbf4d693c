//! The parameters every Twilio voice request carries (PROTOCOLS.md §3.2), read from a verified
//! form.

use crate::form::Form;
use crate::phone::PhoneE164;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRequest {
    pub call_sid: String,
    /// The person on the line: the caller, or on a call we placed the person called. `None`
    /// when withheld (`anonymous`, `+266696687`, …): the call is still answered.
    pub from: Option<PhoneE164>,
    /// What the person's number reads as, for the call record.
    pub from_raw: String,
    /// The tenant's number on this call (`To` when they rang us, `From` when we rang them).
    pub tenant_number: String,
}

/// Whether Twilio placed the call at our request (`Direction=outbound-api`, the Calls API):
/// then `From` is the tenant's number and `To` the person. (`outbound-dial`, the leg a `<Dial>`
/// opens to staff, is not: its requests name the tenant in their URL.)
pub fn placed_by_us(form: &Form) -> bool {
    form.get("Direction") == Some("outbound-api")
}

/// The form field holding the tenant's number: the tenant is found by it.
pub fn tenant_number_field(form: &Form) -> &'static str {
    if placed_by_us(form) {
        "From"
    } else {
        "To"
    }
}

impl CallRequest {
    pub fn from_form(form: &Form) -> Result<Self, &'static str> {
        let call_sid = form.non_empty("CallSid").ok_or("CallSid is missing")?;
        if call_sid.len() > 64 {
            return Err("CallSid is too long");
        }
        let person = if placed_by_us(form) { "To" } else { "From" };
        let from_raw = form.non_empty(person).unwrap_or("anonymous");
        Ok(Self {
            call_sid: call_sid.to_owned(),
            from: PhoneE164::parse(from_raw).ok(),
            from_raw: from_raw.chars().take(64).collect(),
            tenant_number: form.non_empty(tenant_number_field(form)).unwrap_or_default().chars().take(64).collect(),
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

    #[test]
    fn on_a_call_we_placed_the_person_is_to_and_the_tenant_from() {
        let form = Form::from_pairs([
            ("CallSid", "CA1"),
            ("From", "+14155550100"),
            ("To", "+447700900123"),
            ("Direction", "outbound-api"),
        ]);
        let call = CallRequest::from_form(&form).unwrap();
        assert_eq!(call.from.as_ref().map(PhoneE164::as_str), Some("+447700900123"));
        assert_eq!(call.tenant_number, "+14155550100");
        assert_eq!(tenant_number_field(&form), "From");
        let inbound = Form::from_pairs([("CallSid", "CA2"), ("From", "+447700900123"), ("To", "+14155550100")]);
        assert_eq!(CallRequest::from_form(&inbound).unwrap().tenant_number, "+14155550100");
    }
}
