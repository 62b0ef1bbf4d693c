//! A month's usage against the limits: the percentages the API and console show, the alert
//! the owner gets at 80 % and at 100 % (each once per month and metric), and what pauses at
//! 100 %. Inbound messages are never refused: their replies count against the SMS quota but
//! are always sent; only what the business starts (follow-ups, listing offers, calls placed)
//! waits.

use super::limits::{Limits, PlanName};
use crate::brain::understand::CivilDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// SMS and WhatsApp messages handed to a provider (or simulated) this month.
    Sms,
    Calls,
    CallMinutes,
    LlmTokens,
    /// Knowledge-base chunk text, in bytes: a size, not a monthly count.
    KbBytes,
}

impl Metric {
    pub const ALL: [Metric; 5] = [Metric::Sms, Metric::Calls, Metric::CallMinutes, Metric::LlmTokens, Metric::KbBytes];

    pub fn as_str(self) -> &'static str {
        match self {
            Metric::Sms => "sms",
            Metric::Calls => "calls",
            Metric::CallMinutes => "call_minutes",
            Metric::LlmTokens => "llm_tokens",
            Metric::KbBytes => "kb_bytes",
        }
    }

    fn words(self) -> &'static str {
        match self {
            Metric::Sms => "SMS and WhatsApp messages",
            Metric::Calls => "calls",
            Metric::CallMinutes => "call minutes",
            Metric::LlmTokens => "AI tokens",
            Metric::KbBytes => "knowledge-base bytes",
        }
    }

    pub fn limit(self, limits: &Limits) -> Option<u64> {
        match self {
            Metric::Sms => limits.sms,
            Metric::Calls => limits.calls,
            Metric::CallMinutes => limits.call_minutes,
            Metric::LlmTokens => limits.llm_tokens,
            Metric::KbBytes => limits.kb_bytes,
        }
    }
}

/// How close a metric is to its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Normal,
    /// 80 % or more: the owner is told.
    Warning,
    /// 100 % or more: the owner is told again, and outbound the business starts pauses.
    Reached,
}

impl Level {
    pub fn percent(self) -> u32 {
        match self {
            Level::Normal => 0,
            Level::Warning => 80,
            Level::Reached => 100,
        }
    }
}

/// One metric of `GET /api/v1/usage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MetricUsage {
    pub metric: Metric,
    pub used: u64,
    /// `None` = unlimited.
    pub limit: Option<u64>,
    /// Whole percent of the limit used (may pass 100); `None` when unlimited.
    pub percent: Option<u64>,
    pub level: Level,
}

impl MetricUsage {
    pub fn new(metric: Metric, used: u64, limit: Option<u64>) -> Self {
        let percent = limit.map(|limit| percent(used, limit));
        MetricUsage { metric, used, limit, percent, level: level(used, limit) }
    }
}

/// Whole percent, rounded down, never overflowing; a zero limit is 100 % used from the start.
pub fn percent(used: u64, limit: u64) -> u64 {
    if limit == 0 {
        return 100;
    }
    (u128::from(used) * 100 / u128::from(limit)).min(u128::from(u64::MAX)) as u64
}

pub fn level(used: u64, limit: Option<u64>) -> Level {
    match limit {
        None => Level::Normal,
        Some(limit) if used >= limit => Level::Reached,
        Some(limit) if u128::from(used) * 5 >= u128::from(limit) * 4 => Level::Warning,
        Some(_) => Level::Normal,
    }
}

/// The month usage is counted in: the tenant's local calendar month, `YYYY-MM` (as `llm_usage.month`).
pub fn month_key(date: CivilDate) -> String {
    format!("{:04}-{:02}", date.year, date.month)
}

/// The first day of `date`'s month and of the next one: the month's local bounds.
pub fn month_bounds(date: CivilDate) -> (CivilDate, CivilDate) {
    let first = CivilDate { day: 1, ..date };
    let next = if date.month == 12 {
        CivilDate { year: date.year + 1, month: 1, day: 1 }
    } else {
        CivilDate { month: date.month + 1, ..first }
    };
    (first, next)
}

/// Why outbound the business starts is paused, per kind; `None` = it goes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Paused {
    /// Follow-ups and listing offers (texts we start).
    pub texts: Option<String>,
    /// Calls we place.
    pub calls: Option<String>,
}

