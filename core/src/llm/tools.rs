//! The tools an LLM brain may call — the same actions the rules brain takes (hand over to a
//! human, note lead details, read the opening hours) — as provider-neutral definitions with a
//! JSON Schema, and a pure executor. A malformed call gets an error result the model can read
//! and correct; it never ends the turn.

use super::prompt::clip;
use crate::brain::understand::CivilDate;
use crate::brain::{EscalationRequest, Turn};
use crate::escalation::Reason;
use crate::phone::PhoneE164;
use crate::tenant::OpenStatus;
use serde_json::{json, Map, Value};

pub const ESCALATE_TO_HUMAN: &str = "escalate_to_human";
pub const SAVE_LEAD_DETAILS: &str = "save_lead_details";
pub const GET_BUSINESS_HOURS: &str = "get_business_hours";
/// Runs outside the pure executor (a knowledge-base search is I/O): the session hands the
/// queries to the glue as [`super::Io::Search`] and takes the passages back.
pub const SEARCH_KNOWLEDGE: &str = "search_knowledge";
/// A search query is a question, not a document.
const QUERY_CHARS: usize = 300;
/// The most of each passage the model reads.
const PASSAGE_CHARS: usize = 600;

/// The reasons a model may give; `ai_failure` is ours to raise, not the model's.
const REASONS: [(&str, Reason); 5] = [
    ("emergency", Reason::Emergency),
    ("human_requested", Reason::HumanRequested),
    ("complaint", Reason::Complaint),
    ("high_value_lead", Reason::HighValueLead),
    ("repeated_confusion", Reason::RepeatedConfusion),
];

/// One line in the escalation queue, like the rules brain's summaries.
const SUMMARY_CHARS: usize = 200;
/// A lead field is a name, an area, a property: anything longer is not one.
const TEXT_FIELD_CHARS: usize = 200;
/// The caller's words behind a save: a message or two.
const EVIDENCE_CHARS: usize = 500;

#[derive(Debug, Clone, Copy)]
enum Kind {
    Text,
    Email,
    /// E.164, the form contacts are stored in.
    Phone,
    Date,
    Flag,
    /// A whole number up to the bound.
    Count(u64),
    /// A positive amount of money.
    Amount,
}

/// The lead fields, named as the rules brain's slots are.
const LEAD_FIELDS: [(&str, Kind, &str); 14] = [
    ("name", Kind::Text, "The caller's name."),
    ("email", Kind::Email, "Email address."),
    ("phone", Kind::Phone, "Phone number with its country code, e.g. +447700900123."),
    ("beds", Kind::Count(20), "Bedrooms wanted."),
    ("baths", Kind::Count(20), "Bathrooms wanted."),
    ("area", Kind::Text, "Area or neighbourhood wanted."),
    ("budget_max", Kind::Amount, "Highest budget, as a number in the local currency."),
    ("move_in", Kind::Date, "Move-in date, YYYY-MM-DD."),
    ("check_in", Kind::Date, "Arrival date, YYYY-MM-DD."),
    ("check_out", Kind::Date, "Departure date, YYYY-MM-DD."),
    ("party_size", Kind::Count(100), "Number of people or guests."),
    ("pets", Kind::Flag, "Whether they have pets."),
    ("furnished", Kind::Flag, "Whether they want it furnished."),
    ("property", Kind::Text, "The property, listing or address they ask about."),
];

/// A tool as offered to the model; each adapter renders it in its provider's shape.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolDef {
    pub name: &'static str,
    pub description: &'static str,
    pub input_schema: Value,
}

/// A call the model made. `arguments` is the JSON text as the model wrote it, parsed by
/// [`run_tool`] so a malformed call is answered rather than fatal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    pub arguments: String,
}

/// What the receptionist must do because of a tool call.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Escalate(EscalationRequest),
    /// Validated lead fields (keys as in `save_lead_details`), plus the caller's words as
    /// `evidence` when the model gave them.
    SaveLead(Map<String, Value>),
}

/// The result sent back to the model, and the action the call asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolOutcome {
    pub result_json: String,
    /// The call was refused (unknown tool, bad arguments): the model should correct it.
    pub is_error: bool,
    pub action: Option<Action>,
}

impl ToolOutcome {
    pub(crate) fn ok(result: Value, action: Option<Action>) -> Self {
        Self { result_json: result.to_string(), is_error: false, action }
    }

