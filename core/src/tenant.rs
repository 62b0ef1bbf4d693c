//! A tenant's business profile: opening hours in its own timezone and what to tell callers.
//!
//! Timezone arithmetic is done by the platform (the Worker asks the JS `Intl` API, which has
//! the full tz database at no wasm-size cost) and arrives here as a [`LocalTime`].

use crate::brain::tone::{ChannelStyle, Tone};
use crate::brain::understand::CivilDate;
use crate::channel::meta::TemplateSetting;
use crate::channel::Channel;
use crate::lead::Question;
use crate::llm::LlmSettings;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// `tenants.settings` (JSON), written only through [`Settings::validate`]; unknown fields are
/// refused so a typo in `PUT /api/v1/settings` is an error, not a silently ignored setting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Opening hours per weekday key (`mon`..`sun`) as `["HH:MM", "HH:MM"]`; missing = closed.
    #[serde(default)]
    pub hours: BTreeMap<String, [String; 2]>,
    /// What the caller should do next, said in the first reply.
    #[serde(default)]
    pub next_step: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    /// The industry template (`letting_agent`, `vacation_rental`, `clinic_salon`, `hotel`):
    /// how ambiguous requests read ("book" = a viewing, a stay or an appointment).
    #[serde(default)]
    pub template: Option<String>,
    /// Who is paged, by SMS and email, when a message is an emergency — at any hour.
    #[serde(default)]
    pub on_call: Vec<crate::escalation::OnCall>,
    /// Dates (`YYYY-MM-DD`, local) the business is closed all day, whatever `hours` says.
    #[serde(default)]
    pub holidays: Vec<String>,
    /// The personality preset: `standard`, `luxury_concierge`, `fast_direct`, `friendly_casual`.
    #[serde(default)]
    pub tone: Tone,
    /// Per-channel style over the defaults (SMS concise, WhatsApp casual, email formal).
    #[serde(default)]
    pub channel_tone: BTreeMap<Channel, ChannelStyle>,
    /// The qualification questions, asked one at a time; `None` = the template's defaults.
    #[serde(default)]
    pub qualification: Option<Vec<Question>>,
    #[serde(default)]
    pub escalation_rules: EscalationRules,
    /// An LLM brain; `None` = the embedded rules brain answers.
    #[serde(default)]
    pub llm: Option<LlmSettings>,
    /// The approved WhatsApp template for replies outside Meta's 24-hour window.
    #[serde(default)]
    pub whatsapp_template: Option<TemplateSetting>,
    /// The tenant's own words in other languages, keyed by ISO 639-1 code (`es`, `fr`, …):
    /// callers writing in one of them hear the next step and questions in it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub texts: BTreeMap<String, LanguageTexts>,
    /// Stay rules and their overrides (`booking::BookingRules`); a listing's own rules win.
    #[serde(default, skip_serializing_if = "is_default")]
    pub booking_rules: crate::booking::BookingRules,
    /// How viewings and appointments are offered: slot length, buffers, notice, staff calendars.
    #[serde(default)]
    pub availability: crate::booking::Availability,
    /// Where a review request after a booking points (`https://…`); none = no review request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_link: Option<String>,
    /// Maintenance tickets: the emergency contractor given to a contact reporting a fault.
    #[serde(default, skip_serializing_if = "crate::tickets::MaintenanceSettings::is_empty")]
    pub maintenance: crate::tickets::MaintenanceSettings,
    /// Follow-up messages for leads who go quiet; `None` = off (`{}` = on with the defaults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<crate::follow_up::FollowUpSettings>,
    /// Escalations posted to the team's Slack channel (`channel::slack`); `None` = not posted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slack: Option<crate::channel::slack::SlackSettings>,
    /// Contacts and their messages synced to HubSpot (`channel::hubspot`); `None` = not synced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hubspot: Option<crate::channel::hubspot::HubSpotSettings>,
    /// Cal.com as the calendar source (`channel::calcom`): its slots restrict what is offered
    /// and bookings are mirrored there; `None` = Frontdesk's own calendar only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calcom: Option<crate::channel::calcom::CalcomSettings>,
    /// How calls are answered (`voice`); `None` = the defaults (ConversationRelay, AI at all hours).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<crate::voice::VoiceSettings>,
    /// The MCP endpoint: which write tools wait for a person's approval (`mcp::approval`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mcp: Option<crate::mcp::approval::McpSettings>,
    /// Human takeover: how long a held conversation's contact may wait for staff.
    #[serde(default, skip_serializing_if = "crate::console::takeover::HandoffSettings::is_default")]
    pub handoff: crate::console::takeover::HandoffSettings,
    /// Named AI personas per role and channel (`console::settings::Persona`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub personas: Vec<crate::console::settings::Persona>,
    /// The tenant's name, logo and colour on the widget and pages; `None` = Frontdesk's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub white_label: Option<crate::console::settings::WhiteLabel>,
    /// The plan and its per-tenant overrides (`plan::PlanSettings`); `None` = Free.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<crate::plan::PlanSettings>,
    /// What is kept beyond the retention defaults (`plan::RetentionSettings`).
    #[serde(default, skip_serializing_if = "crate::plan::RetentionSettings::is_default")]
    pub retention: crate::plan::RetentionSettings,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// A tenant's texts in one language other than its own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageTexts {
    #[serde(default)]
    pub next_step: Option<String>,
    /// The qualification questions in this language (any subset, by field).
    #[serde(default)]
    pub questions: Vec<Question>,
}