/// What pauses this month: texts we start once the SMS quota is used, calls we place once the
/// call (or call-minute) quota is.
pub fn paused(usage: &[MetricUsage], month: &str) -> Paused {
    let reason = |metrics: &[Metric], what: &str| {
        usage.iter().filter(|u| metrics.contains(&u.metric) && u.level == Level::Reached).find_map(|u| {
            let limit = u.limit?;
            Some(format!(
                "the plan's {limit} {} for {month} are used ({} so far): {what} wait until next month or a higher limit; \
                 replies to inbound messages are still sent",
                u.metric.words(),
                u.used
            ))
        })
    };
    Paused {
        texts: reason(&[Metric::Sms], "follow-ups and listing offers"),
        calls: reason(&[Metric::Calls, Metric::CallMinutes], "calls placed by the front desk"),
    }
}

/// A month's counts, as the Worker reads them (one row, D1 column names).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub sms: u64,
    pub whatsapp: u64,
    pub calls: u64,
    pub call_minutes: u64,
    pub llm_tokens: u64,
    pub kb_documents: u64,
    pub kb_chunks: u64,
    pub kb_bytes: u64,
}

/// `GET /api/v1/usage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsageReport {
    pub plan: PlanName,
    pub month: String,
    pub metrics: BTreeMap<&'static str, MetricUsage>,
    /// The counts behind the metrics (SMS and WhatsApp apart, documents and chunks).
    pub detail: Counts,
    pub history_days: Option<u64>,
    pub paused: Paused,
}

impl UsageReport {
    pub fn new(limits: &Limits, month: String, counts: Counts) -> Self {
        let used = |metric: Metric| match metric {
            Metric::Sms => counts.sms.saturating_add(counts.whatsapp),
            Metric::Calls => counts.calls,
            Metric::CallMinutes => counts.call_minutes,
            Metric::LlmTokens => counts.llm_tokens,
            Metric::KbBytes => counts.kb_bytes,
        };
        let lines: Vec<MetricUsage> =
            Metric::ALL.iter().map(|&m| MetricUsage::new(m, used(m), m.limit(limits))).collect();
        let paused = paused(&lines, &month);
        UsageReport {
            plan: limits.plan,
            metrics: lines.into_iter().map(|line| (line.metric.as_str(), line)).collect(),
            month,
            detail: counts,
            history_days: limits.history_days,
            paused,
        }
    }

    /// Metrics at 80 % or more: what the owner should have been told about.
    pub fn alerts(&self) -> impl Iterator<Item = &MetricUsage> {
        self.metrics.values().filter(|m| m.level >= Level::Warning)
    }
}

/// The owner's email when a metric reaches `level` (once per month and metric and level).
pub fn alert_email(business: &str, usage: &MetricUsage, month: &str) -> (String, String) {
    let limit = usage.limit.unwrap_or_default();
    let what = usage.metric.words();
    let subject = match usage.level {
        Level::Reached => format!("{business}: the monthly limit of {what} is reached"),
        _ => format!("{business}: {}% of the monthly {what} used", usage.percent.unwrap_or_default()),
    };
    let mut text = format!("In {month} your front desk has used {} of {limit} {what}.\n", usage.used);
    text.push_str(match (usage.level, usage.metric) {
        (Level::Reached, Metric::Sms) => {
            "Follow-ups and listing offers are paused until next month or a higher limit. Messages from your \
             contacts are still stored and answered.\n"
        }
        (Level::Reached, Metric::Calls | Metric::CallMinutes) => {
            "Calls the front desk places are paused until next month or a higher limit. Calls to you are still \
             answered.\n"
        }
        (Level::Reached, Metric::LlmTokens) => {
            "The AI model is not used until next month; the built-in receptionist keeps answering.\n"
        }
        _ => "Nothing is paused. You can raise the limit in Settings.\n",
    });
    (subject, text)
}

