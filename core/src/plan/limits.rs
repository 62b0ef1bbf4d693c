//! The plans (Free, Professional, Enterprise) and a tenant's own limits: the plan's defaults
//! with any per-limit override from `settings.plan`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanName {
    /// A new tenant's plan until someone chooses another.
    #[default]
    Free,
    Professional,
    Enterprise,
}

impl PlanName {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanName::Free => "free",
            PlanName::Professional => "professional",
            PlanName::Enterprise => "enterprise",
        }
    }
}

/// A limit in settings: a number, or `"unlimited"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Cap {
    Count(u64),
    Word(Unlimited),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unlimited {
    Unlimited,
}

impl Cap {
    fn limit(self) -> Option<u64> {
        match self {
            Cap::Count(n) => Some(n),
            Cap::Word(Unlimited::Unlimited) => None,
        }
    }
}

/// `settings.plan`: the plan, and any of its limits set otherwise for this tenant.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanSettings {
    #[serde(default)]
    pub name: PlanName,
    /// SMS and WhatsApp messages sent per month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms: Option<Cap>,
    /// Calls (answered or placed) per month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calls: Option<Cap>,
    /// Call minutes per month (no plan caps them by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_minutes: Option<Cap>,
    /// Knowledge-base size in bytes of chunk text (no plan caps it by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kb_bytes: Option<Cap>,
    /// Days of messages, calls and transcripts kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_days: Option<Cap>,
}

/// `settings.retention`: what is kept beyond the defaults.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionSettings {
    /// Keep call transcripts (the voice thread's messages) for the plan's whole history;
    /// off = [`TRANSCRIPT_DAYS`] at most.
    #[serde(default)]
    pub keep_transcripts: bool,
}

impl RetentionSettings {
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// Transcripts are personal data of a kind most businesses do not need for long: kept as long
/// as recordings unless the tenant opts in.
pub const TRANSCRIPT_DAYS: u64 = 30;

/// What a tenant may use per month; `None` = unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limits {
    pub plan: PlanName,
    pub sms: Option<u64>,
    pub calls: Option<u64>,
    pub call_minutes: Option<u64>,
    /// The LLM's monthly token budget: `settings.llm.monthly_token_budget`, where it already lived.
    pub llm_tokens: Option<u64>,
    pub kb_bytes: Option<u64>,
    pub history_days: Option<u64>,
}

impl Limits {
    /// A plan's defaults.
    pub fn of(plan: PlanName) -> Self {
        let (sms, calls, history_days) = match plan {
            PlanName::Free => (Some(100), Some(20), Some(30)),
            PlanName::Professional => (Some(1_000), Some(200), Some(365)),
            PlanName::Enterprise => (None, None, None),
        };
        Limits { plan, sms, calls, call_minutes: None, llm_tokens: None, kb_bytes: None, history_days }
    }

    /// The tenant's limits: its plan (Free when none is set) with its overrides.
    pub fn for_tenant(plan: Option<&PlanSettings>, llm_budget: Option<u64>) -> Self {
        let plan = plan.cloned().unwrap_or_default();
        let base = Self::of(plan.name);
        let pick = |cap: Option<Cap>, default: Option<u64>| cap.map_or(default, Cap::limit);
        Limits {
            plan: plan.name,
            sms: pick(plan.sms, base.sms),
            calls: pick(plan.calls, base.calls),
            call_minutes: pick(plan.call_minutes, base.call_minutes),
            llm_tokens: llm_budget,
            kb_bytes: pick(plan.kb_bytes, base.kb_bytes),
            history_days: pick(plan.history_days, base.history_days),
        }
    }

    /// How many days of transcripts are kept: the history, capped at [`TRANSCRIPT_DAYS`]
    /// unless the tenant opted in.
    pub fn transcript_days(&self, retention: RetentionSettings) -> Option<u64> {
        if retention.keep_transcripts {
            self.history_days
        } else {
            Some(self.history_days.map_or(TRANSCRIPT_DAYS, |days| days.min(TRANSCRIPT_DAYS)))
        }
    }
}

impl PlanSettings {
    pub fn validate(&self) -> Vec<String> {
        match self.history_days {
            Some(Cap::Count(0)) => vec!["plan.history_days: at least 1 (or \"unlimited\")".to_owned()],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_plans_have_their_published_limits() {
        let free = Limits::of(PlanName::Free);
        assert_eq!((free.sms, free.calls, free.history_days), (Some(100), Some(20), Some(30)));
        let pro = Limits::of(PlanName::Professional);
        assert_eq!((pro.sms, pro.calls, pro.history_days), (Some(1000), Some(200), Some(365)));
        let ent = Limits::of(PlanName::Enterprise);
        assert_eq!((ent.sms, ent.calls, ent.history_days, ent.kb_bytes), (None, None, None, None));
    }

    #[test]
    fn no_plan_is_free_and_overrides_win_over_the_plan() {
        assert_eq!(Limits::for_tenant(None, None), Limits::of(PlanName::Free));
        let plan: PlanSettings =
            serde_json::from_str(r#"{"name":"professional","sms":5,"calls":"unlimited","kb_bytes":1000}"#).unwrap();
        let limits = Limits::for_tenant(Some(&plan), Some(50_000));
        assert_eq!(limits.plan, PlanName::Professional);
        assert_eq!((limits.sms, limits.calls, limits.kb_bytes), (Some(5), None, Some(1000)));
        assert_eq!((limits.history_days, limits.llm_tokens), (Some(365), Some(50_000)));
    }

    #[test]
    fn bad_plans_are_refused() {
        for bad in [r#"{"name":"gold"}"#, r#"{"sms":-1}"#, r#"{"sms":"lots"}"#, r#"{"seats":3}"#] {
            assert!(serde_json::from_str::<PlanSettings>(bad).is_err(), "{bad}");
        }
        let zero: PlanSettings = serde_json::from_str(r#"{"history_days":0}"#).unwrap();
        assert_eq!(zero.validate().len(), 1);
        let round_trip =
            serde_json::to_value(PlanSettings { sms: Some(Cap::Word(Unlimited::Unlimited)), ..Default::default() });
        assert_eq!(round_trip.unwrap(), serde_json::json!({"name": "free", "sms": "unlimited"}));
    }

    #[test]
    fn transcripts_are_kept_thirty_days_unless_opted_in() {
        let pro = Limits::of(PlanName::Professional);
        assert_eq!(pro.transcript_days(RetentionSettings::default()), Some(30));
        assert_eq!(pro.transcript_days(RetentionSettings { keep_transcripts: true }), Some(365));
        let ent = Limits::of(PlanName::Enterprise);
        assert_eq!(ent.transcript_days(RetentionSettings::default()), Some(30));
        assert_eq!(ent.transcript_days(RetentionSettings { keep_transcripts: true }), None);
        let mut short = Limits::of(PlanName::Free);
        short.history_days = Some(7);
        assert_eq!(short.transcript_days(RetentionSettings::default()), Some(7));
    }
}