    pub(crate) fn error(message: impl Into<String>) -> Self {
        Self { result_json: json!({ "error": message.into() }).to_string(), is_error: true, action: None }
    }
}

pub fn definitions() -> Vec<ToolDef> {
    let reasons: Vec<&str> = REASONS.iter().map(|(name, _)| *name).collect();
    let mut lead_properties: Map<String, Value> = LEAD_FIELDS
        .iter()
        .map(|(name, kind, description)| {
            let schema = match kind {
                Kind::Text => json!({ "type": "string", "maxLength": TEXT_FIELD_CHARS }),
                Kind::Email => json!({ "type": "string", "format": "email" }),
                Kind::Phone => json!({ "type": "string", "pattern": "^\\+[1-9][0-9 .-]{7,20}$" }),
                Kind::Date => json!({ "type": "string", "format": "date" }),
                Kind::Flag => json!({ "type": "boolean" }),
                Kind::Count(max) => json!({ "type": "integer", "minimum": 0, "maximum": max }),
                Kind::Amount => json!({ "type": "number", "exclusiveMinimum": 0 }),
            };
            let mut schema = schema;
            schema["description"] = json!(description);
            ((*name).to_owned(), schema)
        })
        .collect();
    lead_properties.insert(
        "evidence".to_owned(),
        json!({ "type": "string", "description": "The caller's own words these details come from, verbatim." }),
    );
    vec![
        ToolDef {
            name: ESCALATE_TO_HUMAN,
            description: "Hand the conversation to a person on the team. Use at once for emergencies (gas, fire, \
                          flood or leak, lock-out, injury) with reason emergency — on-call staff are paged at any \
                          hour — and when the caller asks for a person, complains, is a high-value lead, or stays \
                          confused.",
            input_schema: json!({
                "type": "object",
                "properties": {
                    "reason": { "type": "string", "enum": reasons },
                    "summary": { "type": "string", "description": "One line for the team: who needs what, and how urgently." }
                },
                "required": ["reason", "summary"],
                "additionalProperties": false
            }),
        },
        ToolDef {
            name: SAVE_LEAD_DETAILS,
            description: "Record details the caller has given (only what they actually said; never guess). Call \
                          it whenever they give a name, contact details, dates, budget or what they are looking for.",
            input_schema: json!({
                "type": "object",
                "properties": lead_properties,
                "additionalProperties": false
            }),
        },
        ToolDef {
            name: GET_BUSINESS_HOURS,
            description: "The business's opening hours and whether it is open right now.",
            input_schema: json!({ "type": "object", "properties": {}, "additionalProperties": false }),
        },
        ToolDef {
            name: SEARCH_KNOWLEDGE,
            description: "Search the business's own knowledge base (FAQs and documents: fees, deposits, pets, \
                          parking, policies, areas). State only what the results say; if nothing answers the \
                          question, say you will check with the team.",
            input_schema: json!({
                "type": "object",
                "properties": {
                    "query": { "type": "string", "maxLength": QUERY_CHARS, "description": "The question, in the caller's words." }
                },
                "required": ["query"],
                "additionalProperties": false
            }),
        },
    ]
}

/// The query of a `search_knowledge` call, or the error result the model gets instead.
pub fn search_query(call: &ToolCall) -> Result<String, ToolOutcome> {
    let input: Value = serde_json::from_str(if call.arguments.trim().is_empty() { "{}" } else { &call.arguments })
        .map_err(|e| ToolOutcome::error(format!("arguments are not valid JSON: {e}")))?;
    match input.get("query").and_then(Value::as_str).map(str::trim) {
        Some(query) if !query.is_empty() => Ok(clip(query, QUERY_CHARS)),
        _ => Err(ToolOutcome::error("query is required: the question to look up")),
    }
}

/// What a search found, as the model reads it: each passage's id, title and text.
pub fn search_results(passages: &[crate::kb::Passage]) -> ToolOutcome {
    if passages.is_empty() {
        return ToolOutcome::ok(
            json!({ "results": [], "note": "Nothing in the knowledge base answers this: say you will check with the team." }),
            None,
        );
    }
    let results: Vec<Value> = passages
        .iter()
        .map(|p| json!({ "id": p.id, "title": p.title, "text": clip(&p.text, PASSAGE_CHARS) }))
        .collect();
    ToolOutcome::ok(json!({ "results": results }), None)
}