/// The outbox key of one alert email, so a repeated sweep never sends it twice.
pub fn alert_key(month: &str, metric: Metric, level: Level, to: &str) -> String {
    format!("usage:{month}:{}:{}:{to}", metric.as_str(), level.percent())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Limits, PlanName};

    #[test]
    fn percent_and_level_at_the_edges() {
        assert_eq!((percent(0, 100), percent(79, 100), percent(80, 100), percent(150, 100)), (0, 79, 80, 150));
        assert_eq!(percent(u64::MAX, 1), u64::MAX, "no overflow");
        assert_eq!(percent(0, 0), 100);
        assert_eq!(level(79, Some(100)), Level::Normal);
        assert_eq!(level(80, Some(100)), Level::Warning);
        assert_eq!(level(99, Some(100)), Level::Warning);
        assert_eq!(level(100, Some(100)), Level::Reached);
        assert_eq!(level(4, Some(5)), Level::Warning, "4 of 5 is 80 %");
        assert_eq!(level(3, Some(5)), Level::Normal);
        assert_eq!(level(u64::MAX, None), Level::Normal, "unlimited never warns");
        let line = MetricUsage::new(Metric::Sms, 5, Some(4));
        assert_eq!((line.percent, line.level), (Some(125), Level::Reached));
        assert_eq!(MetricUsage::new(Metric::Calls, 7, None).percent, None);
    }

    #[test]
    fn months_are_local_calendar_months() {
        let d = |y, m, day| CivilDate::new(y, m, day).unwrap();
        assert_eq!(month_key(d(2026, 3, 31)), "2026-03");
        assert_eq!(month_bounds(d(2026, 3, 31)), (d(2026, 3, 1), d(2026, 4, 1)));
        assert_eq!(month_bounds(d(2026, 12, 5)), (d(2026, 12, 1), d(2027, 1, 1)));
    }

    #[test]
    fn only_a_used_up_quota_pauses_and_the_reason_says_what_still_goes() {
        let limits = Limits::of(PlanName::Free);
        let at = |sms, calls| {
            vec![
                MetricUsage::new(Metric::Sms, sms, Metric::Sms.limit(&limits)),
                MetricUsage::new(Metric::Calls, calls, Metric::Calls.limit(&limits)),
            ]
        };
        assert_eq!(paused(&at(99, 19), "2026-03"), Paused::default());
        let p = paused(&at(100, 19), "2026-03");
        let texts = p.texts.unwrap();
        assert!(texts.contains("100 SMS and WhatsApp messages for 2026-03 are used"), "{texts}");
        assert!(texts.contains("replies to inbound messages are still sent"));
        assert_eq!(p.calls, None);
        assert!(paused(&at(0, 20), "2026-03").calls.unwrap().contains("calls placed"));
    }

    #[test]
    fn the_report_adds_whatsapp_to_sms_and_pauses_texts_at_the_quota() {
        let limits = Limits::for_tenant(Some(&serde_json::from_str(r#"{"name":"free","sms":5}"#).unwrap()), Some(1000));
        let counts = Counts { sms: 3, whatsapp: 1, calls: 2, call_minutes: 7, llm_tokens: 900, ..Default::default() };
        let report = UsageReport::new(&limits, "2026-03".into(), counts.clone());
        let sms = &report.metrics["sms"];
        assert_eq!((sms.used, sms.limit, sms.percent, sms.level), (4, Some(5), Some(80), Level::Warning));
        assert_eq!(report.metrics["llm_tokens"].level, Level::Warning);
        assert_eq!(report.metrics["kb_bytes"].limit, None);
        assert_eq!(report.alerts().map(|m| m.metric).collect::<Vec<_>>(), [Metric::LlmTokens, Metric::Sms]);
        assert_eq!(report.paused, Paused::default());
        let full = UsageReport::new(&limits, "2026-03".into(), Counts { sms: 4, ..counts });
        assert!(full.paused.texts.is_some() && full.paused.calls.is_none());
        let json = serde_json::to_value(&full).unwrap();
        assert_eq!(json["metrics"]["sms"]["percent"], 100);
        assert_eq!(json["metrics"]["calls"]["limit"], 20);
        assert_eq!((json["plan"].as_str(), json["history_days"].as_u64()), (Some("free"), Some(30)));
    }

    #[test]
    fn alert_emails_say_what_is_paused_and_what_is_not() {
        let warn = MetricUsage::new(Metric::Sms, 80, Some(100));
        let (subject, text) = alert_email("Maple", &warn, "2026-03");
        assert_eq!(subject, "Maple: 80% of the monthly SMS and WhatsApp messages used");
        assert!(text.contains("used 80 of 100") && text.contains("Nothing is paused"), "{text}");
        let full = MetricUsage::new(Metric::Sms, 100, Some(100));
        let (subject, text) = alert_email("Maple", &full, "2026-03");
        assert!(subject.ends_with("is reached"));
        assert!(text.contains("still stored and answered"), "{text}");
        assert_eq!(alert_key("2026-03", Metric::Sms, Level::Warning, "o@x"), "usage:2026-03:sms:80:o@x");
    }
}
