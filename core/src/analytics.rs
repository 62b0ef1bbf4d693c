//! The owner's numbers for a date range (`GET /api/v1/analytics`, the daily summary email):
//! pure aggregation over the rows the glue reads from D1 (`src/platform/d1/analytics.rs`),
//! every time placed on the tenant's local calendar through the booking engine's `Zone`.

use crate::booking::Zone;
use crate::brain::understand::{understand, CivilDate, Input};
use crate::tenant::{LocalTime, Settings};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The longest range one request may ask for: a year of days fits a chart and a D1 read.
pub const MAX_DAYS: i64 = 366;
/// At most this many inbound messages are read for their topics (the newest).
pub const TOPIC_SAMPLE: usize = 500;
const TOP: usize = 10;

/// One stored message in the range.
#[derive(Debug, Clone, Deserialize)]
pub struct MessageFact {
    pub conversation_id: String,
    pub contact_id: String,
    /// `inbound` or `outbound`.
    pub direction: String,
    pub channel: String,
    pub created_at: u64,
    pub body: String,
}

/// A lead created in the range, with the channel its contact first came in by.
#[derive(Debug, Clone, Deserialize)]
pub struct LeadFact {
    pub created_at: u64,
    pub channel: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub messages: Vec<MessageFact>,
    pub leads: Vec<LeadFact>,
    /// Conversations in which someone asked for a person (`human_requested` escalations).
    pub handoff_conversations: Vec<String>,
    /// Contacts with a booking made in the range.
    pub booked_contacts: Vec<String>,
    /// Questions the front desk could not answer in the range (`kb_unanswered`).
    pub unanswered: Vec<String>,
}

/// An inclusive range of local dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Range {
    pub from: CivilDate,
    pub to: CivilDate,
}

impl Range {
    /// `from` and `to` as `YYYY-MM-DD`; `to` defaults to `today`, `from` to 29 days before `to`.
    pub fn parse(from: Option<&str>, to: Option<&str>, today: CivilDate) -> Result<Self, String> {
        let date = |name: &str, raw: &str| {
            raw.parse::<CivilDate>().map_err(|_| format!("`{name}` must be a date as YYYY-MM-DD, not `{raw}`"))
        };
        let to = to.map(|raw| date("to", raw)).transpose()?.unwrap_or(today);
        let from = from.map(|raw| date("from", raw)).transpose()?.unwrap_or(to.add_days(-29));
        if from > to {
            return Err("`from` must not be after `to`".into());
        }
        if to.to_days() - from.to_days() >= MAX_DAYS {
            return Err(format!("at most {MAX_DAYS} days at a time"));
        }
        Ok(Self { from, to })
    }

    pub fn contains(&self, date: CivilDate) -> bool {
        (self.from..=self.to).contains(&date)
    }
}

/// Where `ms` falls on the tenant's calendar. The offset is the one of the UTC date, which
/// differs from the local date's only in the night hours around a clock change.
pub fn local(zone: &dyn Zone, ms: u64) -> LocalTime {
    let minutes = (ms / 60_000) as i64;
    let offset = i64::from(zone.offset_minutes(CivilDate::from_days(minutes.div_euclid(1440))));
    let local = minutes + offset;
    LocalTime { date: CivilDate::from_days(local.div_euclid(1440)), minute_of_day: local.rem_euclid(1440) as u16 }
}