/// A call's arguments as a JSON object (empty text is `{}`), or the error the model reads.
pub(crate) fn arguments(call: &ToolCall) -> Result<Map<String, Value>, ToolOutcome> {
    let raw = if call.arguments.trim().is_empty() { "{}" } else { call.arguments.as_str() };
    match serde_json::from_str::<Value>(raw) {
        Ok(Value::Object(input)) => Ok(input),
        Ok(_) => Err(ToolOutcome::error("arguments must be a JSON object")),
        Err(e) => Err(ToolOutcome::error(format!("arguments are not valid JSON: {e}"))),
    }
}

/// Runs one call against the turn. Never panics: unknown tools and bad arguments become error
/// results for the model.
pub fn run_tool(turn: &Turn, call: &ToolCall) -> ToolOutcome {
    let input = match arguments(call) {
        Ok(input) => input,
        Err(refused) => return refused,
    };
    match call.name.as_str() {
        ESCALATE_TO_HUMAN => escalate(turn, &input),
        SAVE_LEAD_DETAILS => save_lead(&input),
        GET_BUSINESS_HOURS => business_hours(turn),
        // Only reached when no glue runs searches (the session intercepts them): say so.
        SEARCH_KNOWLEDGE => ToolOutcome::error("the knowledge base is not available right now"),
        other => ToolOutcome::error(format!(
            "unknown tool `{other}`; the tools are {ESCALATE_TO_HUMAN}, {SAVE_LEAD_DETAILS}, {GET_BUSINESS_HOURS} \
             and {SEARCH_KNOWLEDGE}"
        )),
    }
}

fn escalate(turn: &Turn, input: &Map<String, Value>) -> ToolOutcome {
    let reason_name = input.get("reason").and_then(Value::as_str).unwrap_or_default();
    let Some((name, reason)) = REASONS.iter().find(|(name, _)| *name == reason_name) else {
        let names: Vec<&str> = REASONS.iter().map(|(name, _)| *name).collect();
        return ToolOutcome::error(format!("reason must be one of {}", names.join(", ")));
    };
    let summary = input.get("summary").and_then(Value::as_str).map(str::trim).unwrap_or_default();
    if summary.is_empty() {
        return ToolOutcome::error("summary is required: one line for the team");
    }
    let request = EscalationRequest {
        reason: *reason,
        summary: clip(summary, SUMMARY_CHARS),
        detail: json!({ "source": "llm", "quote": turn.text }).to_string(),
    };
    let next = if *reason == Reason::Emergency {
        "On-call staff are being paged now. Tell the caller help is coming and what to do to stay safe meanwhile."
    } else {
        "The team has been told and will follow up. Tell the caller a person will get back to them."
    };
    ToolOutcome::ok(json!({ "escalated": name, "next": next }), Some(Action::Escalate(request)))
}

fn save_lead(input: &Map<String, Value>) -> ToolOutcome {
    let mut saved = Map::new();
    let mut rejected = Map::new();
    for (key, value) in input {
        if value.is_null() {
            continue; // "not given", as some models write optional fields
        }
        if key == "evidence" {
            let evidence = value.as_str().map(str::trim).filter(|e| !e.is_empty());
            match evidence {
                Some(evidence) => saved.insert(key.clone(), json!(clip(evidence, EVIDENCE_CHARS))),
                None => rejected.insert(key.clone(), json!("must be the caller's words, as text")),
            };
            continue;
        }
        let Some((_, kind, _)) = LEAD_FIELDS.iter().find(|(name, _, _)| name == key) else {
            rejected.insert(key.clone(), json!("not a lead field"));
            continue;
        };
        match checked(*kind, value) {
            Ok(value) => saved.insert(key.clone(), value),
            Err(why) => rejected.insert(key.clone(), json!(why)),
        };
    }
    let date = |key: &str| saved.get(key).and_then(Value::as_str).and_then(|d| d.parse::<CivilDate>().ok());
    if let (Some(check_in), Some(check_out)) = (date("check_in"), date("check_out")) {
        if check_out <= check_in {
            saved.remove("check_out");
            rejected.insert("check_out".to_owned(), json!("must be after check_in"));
        }
    }
    let fields: Vec<&String> = saved.keys().filter(|k| *k != "evidence").collect();
    if fields.is_empty() {
        return ToolOutcome::error(format!("nothing saved: {}", Value::Object(rejected)));
    }
    let result = json!({ "saved": fields, "rejected": rejected });
    ToolOutcome::ok(result, Some(Action::SaveLead(saved)))
}

