//! The tool registry: every tool's name, scope, description and JSON Schemas (input from the
//! argument structs in `args.rs`, output the `structuredContent` it returns), and how its
//! arguments are read. Read tools need `frontdesk:read`, write tools `frontdesk:write`.

use super::args::{self, Call};
use crate::principal::Scope;
use serde_json::{json, Value};

#[derive(Debug)]
pub struct Tool {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub scope: Scope,
    /// JSON Schema (2020-12) of the arguments.
    pub input_schema: &'static str,
    /// JSON Schema of the `structuredContent` a success returns.
    pub output_schema: &'static str,
    pub parse: fn(Value) -> Result<Call, String>,
}

impl Tool {
    pub fn is_write(&self) -> bool {
        self.scope == Scope::Write
    }

    /// The tool as `tools/list` shows it.
    pub fn describe(&self) -> Value {
        let schema = |raw: &str| serde_json::from_str::<Value>(raw).unwrap_or(Value::Null);
        json!({
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "inputSchema": schema(self.input_schema),
            "outputSchema": schema(self.output_schema),
            "annotations": {
                "title": self.title,
                "readOnlyHint": !self.is_write(),
                "destructiveHint": false,
                "openWorldHint": matches!(self.name, "send_sms" | "send_whatsapp"),
            },
        })
    }
}

pub fn find(name: &str) -> Option<&'static Tool> {
    TOOLS.iter().find(|t| t.name == name)
}

macro_rules! object_list {
    ($key:literal) => {
        concat!(
            r#"{"type": "object", "properties": {""#,
            $key,
            r#"": {"type": "array", "items": {"type": "object"}}}, "required": [""#,
            $key,
            r#""]}"#
        )
    };
}

const ANY_OBJECT: &str = r#"{"type": "object"}"#;
const SENT: &str = r#"{"type": "object", "properties": {
  "status": {"type": "string", "enum": ["queued", "pending_approval"]},
  "message_id": {"type": "string"}, "channel": {"type": "string"}, "approval_id": {"type": "string"}
}, "required": ["status"]}"#;