/// The report, as the API returns it.
pub fn report(facts: &Facts, range: Range, zone: &dyn Zone, settings: &Settings) -> Value {
    let in_range = |ms: u64| range.contains(local(zone, ms).date);
    let mut leads_by_day: BTreeMap<(String, String), u32> = BTreeMap::new();
    for lead in facts.leads.iter().filter(|l| in_range(l.created_at)) {
        let day = local(zone, lead.created_at).date.to_string();
        *leads_by_day.entry((day, lead.channel.clone().unwrap_or_else(|| "unknown".into()))).or_default() += 1;
    }
    let messages: Vec<&MessageFact> = facts.messages.iter().filter(|m| in_range(m.created_at)).collect();
    // Each conversation's first inbound message and the first reply after it.
    let mut firsts: HashMap<&str, (u64, Option<u64>)> = HashMap::new();
    let mut ordered = messages.clone();
    ordered.sort_by_key(|m| m.created_at);
    for m in &ordered {
        let entry = firsts.get_mut(m.conversation_id.as_str());
        match (m.direction.as_str(), entry) {
            ("inbound", None) => {
                firsts.insert(&m.conversation_id, (m.created_at, None));
            }
            ("outbound", Some((_, reply @ None))) => *reply = Some(m.created_at),
            _ => {}
        }
    }
    let mut waits: Vec<u64> =
        firsts.values().filter_map(|(asked, reply)| Some(reply.as_ref()?.saturating_sub(*asked))).collect();
    waits.sort_unstable();
    let median_first_reply_ms = match waits.len() {
        0 => None,
        n if n % 2 == 1 => Some(waits[n / 2]),
        n => Some((waits[n / 2 - 1] + waits[n / 2]) / 2),
    };
    let after_hours: Vec<&(u64, Option<u64>)> =
        firsts.values().filter(|(asked, _)| !settings.is_open_at(local(zone, *asked))).collect();
    let mut busiest = [0u32; 24];
    let inbound: Vec<&&MessageFact> = messages.iter().filter(|m| m.direction == "inbound").collect();
    for m in &inbound {
        busiest[usize::from(local(zone, m.created_at).minute_of_day / 60)] += 1;
    }
    let conversations: BTreeSet<&str> = firsts.keys().copied().collect();
    let handoffs = facts.handoff_conversations.iter().filter(|c| conversations.contains(c.as_str())).count();
    let enquirers: BTreeSet<&str> = inbound.iter().map(|m| m.contact_id.as_str()).collect();
    let booked = facts.booked_contacts.iter().filter(|c| enquirers.contains(c.as_str())).collect::<BTreeSet<_>>().len();
    json!({
        "range": { "from": range.from.to_string(), "to": range.to.to_string() },
        "leads_by_day": leads_by_day.into_iter()
            .map(|((date, channel), count)| json!({ "date": date, "channel": channel, "count": count }))
            .collect::<Vec<_>>(),
        "leads": facts.leads.iter().filter(|l| in_range(l.created_at)).count(),
        "conversations": conversations.len(),
        "inbound_messages": inbound.len(),
        "median_first_reply_ms": median_first_reply_ms,
        "after_hours": {
            "enquiries": after_hours.len(),
            "answered": after_hours.iter().filter(|(_, reply)| reply.is_some()).count(),
        },
        "handoff_rate": ratio(handoffs, conversations.len()),
        "booking_conversion": { "enquirers": enquirers.len(), "booked": booked, "rate": ratio(booked, enquirers.len()) },
        "busiest_hours": busiest.iter().enumerate().map(|(hour, count)| json!({ "hour": hour, "count": count })).collect::<Vec<_>>(),
        "top_questions": top_topics(&inbound, settings, zone),
        "unanswered_questions": top_counts(facts.unanswered.iter().map(|q| q.trim().to_owned()), "question"),
    })
}

/// The hour (local) the daily summary of the day before is sent.
pub const SUMMARY_HOUR: u16 = 8;

/// The outbox key of `date`'s summary to `email`: one email per owner per day, however often
/// the job runs.
pub fn summary_key(date: &str, email: &str) -> String {
    format!("summary:{date}:{email}")
}

/// The daily summary email's subject and text, from a one-day [`report`].
pub fn summary_email(business_name: &str, report: &Value) -> (String, String) {
    let date = report["range"]["from"].as_str().unwrap_or_default();
    let n = |v: &Value| v.as_u64().unwrap_or(0);
    let percent = |v: &Value| v.as_f64().map_or_else(|| "–".to_owned(), |r| format!("{:.0}%", r * 100.0));
    let first_reply = match report["median_first_reply_ms"].as_u64() {
        Some(ms) if ms < 60_000 => format!("{} s", ms.div_ceil(1000)),
        Some(ms) => format!("{} min", ms / 60_000),
        None => "–".to_owned(),
    };
    let mut lines = vec![
        format!("{business_name}, {date}"),
        String::new(),
        format!("Conversations: {}", n(&report["conversations"])),
        format!("New leads: {}", n(&report["leads"])),
        format!("Median first reply: {first_reply}"),
        format!(
            "After-hours enquiries answered: {} of {}",
            n(&report["after_hours"]["answered"]),
            n(&report["after_hours"]["enquiries"])
        ),
        format!("Handed to a person: {}", percent(&report["handoff_rate"])),
        format!(
            "Booked: {} of {} who wrote ({})",
            n(&report["booking_conversion"]["booked"]),
            n(&report["booking_conversion"]["enquirers"]),
            percent(&report["booking_conversion"]["rate"])
        ),
    ];
    let unanswered: Vec<String> = report["unanswered_questions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|q| q["question"].as_str().map(|q| format!("- {q}")))
        .collect();
    if !unanswered.is_empty() {
        lines.push(String::new());
        lines.push("Questions the front desk could not answer:".into());
        lines.extend(unanswered);
    }
    (format!("{business_name}: your front desk on {date}"), lines.join("\n"))
}

fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 1000.0).round() / 1000.0)
}