/// The value in its normal form, or why it is not one.
fn checked(kind: Kind, value: &Value) -> Result<Value, String> {
    match kind {
        Kind::Text | Kind::Email => {
            let text = value.as_str().map(str::trim).filter(|t| !t.is_empty()).ok_or("must be non-empty text")?;
            if text.chars().count() > TEXT_FIELD_CHARS {
                return Err(format!("at most {TEXT_FIELD_CHARS} characters"));
            }
            if matches!(kind, Kind::Email) && (!text.contains('@') || text.contains(char::is_whitespace)) {
                return Err("not an email address".to_owned());
            }
            Ok(json!(text))
        }
        Kind::Phone => {
            let text = value.as_str().ok_or("must be text")?;
            let phone = PhoneE164::parse(text).map_err(|_| "needs the country code, e.g. +447700900123".to_owned())?;
            Ok(json!(phone.as_str()))
        }
        Kind::Date => {
            let text = value.as_str().ok_or("must be a YYYY-MM-DD date")?;
            let date: CivilDate = text.trim().parse().map_err(|_| "must be a YYYY-MM-DD date".to_owned())?;
            Ok(json!(date.to_string()))
        }
        Kind::Flag => value.as_bool().map(Value::Bool).ok_or_else(|| "must be true or false".to_owned()),
        Kind::Count(max) => match value.as_u64() {
            Some(n) if n <= max => Ok(json!(n)),
            _ => Err(format!("must be a whole number from 0 to {max}")),
        },
        Kind::Amount => match value.as_f64() {
            Some(n) if n > 0.0 && n.is_finite() => Ok(value.clone()),
            _ => Err("must be a positive number".to_owned()),
        },
    }
}