/// The languages the receptionist understands and answers in (`brain::phrases`).
pub const LANGUAGES: [&str; 6] = ["en", "es", "fr", "de", "pt", "it"];

/// When a conversation goes to a person besides emergencies and explicit requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EscalationRules {
    /// A lead scoring this or more is handed to the team at once (0–100; 101 = never).
    pub high_value_score: u8,
    /// After this many replies in a row that the receptionist could not place, a person takes
    /// over (0 = never).
    pub repeated_confusion: u8,
    /// Complaints go to a person.
    pub complaints: bool,
    /// A critical escalation nobody acknowledged within this many minutes pages the next
    /// on-call contact (0 = never re-page).
    pub ack_timeout_minutes: u16,
}

/// Ten minutes: long enough for a person on call to see and answer a page, short enough that a
/// gas leak or a flood is never left with nobody on it for long.
pub const DEFAULT_ACK_TIMEOUT_MINUTES: u16 = 10;

impl Default for EscalationRules {
    fn default() -> Self {
        Self {
            high_value_score: crate::lead::DEFAULT_HIGH_VALUE_THRESHOLD,
            repeated_confusion: 2,
            complaints: true,
            ack_timeout_minutes: DEFAULT_ACK_TIMEOUT_MINUTES,
        }
    }
}

/// The industry templates a tenant can start from.
pub const TEMPLATES: [&str; 4] = ["letting_agent", "vacation_rental", "clinic_salon", "hotel"];

/// Free-text settings are said to callers in one message; longer ones would not fit an SMS.
const MAX_TEXT_CHARS: usize = 480;

/// A wall-clock moment in the tenant's timezone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalTime {
    pub date: CivilDate,
    pub minute_of_day: u16,
}

impl LocalTime {
    /// Parses `Intl`'s `en-US` rendering with `hourCycle: "h23"`, e.g. `11/23/2026, 00:14:19`.
    pub fn from_en_us(rendered: &str) -> Option<Self> {
        let (date, time) = rendered.split_once(", ")?;
        let mut d = date.split('/').map(|p| p.trim().parse::<u16>().ok());
        let (month, day, year) = (d.next()??, d.next()??, d.next()??);
        let mut t = time.split(':').map(|p| p.trim().parse::<u16>().ok());
        let (hour, minute) = (t.next()??, t.next()??);
        if hour > 23 || minute > 59 {
            return None;
        }
        let date = CivilDate::new(i32::from(year), u8::try_from(month).ok()?, u8::try_from(day).ok()?)?;
        Some(Self { date, minute_of_day: hour * 60 + minute })
    }