/// What people asked about most, by the rules brain's reading of each message (its intent),
/// over the newest [`TOPIC_SAMPLE`] inbound messages.
fn top_topics(inbound: &[&&MessageFact], settings: &Settings, zone: &dyn Zone) -> Vec<Value> {
    let mut newest: Vec<&&&MessageFact> = inbound.iter().collect();
    newest.sort_by_key(|m| std::cmp::Reverse(m.created_at));
    let topics = newest.into_iter().take(TOPIC_SAMPLE).filter(|m| !m.body.trim().is_empty()).map(|m| {
        let heard = understand(&Input {
            utterance: &m.body,
            system_before: None,
            tenant_template: settings.template.as_deref(),
            today: local(zone, m.created_at).date,
        });
        serde_json::to_value(heard.intent).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
    });
    top_counts(topics, "topic")
}

/// The `TOP` most frequent values, most frequent first (ties alphabetically), as `{name, count}`.
fn top_counts(values: impl Iterator<Item = String>, name: &str) -> Vec<Value> {
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for value in values.filter(|v| !v.is_empty()) {
        *counts.entry(value).or_default() += 1;
    }
    let mut sorted: Vec<(String, u32)> = counts.into_iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    sorted.into_iter().take(TOP).map(|(value, count)| json!({ name: value, "count": count })).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::booking::FixedZone;

    const DAY: u64 = 86_400_000;
    const HOUR: u64 = 3_600_000;
    /// Monday 30 November 2026, 00:00 UTC.
    const MON: u64 = 1_795_996_800_000;

    fn msg(conv: &str, contact: &str, direction: &str, at: u64, body: &str) -> MessageFact {
        MessageFact {
            conversation_id: conv.into(),
            contact_id: contact.into(),
            direction: direction.into(),
            channel: "sms".into(),
            created_at: at,
            body: body.into(),
        }
    }

    fn settings() -> Settings {
        Settings::default().with_template("letting_agent").unwrap()
    }

    fn range() -> Range {
        Range { from: CivilDate::new(2026, 11, 30).unwrap(), to: CivilDate::new(2026, 12, 1).unwrap() }
    }

    #[test]
    fn the_monday_constant_is_a_monday() {
        assert_eq!(local(&FixedZone(0), MON).date, CivilDate::new(2026, 11, 30).unwrap());
        assert_eq!(CivilDate::new(2026, 11, 30).unwrap().weekday(), 0);
    }

    #[test]
    fn a_seeded_fortnight_adds_up() {
        let facts = Facts {
            messages: vec![
                // Monday 10:00, answered in 2 s; Monday 22:00 (after hours), answered in 4 s.
                msg("c1", "k1", "inbound", MON + 10 * HOUR, "What are your opening hours?"),
                msg("c1", "k1", "outbound", MON + 10 * HOUR + 2_000, "We are open…"),
                msg("c2", "k2", "inbound", MON + 22 * HOUR, "Is the flat on Elm Road still available?"),
                msg("c2", "k2", "outbound", MON + 22 * HOUR + 4_000, "Yes…"),
                // Tuesday 10:00, never answered; and one outside the range.
                msg("c3", "k3", "inbound", MON + DAY + 10 * HOUR, "What are your opening hours?"),
                msg("c4", "k4", "inbound", MON + 5 * DAY, "hello"),
            ],
            leads: vec![
                LeadFact { created_at: MON + 10 * HOUR, channel: Some("sms".into()) },
                LeadFact { created_at: MON + 22 * HOUR, channel: Some("whatsapp".into()) },
                LeadFact { created_at: MON + 5 * DAY, channel: Some("sms".into()) },
            ],
            handoff_conversations: vec!["c2".into(), "c9".into()],
            booked_contacts: vec!["k1".into()],
            unanswered: vec!["Do you allow cats?".into(), "do you allow dogs?".into(), "Do you allow cats?".into()],
        };
        let r = report(&facts, range(), &FixedZone(0), &settings());
        assert_eq!(r["leads"], 2);
        assert_eq!(
            r["leads_by_day"],
            json!([{"date": "2026-11-30", "channel": "sms", "count": 1}, {"date": "2026-11-30", "channel": "whatsapp", "count": 1}])
        );
        assert_eq!(r["conversations"], 3);
        assert_eq!(r["median_first_reply_ms"], 3_000, "the middle of 2 s and 4 s; the unanswered one has no wait");
        assert_eq!(r["after_hours"], json!({"enquiries": 1, "answered": 1}));
        assert_eq!(r["handoff_rate"], 0.333);
        assert_eq!(r["booking_conversion"], json!({"enquirers": 3, "booked": 1, "rate": 0.333}));
        assert_eq!(r["busiest_hours"][10]["count"], 2);
        assert_eq!(r["busiest_hours"][22]["count"], 1);
        assert_eq!(r["top_questions"][0], json!({"topic": "hours_location", "count": 2}));
        assert_eq!(r["unanswered_questions"][0], json!({"question": "Do you allow cats?", "count": 2}));
    }

    #[test]
    fn times_fall_on_the_tenants_own_calendar() {
        // 23:30 UTC on Monday is Tuesday 00:30 an hour east: outside a Monday-only range.
        let late = MON + 23 * HOUR + 30 * 60_000;
        assert_eq!(local(&FixedZone(60), late).date, CivilDate::new(2026, 12, 1).unwrap());
        let facts = Facts { leads: vec![LeadFact { created_at: late, channel: None }], ..Facts::default() };
        let monday = Range { from: range().from, to: range().from };
        assert_eq!(report(&facts, monday, &FixedZone(60), &settings())["leads"], 0);
        assert_eq!(report(&facts, monday, &FixedZone(0), &settings())["leads"], 1);
    }

    #[test]
    fn an_empty_range_reports_zeroes_not_nonsense() {
        let r = report(&Facts::default(), range(), &FixedZone(0), &settings());
        assert_eq!(r["median_first_reply_ms"], Value::Null);
        assert_eq!(r["handoff_rate"], Value::Null);
        assert_eq!(r["busiest_hours"].as_array().unwrap().len(), 24);
    }

    #[test]
    fn the_summary_email_says_the_days_numbers() {
        let facts = Facts {
            messages: vec![
                msg("c1", "k1", "inbound", MON + 22 * HOUR, "Is the flat on Elm Road still available?"),
                msg("c1", "k1", "outbound", MON + 22 * HOUR + 4_000, "Yes…"),
            ],
            leads: vec![LeadFact { created_at: MON + 22 * HOUR, channel: Some("sms".into()) }],
            unanswered: vec!["Do you allow cats?".into()],
            ..Facts::default()
        };
        let monday = Range { from: range().from, to: range().from };
        let (subject, text) = summary_email("Maple & Pine", &report(&facts, monday, &FixedZone(0), &settings()));
        assert_eq!(subject, "Maple & Pine: your front desk on 2026-11-30");
        for line in [
            "Conversations: 1",
            "New leads: 1",
            "Median first reply: 4 s",
            "After-hours enquiries answered: 1 of 1",
            "Booked: 0 of 1 who wrote (0%)",
            "- Do you allow cats?",
        ] {
            assert!(text.contains(line), "{line} in {text}");
        }
        assert_eq!(summary_key("2026-11-30", "owner@demo.example"), "summary:2026-11-30:owner@demo.example");
    }

    #[test]
    fn ranges_are_checked() {
        let today = CivilDate::new(2026, 12, 1).unwrap();
        let default = Range::parse(None, None, today).unwrap();
        assert_eq!((default.from.to_string(), default.to.to_string()), ("2026-11-02".into(), "2026-12-01".into()));
        assert!(Range::parse(Some("2026-12-02"), Some("2026-12-01"), today).is_err());
        assert!(Range::parse(Some("2026-13-01"), None, today).unwrap_err().contains("from"));
        assert!(Range::parse(Some("2024-01-01"), Some("2026-01-01"), today).unwrap_err().contains("366"));
    }
}