pub static TOOLS: [Tool; 16] = [
    Tool {
        name: "search_contacts",
        title: "Search contacts",
        description: "Find the business's contacts by exact phone (E.164, e.g. +447700900123), exact email, or part of the name. With no filter, the most recent contacts.",
        scope: Scope::Read,
        input_schema: r#"{"type": "object", "additionalProperties": false, "properties": {
  "phone": {"type": "string", "description": "E.164 phone number."},
  "email": {"type": "string"},
  "name": {"type": "string", "description": "Part of the name, case-insensitive."},
  "limit": {"type": "integer", "minimum": 1, "maximum": 100}}}"#,
        output_schema: object_list!("contacts"),
        parse: |a| args::read(a).map(Call::SearchContacts),
    },
    Tool {
        name: "get_message_history",
        title: "Message history",
        description: "A contact's messages on every channel, newest first: direction, channel, body, delivery status and time.",
        scope: Scope::Read,
        input_schema: r#"{"type": "object", "additionalProperties": false, "required": ["contact_id"], "properties": {
  "contact_id": {"type": "string"},
  "limit": {"type": "integer", "minimum": 1, "maximum": 100}}}"#,
        output_schema: object_list!("messages"),
        parse: |a| args::read(a).map(Call::GetMessageHistory),
    },
    Tool {
        name: "get_conversation_context",
        title: "Conversation context",
        description: "Everything needed before answering a contact: who they are, their lead (status, score, fields), open escalations and their latest messages.",
        scope: Scope::Read,
        input_schema: r#"{"type": "object", "additionalProperties": false, "required": ["contact_id"], "properties": {
  "contact_id": {"type": "string"}}}"#,
        output_schema: r#"{"type": "object", "properties": {
  "contact": {"type": "object"}, "lead": {"type": ["object", "null"]},
  "open_escalations": {"type": "array", "items": {"type": "object"}},
  "recent_messages": {"type": "array", "items": {"type": "object"}}
}, "required": ["contact", "lead", "open_escalations", "recent_messages"]}"#,
        parse: |a| args::read(a).map(Call::GetConversationContext),
    },
    Tool {
        name: "list_leads",
        title: "List leads",
        description: "Leads, highest score first within the newest, optionally only one band (hot, warm, cold).",
        scope: Scope::Read,
        input_schema: r#"{"type": "object", "additionalProperties": false, "properties": {
  "band": {"type": "string", "enum": ["hot", "warm", "cold"]},
  "limit": {"type": "integer", "minimum": 1, "maximum": 100}}}"#,
        output_schema: object_list!("leads"),
        parse: |a| args::read(a).map(Call::ListLeads),
    },
    Tool {
        name: "get_lead",
        title: "Get a lead",
        description: "One contact's lead: status, score and why, qualification fields with their history, listings of interest.",
        scope: Scope::Read,
        input_schema: r#"{"type": "object", "additionalProperties": false, "required": ["contact_id"], "properties": {
  "contact_id": {"type": "string"}}}"#,
        output_schema: ANY_OBJECT,
        parse: |a| args::read(a).map(Call::GetLead),
    },
    Tool {
        name: "search_listings",
        title: "Search listings",
        description: "The catalogue of properties: filter by kind, bedrooms, maximum price, area, status, or free text.",
        scope: Scope::Read,
        input_schema: r#"{"type": "object", "additionalProperties": false, "properties": {
  "kind": {"type": "string", "enum": ["rent", "sale", "stay"]},
  "beds": {"type": "integer", "minimum": 0, "maximum": 50, "description": "The fewest bedrooms."},
  "max_price": {"type": "number", "exclusiveMinimum": 0},
  "area": {"type": "string", "description": "An area or postcode district."},
  "q": {"type": "string", "description": "Free text; every word must match."},
  "status": {"type": "string", "enum": ["available", "let_agreed", "under_offer", "sold", "withdrawn"]},
  "limit": {"type": "integer", "minimum": 1, "maximum": 100}}}"#,
        output_schema: object_list!("listings"),
        parse: |a| args::read(a).map(Call::SearchListings),
    },
    Tool {
        name: "check_availability",
        title: "Check availability",
        description: "Free slots for a viewing or an appointment, from a day (default today) over some days (default 7), in the business's time zone.",
        scope: Scope::Read,
        input_schema: r#"{"type": "object", "additionalProperties": false, "required": ["kind"], "properties": {
  "kind": {"type": "string", "enum": ["viewing", "appointment"]},
  "from": {"type": "string", "description": "YYYY-MM-DD"},
  "days": {"type": "integer", "minimum": 1},
  "listing_id": {"type": "string"}}}"#,
        output_schema: r#"{"type": "object", "properties": {"slots": {"type": "array", "items": {"type": "object", "properties": {"start": {"type": "string"}, "end": {"type": "string"}}}}}, "required": ["slots"]}"#,
        parse: |a| args::read(a).map(Call::CheckAvailability),
    },
    Tool {
        name: "search_knowledge",
        title: "Search the knowledge base",
        description: "The business's FAQs and documents that answer a question, best first, with their titles and sources.",
        scope: Scope::Read,
        input_schema: r#"{"type": "object", "additionalProperties": false, "required": ["q"], "properties": {
  "q": {"type": "string", "description": "The question."},
  "kb": {"type": "string"},
  "category": {"type": "string"},
  "limit": {"type": "integer", "minimum": 1, "maximum": 50}}}"#,
        output_schema: object_list!("passages"),
        parse: |a| args::read(a).map(Call::SearchKnowledge),
    },
    Tool {
        name: "list_escalations",
        title: "List escalations",
        description: "What needs a person: emergencies, requests for a human, complaints, hot leads; optionally by status.",
        scope: Scope::Read,
        input_schema: r#"{"type": "object", "additionalProperties": false, "properties": {
  "status": {"type": "string", "enum": ["open", "acknowledged", "resolved"]},
  "limit": {"type": "integer", "minimum": 1, "maximum": 100}}}"#,
        output_schema: object_list!("escalations"),
        parse: |a| args::read(a).map(Call::ListEscalations),
    },
    Tool {
        name: "get_call_history",
        title: "Call history",
        description: "Phone calls, newest first, optionally one contact's: direction, status, duration, summary.",
        scope: Scope::Read,
        input_schema: r#"{"type": "object", "additionalProperties": false, "properties": {
  "contact_id": {"type": "string"},
  "limit": {"type": "integer", "minimum": 1, "maximum": 100}}}"#,
        output_schema: object_list!("calls"),
        parse: |a| args::read(a).map(Call::GetCallHistory),
    },
    Tool {
        name: "send_sms",
        title: "Send an SMS",
        description: "Text a contact on their phone, from the business's number. The message appears on their timeline; without provider credentials its delivery is recorded as simulated. The business may require a person to approve it first.",
        scope: Scope::Write,
        input_schema: r#"{"type": "object", "additionalProperties": false, "required": ["contact_id", "body"], "properties": {
  "contact_id": {"type": "string"},
  "body": {"type": "string", "minLength": 1, "maxLength": 1600}}}"#,
        output_schema: SENT,
        parse: |a| args::read(a).map(Call::SendSms),
    },
    Tool {
        name: "send_whatsapp",
        title: "Send a WhatsApp message",
        description: "Message a contact on WhatsApp. Outside WhatsApp's 24-hour window the business's approved template goes instead. The business may require a person to approve it first.",
        scope: Scope::Write,
        input_schema: r#"{"type": "object", "additionalProperties": false, "required": ["contact_id", "body"], "properties": {
  "contact_id": {"type": "string"},
  "body": {"type": "string", "minLength": 1, "maxLength": 1600}}}"#,
        output_schema: SENT,
        parse: |a| args::read(a).map(Call::SendWhatsapp),
    },
    Tool {
        name: "book_appointment",
        title: "Book",
        description: "Book a viewing, an appointment or a stay for a contact (found or created by phone or email); a refusal names the rule and the nearest slot that works.",
        scope: Scope::Write,
        input_schema: r#"{"type": "object", "additionalProperties": false, "required": ["kind", "contact", "start"], "properties": {
  "kind": {"type": "string", "enum": ["viewing", "appointment", "stay"]},
  "contact": {"type": "object", "additionalProperties": false, "properties": {
    "phone": {"type": "string"}, "email": {"type": "string"}, "name": {"type": "string"}}},
  "listing_id": {"type": "string"},
  "start": {"type": "string", "description": "RFC 3339 date-time; a stay's check-in YYYY-MM-DD."},
  "end": {"type": "string", "description": "RFC 3339 date-time; a stay's check-out YYYY-MM-DD."}}}"#,
        output_schema: ANY_OBJECT,
        parse: |a| args::read(a).map(Call::BookAppointment),
    },
    Tool {
        name: "resolve_escalation",
        title: "Resolve an escalation",
        description: "Mark an escalation resolved once it has been dealt with.",
        scope: Scope::Write,
        input_schema: r#"{"type": "object", "additionalProperties": false, "required": ["escalation_id"], "properties": {
  "escalation_id": {"type": "string"}}}"#,
        output_schema: ANY_OBJECT,
        parse: |a| args::read(a).map(Call::ResolveEscalation),
    },
    Tool {
        name: "create_ticket",
        title: "Open a maintenance ticket",
        description: "Open a maintenance ticket: what kind of fault, how urgent, a summary, and optionally the contact, the property and who it is assigned to.",
        scope: Scope::Write,
        input_schema: r#"{"type": "object", "additionalProperties": false, "required": ["category", "urgency", "summary"], "properties": {
  "category": {"type": "string", "enum": ["plumbing", "heating", "electrical", "locks", "appliances", "other"]},
  "urgency": {"type": "string", "enum": ["emergency", "urgent", "routine"]},
  "summary": {"type": "string"},
  "contact_id": {"type": "string"},
  "listing_id": {"type": "string"},
  "assignee": {"type": "string"}}}"#,
        output_schema: ANY_OBJECT,
        parse: |a| args::read(a).map(Call::CreateTicket),
    },
    Tool {
        name: "make_call",
        title: "Call someone back",
        description: "Phone a contact from the business's number: the receptionist talks to them, opening with why we call (returning their call, or following up a lead). The call is placed through a queue; without provider credentials it is recorded as simulated. The business may require a person to approve it first.",
        scope: Scope::Write,
        input_schema: r#"{"type": "object", "additionalProperties": false, "required": ["to", "purpose"], "properties": {
  "to": {"type": "string", "description": "E.164 phone number, e.g. +447700900123."},
  "purpose": {"type": "string", "enum": ["callback", "lead_follow_up"]},
  "contact_id": {"type": "string"}}}"#,
        output_schema: ANY_OBJECT,
        parse: |a| args::read(a).map(Call::MakeCall),
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Map;

    fn schema(raw: &str) -> Value {
        serde_json::from_str(raw).unwrap_or_else(|e| panic!("schema does not parse: {e}\n{raw}"))
    }

    /// A value every property of `schema` accepts: the first enum value, or one of the type.
    fn sample(schema: &Value) -> Value {
        if let Some(first) = schema["enum"].get(0) {
            return first.clone();
        }
        match schema["type"].as_str() {
            Some("string") => json!("x"),
            Some("integer") | Some("number") => json!(1),
            Some("boolean") => json!(true),
            Some("array") => json!([sample(&schema["items"])]),
            _ => Value::Object(
                schema["properties"]
                    .as_object()
                    .map(|p| p.iter().map(|(k, v)| (k.clone(), sample(v))).collect())
                    .unwrap_or_default(),
            ),
        }
    }

    /// The fields the parsed struct writes back out, for a call built from every property.
    fn fields(call: &Call) -> Vec<String> {
        let value = match call {
            Call::SearchContacts(a) => serde_json::to_value(a),
            Call::GetMessageHistory(a) => serde_json::to_value(a),
            Call::GetConversationContext(a) | Call::GetLead(a) => serde_json::to_value(a),
            Call::ListLeads(a) => serde_json::to_value(a),
            Call::SearchListings(a) => serde_json::to_value(a),
            Call::CheckAvailability(a) => serde_json::to_value(a),
            Call::SearchKnowledge(a) => serde_json::to_value(a),
            Call::ListEscalations(a) => serde_json::to_value(a),
            Call::GetCallHistory(a) => serde_json::to_value(a),
            Call::SendSms(a) | Call::SendWhatsapp(a) => serde_json::to_value(a),
            Call::BookAppointment(a) => serde_json::to_value(a),
            Call::ResolveEscalation(a) => serde_json::to_value(a),
            Call::CreateTicket(a) => serde_json::to_value(a),
            Call::MakeCall(a) => serde_json::to_value(a),
        }
        .unwrap();
        let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    }

    #[test]
    fn every_input_schema_names_exactly_its_structs_fields() {
        for tool in &TOOLS {
            let input = schema(tool.input_schema);
            let full = sample(&input);
            let call = (tool.parse)(full.clone()).unwrap_or_else(|e| panic!("{}: {e}", tool.name));
            let mut properties: Vec<String> = input["properties"].as_object().unwrap().keys().cloned().collect();
            properties.sort();
            assert_eq!(fields(&call), properties, "{}", tool.name);
            for required in input["required"].as_array().into_iter().flatten() {
                let mut without = full.clone();
                without.as_object_mut().unwrap().remove(required.as_str().unwrap());
                assert!((tool.parse)(without).is_err(), "{}: `{required}` is required by the schema", tool.name);
            }
            let mut extra = full.as_object().unwrap().clone();
            extra.insert("surprise".into(), json!(1));
            assert!((tool.parse)(Value::Object(extra)).is_err(), "{}: unknown fields are refused", tool.name);
            assert_eq!(input["additionalProperties"], json!(false), "{}", tool.name);
        }
    }

    #[test]
    fn only_required_fields_are_required_by_the_structs() {
        for tool in &TOOLS {
            let input = schema(tool.input_schema);
            let full = sample(&input);
            let required: Map<String, Value> = input["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|k| k.as_str().map(|k| (k.to_owned(), full[k].clone())))
                .collect();
            assert!((tool.parse)(Value::Object(required)).is_ok(), "{}", tool.name);
        }
    }

    #[test]
    fn names_are_unique_valid_and_output_schemas_are_objects() {
        let mut names: Vec<&str> = TOOLS.iter().map(|t| t.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), TOOLS.len());
        for tool in &TOOLS {
            assert!(tool.name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
            assert_eq!(schema(tool.output_schema)["type"], "object", "{}", tool.name);
            assert_eq!(tool.describe()["annotations"]["readOnlyHint"], !tool.is_write());
        }
    }

    #[test]
    fn write_tools_need_the_write_scope() {
        let writes: Vec<&str> = TOOLS.iter().filter(|t| t.is_write()).map(|t| t.name).collect();
        assert_eq!(
            writes,
            ["send_sms", "send_whatsapp", "book_appointment", "resolve_escalation", "create_ticket", "make_call"]
        );
    }
}