    /// 0 = Monday … 6 = Sunday.
    pub fn weekday(&self) -> u8 {
        self.date.weekday()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenStatus {
    OpenUntil(String),
    /// Closed; reopens on (day name, time), or never if no hours are set.
    Closed(Option<(&'static str, String)>),
}

impl Settings {
    fn span(&self, weekday: u8) -> Option<(u16, u16, &[String; 2])> {
        let span = self.hours.get(WEEKDAYS[weekday as usize % 7])?;
        Some((minutes(&span[0])?, minutes(&span[1])?, span))
    }

    /// Opening hours on a given date: none on a holiday.
    fn span_on(&self, date: CivilDate) -> Option<(u16, u16, &[String; 2])> {
        let iso = date.to_string();
        if self.holidays.contains(&iso) {
            return None;
        }
        self.span(date.weekday())
    }

    /// Every problem with these settings, for a 400 that names them all.
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        for (day, span) in &self.hours {
            if !WEEKDAYS.contains(&day.as_str()) {
                problems.push(format!("hours: `{day}` is not one of mon, tue, wed, thu, fri, sat, sun"));
                continue;
            }
            match (minutes(&span[0]), minutes(&span[1])) {
                (Some(open), Some(close)) if open < close => {}
                (Some(_), Some(_)) => problems.push(format!("hours.{day}: opening must be before closing")),
                _ => problems.push(format!("hours.{day}: times must be HH:MM (00:00 to 24:00)")),
            }
        }
        if let Some(template) = &self.template {
            if !TEMPLATES.contains(&template.as_str()) {
                problems.push(format!("template: `{template}` is not one of {}", TEMPLATES.join(", ")));
            }
        }
        for (field, text) in [("next_step", &self.next_step), ("address", &self.address)] {
            if text.as_ref().is_some_and(|t| t.chars().count() > MAX_TEXT_CHARS) {
                problems.push(format!("{field}: at most {MAX_TEXT_CHARS} characters"));
            }
        }
        problems.extend(self.handoff.validate());
        problems.extend(crate::console::settings::validate_personas(&self.personas));
        problems.extend(self.white_label.iter().flat_map(|w| w.validate()));
        for holiday in &self.holidays {
            if holiday.parse::<CivilDate>().is_err() {
                problems.push(format!("holidays: `{holiday}` is not a YYYY-MM-DD date"));
            }
        }
        if let Some(questions) = &self.qualification {
            problems
                .extend(crate::lead::validate_questions(questions).into_iter().map(|p| format!("qualification: {p}")));
        }
        for (lang, texts) in &self.texts {
            if !LANGUAGES.contains(&lang.as_str()) || lang == "en" {
                problems.push(format!("texts: `{lang}` is not one of {}", LANGUAGES[1..].join(", ")));
            }
            if texts.next_step.as_ref().is_some_and(|t| t.chars().count() > MAX_TEXT_CHARS) {
                problems.push(format!("texts.{lang}.next_step: at most {MAX_TEXT_CHARS} characters"));
            }
            problems.extend(
                crate::lead::validate_questions(&texts.questions).into_iter().map(|p| format!("texts.{lang}: {p}")),
            );
        }
        if let Some(llm) = &self.llm {
            problems.extend(llm.validate().into_iter().map(|p| format!("llm: {p}")));
        }
        if self.escalation_rules.ack_timeout_minutes > 24 * 60 {
            problems.push("escalation_rules.ack_timeout_minutes: 0 (never) to 1440".into());
        }
        if self.escalation_rules.high_value_score > 101 {
            problems.push("escalation_rules.high_value_score: 0 to 100, or 101 for never".into());
        }
        self.booking_rules.validate(&mut problems, "booking_rules");
        self.availability.validate(&mut problems);
        if self.review_link.as_ref().is_some_and(|l| !l.starts_with("https://") || l.contains(char::is_whitespace)) {
            problems.push("review_link: an https:// URL".into());
        }
        if let Some(Err(problem)) = self.whatsapp_template.as_ref().map(TemplateSetting::validate) {
            problems.push(format!("whatsapp_template: {problem}"));
        }
        problems.extend(self.maintenance.validate());
        problems.extend(self.follow_up.iter().flat_map(crate::follow_up::FollowUpSettings::validate));
        problems.extend(self.slack.iter().flat_map(crate::channel::slack::SlackSettings::validate));
        problems.extend(self.hubspot.iter().flat_map(crate::channel::hubspot::HubSpotSettings::validate));
        problems.extend(self.calcom.iter().flat_map(crate::channel::calcom::CalcomSettings::validate));
        problems.extend(self.voice.iter().flat_map(crate::voice::VoiceSettings::validate));
        problems.extend(self.mcp.iter().flat_map(crate::mcp::approval::McpSettings::validate));
        problems.extend(self.plan.iter().flat_map(crate::plan::PlanSettings::validate));
        for (i, person) in self.on_call.iter().enumerate() {
            if person.name.trim().is_empty() {
                problems.push(format!("on_call[{i}].name is empty"));
            }
            if person.phone.is_none() && person.email.is_none() {
                problems.push(format!("on_call[{i}] needs a phone or an email to be paged"));
            }
            if person.email.as_ref().is_some_and(|e| !e.contains('@') || e.contains(char::is_whitespace)) {
                problems.push(format!("on_call[{i}].email is not an email address"));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// The questions this tenant qualifies leads with.
    pub fn questions(&self) -> Vec<Question> {
        self.qualification.clone().unwrap_or_else(|| crate::lead::default_questions(self.template.as_deref()))
    }

    /// The questions as asked in `lang`: the tenant's own (English) ones, or those it wrote in
    /// `lang`, in the order of its own — none when it wrote none in that language.
    pub fn questions_in(&self, lang: &str) -> Vec<Question> {
        let own = self.questions();
        if lang == "en" {
            return own;
        }
        let Some(texts) = self.texts.get(lang) else { return Vec::new() };
        own.iter().filter_map(|q| texts.questions.iter().find(|t| t.field == q.field).cloned()).collect()
    }

    /// The next step as said in `lang`, when the tenant wrote it in that language.
    pub fn next_step_in(&self, lang: &str) -> Option<String> {
        match lang {
            "en" => self.next_step.clone(),
            _ => self.texts.get(lang).and_then(|t| t.next_step.clone()),
        }
    }

    /// The style replies take on `channel`.
    pub fn style_for(&self, channel: Channel) -> Option<ChannelStyle> {
        self.channel_tone.get(&channel).copied().or_else(|| ChannelStyle::default_for(channel))
    }

    /// These settings started over from an industry template: its hours, next step, tone and
    /// qualification questions, keeping the tenant's own address, on-call contacts, holidays, booking settings,
    /// channel styles, escalation rules and LLM. `None` for an unknown template.
    pub fn with_template(&self, name: &str) -> Option<Settings> {
        let (hours, next_step): (&[(&str, &str, &str)], &str) = match name {
            "letting_agent" => (
                &[
                    ("mon", "09:00", "18:00"),
                    ("tue", "09:00", "18:00"),
                    ("wed", "09:00", "18:00"),
                    ("thu", "09:00", "18:00"),
                    ("fri", "09:00", "17:30"),
                    ("sat", "10:00", "14:00"),
                ],
                "Reply with the property you are interested in and a good time for a viewing, and we will confirm it.",
            ),
            "vacation_rental" => (
                &[
                    ("mon", "08:00", "20:00"),
                    ("tue", "08:00", "20:00"),
                    ("wed", "08:00", "20:00"),
                    ("thu", "08:00", "20:00"),
                    ("fri", "08:00", "20:00"),
                    ("sat", "09:00", "17:00"),
                    ("sun", "09:00", "17:00"),
                ],
                "Tell us your dates and party size and we will check availability.",
            ),
            "clinic_salon" => (
                &[
                    ("mon", "09:00", "17:00"),
                    ("tue", "09:00", "17:00"),
                    ("wed", "09:00", "17:00"),
                    ("thu", "09:00", "19:00"),
                    ("fri", "09:00", "17:00"),
                    ("sat", "09:00", "13:00"),
                ],
                "Tell us the treatment you would like and a day and time that suit you, and we will find a slot.",
            ),
            "hotel" => (
                &[
                    ("mon", "00:00", "24:00"),
                    ("tue", "00:00", "24:00"),
                    ("wed", "00:00", "24:00"),
                    ("thu", "00:00", "24:00"),
                    ("fri", "00:00", "24:00"),
                    ("sat", "00:00", "24:00"),
                    ("sun", "00:00", "24:00"),
                ],
                "Tell us your dates and the number of guests and we will check availability.",
            ),
            _ => return None,
        };
        Some(Settings {
            hours: hours
                .iter()
                .map(|(d, open, close)| ((*d).to_owned(), [(*open).to_owned(), (*close).to_owned()]))
                .collect(),
            next_step: Some(next_step.to_owned()),
            template: Some(name.to_owned()),
            address: self.address.clone(),
            on_call: self.on_call.clone(),
            holidays: self.holidays.clone(),
            tone: match name {
                "hotel" => Tone::LuxuryConcierge,
                "vacation_rental" => Tone::FriendlyCasual,
                _ => Tone::Standard,
            },
            channel_tone: self.channel_tone.clone(),
            qualification: Some(crate::lead::default_questions(Some(name))),
            escalation_rules: self.escalation_rules,
            llm: self.llm.clone(),
            whatsapp_template: self.whatsapp_template.clone(),
            texts: self.texts.clone(),
            booking_rules: self.booking_rules.clone(),
            availability: self.availability.clone(),
            review_link: self.review_link.clone(),
            maintenance: self.maintenance.clone(),
            follow_up: self.follow_up.clone(),
            slack: self.slack.clone(),
            hubspot: self.hubspot.clone(),
            calcom: self.calcom.clone(),
            handoff: self.handoff,
            voice: self.voice.clone(),
            mcp: self.mcp.clone(),
            personas: self.personas.clone(),
            white_label: self.white_label.clone(),
            plan: self.plan.clone(),
            retention: self.retention,
        })
    }

    /// `self` as it may replace `stored` through the tenant's own settings API: the plan is what
    /// the business pays for, so only the platform operator changes it (in D1, docs/API.md
    /// "Usage and plans"). Left out, the stored plan is kept; sent back unchanged, fine; changed,
    /// refused with the reason.
    pub fn keep_stored_plan(&mut self, stored: &Settings) -> Result<(), String> {
        match &self.plan {
            None => {
                self.plan = stored.plan.clone();
                Ok(())
            }
            Some(plan) if Some(plan) == stored.plan.as_ref() => Ok(()),
            Some(_) => {
                Err("plan: the plan and its limits are set by the platform operator, not through the settings API"
                    .into())
            }
        }
    }

    /// What this tenant's plan allows per month (the LLM budget where it has always lived).
    pub fn limits(&self) -> crate::plan::Limits {
        crate::plan::Limits::for_tenant(self.plan.as_ref(), self.llm.as_ref().and_then(|l| l.monthly_token_budget))
    }

    /// Whether the business is open at `now`.
    pub fn is_open_at(&self, now: LocalTime) -> bool {
        matches!(self.status_at(now), OpenStatus::OpenUntil(_))
    }

    pub fn status_at(&self, now: LocalTime) -> OpenStatus {
        if let Some((open, close, span)) = self.span_on(now.date) {
            if (open..close).contains(&now.minute_of_day) {
                return OpenStatus::OpenUntil(span[1].clone());
            }
            if now.minute_of_day < open {
                return OpenStatus::Closed(Some(("today", span[0].clone())));
            }
        }
        // Two weeks ahead covers a week of holidays after a closed weekend.
        let next = (1..=14i64).find_map(|ahead| {
            let date = now.date.add_days(ahead);
            let (_, _, span) = self.span_on(date)?;
            let name = if ahead == 1 { "tomorrow" } else { DAY_NAMES[date.weekday() as usize] };
            Some((name, span[0].clone()))
        });
        OpenStatus::Closed(next)
    }

    /// `Mon–Thu 09:00–18:00, Fri 09:00–17:30, Sat 10:00–14:00`: consecutive days with the same
    /// hours are grouped.
    pub fn hours_summary(&self) -> Option<String> {
        let mut groups: Vec<(usize, usize, &[String; 2])> = Vec::new();
        for (day, key) in WEEKDAYS.iter().enumerate() {
            let Some(span) = self.hours.get(*key) else {
                continue;
            };
            match groups.last_mut() {
                Some((_, end, prev)) if *end + 1 == day && *prev == span => *end = day,
                _ => groups.push((day, day, span)),
            }
        }
        if groups.is_empty() {
            return None;
        }
        let parts: Vec<String> = groups
            .iter()
            .map(|(start, end, span)| {
                let days = if start == end {
                    DAY_NAMES[*start].to_owned()
                } else {
                    format!("{}–{}", DAY_NAMES[*start], DAY_NAMES[*end])
                };
                format!("{days} {}–{}", span[0], span[1])
            })
            .collect();
        Some(parts.join(", "))
    }
}

/// `HH:MM` → minutes of the day (24:00 allowed as a closing time).
pub(crate) fn minutes(hhmm: &str) -> Option<u16> {
    let (h, m) = hhmm.split_once(':')?;
    let (h, m) = (h.parse::<u16>().ok()?, m.parse::<u16>().ok()?);
    (h <= 24 && m < 60 && h * 60 + m <= 24 * 60).then_some(h * 60 + m)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn only_the_operator_changes_a_plan() {
        let stored: Settings = serde_json::from_str(r#"{"plan":{"name":"free","sms":5}}"#).unwrap();
        let mut same = stored.clone();
        assert_eq!(same.keep_stored_plan(&stored), Ok(()), "sending the plan back unchanged is fine");
        let mut raised: Settings = serde_json::from_str(r#"{"plan":{"name":"enterprise"}}"#).unwrap();
        assert!(raised.keep_stored_plan(&stored).unwrap_err().contains("platform operator"));
        let mut left_out = Settings { plan: None, ..stored.clone() };
        assert_eq!(left_out.keep_stored_plan(&stored), Ok(()));
        assert_eq!(left_out.plan, stored.plan, "a PUT without the plan keeps it");
    }

    pub fn letting_agent() -> Settings {
        serde_json::from_str(
            r#"{"hours":{"mon":["09:00","18:00"],"tue":["09:00","18:00"],"wed":["09:00","18:00"],
                "thu":["09:00","18:00"],"fri":["09:00","17:30"],"sat":["10:00","14:00"]},
                "next_step":"Reply with the property and a good time for a viewing."}"#,
        )
        .unwrap()
    }

    /// `weekday` 0 = Monday 2026-11-23, at `h:m`.
    pub fn at(weekday: u8, h: u16, m: u16) -> LocalTime {
        let monday = CivilDate { year: 2026, month: 11, day: 23 };
        LocalTime { date: monday.add_days(i64::from(weekday)), minute_of_day: h * 60 + m }
    }

    #[test]
    fn parses_intl_output_into_date_weekday_and_minutes() {
        // 2026-11-23 is a Monday; 2024-02-29 a Thursday; 2000-01-01 a Saturday.
        let t = LocalTime::from_en_us("11/23/2026, 00:14:19").unwrap();
        assert_eq!((t.date, t.weekday(), t.minute_of_day), (CivilDate { year: 2026, month: 11, day: 23 }, 0, 14));
        assert_eq!(LocalTime::from_en_us("2/29/2024, 23:59:00").unwrap().weekday(), 3);
        assert_eq!(LocalTime::from_en_us("1/1/2000, 12:00:00").unwrap().weekday(), 5);
        for bad in ["13/1/2000, 12:00:00", "2/30/2024, 10:00:00", "1/1/2000, 24:00:00", "garbage", ""] {
            assert_eq!(LocalTime::from_en_us(bad), None, "{bad}");
        }
    }

    #[test]
    fn open_until_closing_then_names_the_next_opening() {
        let s = letting_agent();
        assert_eq!(s.status_at(at(0, 9, 0)), OpenStatus::OpenUntil("18:00".into()));
        assert_eq!(s.status_at(at(0, 18, 0)), OpenStatus::Closed(Some(("tomorrow", "09:00".into()))));
        assert_eq!(s.status_at(at(0, 7, 30)), OpenStatus::Closed(Some(("today", "09:00".into()))));
        // Saturday evening → closed Sunday → Monday.
        assert_eq!(s.status_at(at(5, 15, 0)), OpenStatus::Closed(Some(("Mon", "09:00".into()))));
        assert_eq!(Settings::default().status_at(at(0, 12, 0)), OpenStatus::Closed(None));
    }

    #[test]
    fn holidays_close_the_day_and_push_the_next_opening() {
        let mut s = letting_agent();
        s.holidays = vec!["2026-11-24".into(), "2026-11-25".into()]; // Tue, Wed
        assert_eq!(s.status_at(at(1, 10, 0)), OpenStatus::Closed(Some(("Thu", "09:00".into()))));
        assert_eq!(s.status_at(at(0, 20, 0)), OpenStatus::Closed(Some(("Thu", "09:00".into()))));
        assert_eq!(s.status_at(at(3, 10, 0)), OpenStatus::OpenUntil("18:00".into()));
    }

    #[test]
    fn validation_names_every_problem() {
        let bad: Settings = serde_json::from_value(serde_json::json!({
            "hours": {"mon": ["18:00", "09:00"], "funday": ["09:00", "17:00"], "tue": ["9am", "5pm"]},
            "template": "car_wash",
            "holidays": ["25/12/2026"],
            "on_call": [{"name": "", "email": "not-an-email"}, {"name": "Sam"}]
        }))
        .unwrap();
        let problems = bad.validate().unwrap_err();
        assert_eq!(problems.len(), 8, "{problems:#?}");
        assert!(letting_agent().validate().is_ok());
        let typo = serde_json::from_value::<Settings>(serde_json::json!({"hourz": {}}));
        assert!(typo.is_err(), "unknown fields are refused");
        let bad_phone =
            serde_json::from_value::<Settings>(serde_json::json!({"on_call": [{"name": "A", "phone": "0770"}]}));
        assert!(bad_phone.is_err(), "on-call phones must be E.164");
    }

    #[test]
    fn templates_prefill_hours_and_next_step_and_keep_the_tenants_own_data() {
        let mut mine = letting_agent();
        mine.address = Some("1 Quay St".into());
        mine.holidays = vec!["2026-12-25".into()];
        let hotel = mine.with_template("hotel").unwrap();
        assert_eq!(hotel.template.as_deref(), Some("hotel"));
        assert_eq!(hotel.status_at(at(6, 3, 0)), OpenStatus::OpenUntil("24:00".into()), "a hotel desk never closes");
        assert_eq!((hotel.address.as_deref(), hotel.holidays.len()), (Some("1 Quay St"), 1));
        assert!(hotel.validate().is_ok());
        for name in TEMPLATES {
            assert!(mine.with_template(name).unwrap().validate().is_ok(), "{name}");
        }
        assert_eq!(mine.with_template("car_wash"), None);
    }

    #[test]
    fn summarises_hours_grouping_equal_days() {
        assert_eq!(letting_agent().hours_summary().unwrap(), "Mon–Thu 09:00–18:00, Fri 09:00–17:30, Sat 10:00–14:00");
        assert_eq!(Settings::default().hours_summary(), None);
    }
}