fn business_hours(turn: &Turn) -> ToolOutcome {
    let settings = &turn.settings;
    let mut result = json!({ "hours": settings.hours_summary() });
    match settings.status_at(turn.local_time) {
        OpenStatus::OpenUntil(close) => {
            result["open_now"] = json!(true);
            result["open_until"] = json!(close);
        }
        OpenStatus::Closed(next) => {
            result["open_now"] = json!(false);
            result["opens"] = json!(next.map(|(day, time)| format!("{day} {time}")));
        }
    }
    ToolOutcome::ok(result, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::testing::turn;
    use crate::tenant::tests::at;

    fn call(name: &str, arguments: &str) -> ToolCall {
        ToolCall { id: "call_1".into(), name: name.into(), arguments: arguments.into() }
    }

    fn result(outcome: &ToolOutcome) -> Value {
        serde_json::from_str(&outcome.result_json).unwrap()
    }

    #[test]
    fn definitions_name_the_four_tools_with_object_schemas() {
        let defs = definitions();
        let names: Vec<&str> = defs.iter().map(|d| d.name).collect();
        assert_eq!(names, [ESCALATE_TO_HUMAN, SAVE_LEAD_DETAILS, GET_BUSINESS_HOURS, SEARCH_KNOWLEDGE]);
        assert!(defs.iter().all(|d| d.input_schema["type"] == "object" && !d.description.is_empty()));
        let reasons = &defs[0].input_schema["properties"]["reason"]["enum"];
        assert_eq!(
            reasons,
            &json!(["emergency", "human_requested", "complaint", "high_value_lead", "repeated_confusion"])
        );
        let lead = &defs[1].input_schema["properties"];
        for field in [
            "name",
            "email",
            "phone",
            "beds",
            "area",
            "budget_max",
            "move_in",
            "check_in",
            "check_out",
            "party_size",
            "pets",
            "furnished",
            "property",
            "evidence",
        ] {
            assert!(lead.get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn escalate_to_human_raises_the_escalation_with_the_callers_words() {
        let t = turn("Water is pouring through my ceiling!");
        let outcome =
            run_tool(&t, &call(ESCALATE_TO_HUMAN, r#"{"reason":"emergency","summary":"  Flood at flat 2  "}"#));
        assert!(!outcome.is_error);
        assert_eq!(result(&outcome)["escalated"], "emergency");
        let Some(Action::Escalate(request)) = outcome.action else { panic!("{outcome:?}") };
        assert_eq!((request.reason, request.summary.as_str()), (Reason::Emergency, "Flood at flat 2"));
        let detail: Value = serde_json::from_str(&request.detail).unwrap();
        assert_eq!(detail, json!({"source": "llm", "quote": "Water is pouring through my ceiling!"}));
        let long = run_tool(
            &t,
            &call(ESCALATE_TO_HUMAN, &json!({"reason": "complaint", "summary": "x".repeat(500)}).to_string()),
        );
        let Some(Action::Escalate(request)) = long.action else { panic!() };
        assert_eq!(request.summary.chars().count(), SUMMARY_CHARS + 1, "clipped, with an ellipsis");
    }

    #[test]
    fn bad_calls_get_error_results_never_panics() {
        let t = turn("hi");
        for (name, arguments, says) in [
            (ESCALATE_TO_HUMAN, r#"{"reason":"ai_failure","summary":"x"}"#, "reason must be one of"),
            (ESCALATE_TO_HUMAN, r#"{"reason":"complaint"}"#, "summary is required"),
            (ESCALATE_TO_HUMAN, r#"{"reason":"#, "not valid JSON"),
            (SAVE_LEAD_DETAILS, "[1,2]", "must be a JSON object"),
            (SAVE_LEAD_DETAILS, r#"{"beds":"two","shoe_size":9}"#, "nothing saved"),
            ("book_viewing", "{}", "unknown tool `book_viewing`"),
        ] {
            let outcome = run_tool(&t, &call(name, arguments));
            assert!(outcome.is_error && outcome.action.is_none(), "{name} {arguments}");
            let error = result(&outcome)["error"].as_str().unwrap().to_owned();
            assert!(error.contains(says), "{error}");
        }
    }

    #[test]
    fn save_lead_details_keeps_valid_fields_normalised_and_names_the_rest() {
        let t = turn("I'm Ana, +44 7700 900123, 2 beds in Clifton, max 1500, from 1 March, 2 cats");
        let arguments = json!({
            "name": "Ana", "phone": "+44 7700 900123", "beds": 2, "area": "Clifton", "budget_max": 1500,
            "move_in": "2027-03-01", "pets": true, "email": "not an email", "party_size": -1,
            "furnished": null, "evidence": "I'm Ana, +44 7700 900123, 2 beds in Clifton"
        });
        let outcome = run_tool(&t, &call(SAVE_LEAD_DETAILS, &arguments.to_string()));
        assert!(!outcome.is_error);
        let Some(Action::SaveLead(saved)) = &outcome.action else { panic!("{outcome:?}") };
        assert_eq!(saved["phone"], "+447700900123");
        assert_eq!((saved["beds"].as_u64(), saved["move_in"].as_str()), (Some(2), Some("2027-03-01")));
        assert!(!saved.contains_key("email") && !saved.contains_key("party_size") && !saved.contains_key("furnished"));
        let r = result(&outcome);
        assert_eq!(r["rejected"]["email"], "not an email address");
        assert!(r["saved"].as_array().unwrap().iter().all(|f| f != "evidence"));
        let stay = run_tool(&t, &call(SAVE_LEAD_DETAILS, r#"{"check_in":"2027-05-10","check_out":"2027-05-08"}"#));
        let Some(Action::SaveLead(saved)) = &stay.action else { panic!() };
        assert!(saved.contains_key("check_in") && !saved.contains_key("check_out"));
        assert_eq!(result(&stay)["rejected"]["check_out"], "must be after check_in");
    }

    #[test]
    fn get_business_hours_reads_the_tenants_hours_now() {
        let mut t = turn("when are you open?");
        let open = result(&run_tool(&t, &call(GET_BUSINESS_HOURS, "")));
        assert_eq!(
            open,
            json!({"hours": "Mon–Thu 09:00–18:00, Fri 09:00–17:30, Sat 10:00–14:00", "open_now": true, "open_until": "18:00"})
        );
        t.local_time = at(5, 15, 0);
        let closed = result(&run_tool(&t, &call(GET_BUSINESS_HOURS, "{}")));
        assert_eq!((closed["open_now"].as_bool(), closed["opens"].as_str()), (Some(false), Some("Mon 09:00")));
        t.settings.hours.clear();
        let unknown = result(&run_tool(&t, &call(GET_BUSINESS_HOURS, "{}")));
        assert_eq!(unknown, json!({"hours": null, "open_now": false, "opens": null}));
    }
}
