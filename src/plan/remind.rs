//! Reminders for open plans: whether a quiet plan with open critical questions is due its
//! one reminder now, and if not, when. Pure: plain times and settings in, a decision out.
//!
//! A plan's *quiet period* starts at its last answer, skip or reopen (or its creation). A
//! plan gets at most one reminder per quiet period, `after` into it, at the first moment
//! within the allowed hours and weekdays in the configured time zone, and not before a
//! snooze ends. Closed and ready plans get none.

use super::{Plan, PlanQuestion, Status};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use std::fmt;
use std::str::FromStr;

/// Shortest and longest `after`.
pub const MIN_AFTER: Duration = Duration::seconds(1);
pub const MAX_AFTER: Duration = Duration::days(365);
/// `/plan snooze` without a number of days.
pub const SNOOZE_DAYS: u32 = 3;
/// Longest snooze, in days.
pub const MAX_SNOOZE_DAYS: u32 = 90;
/// Open critical questions a reminder names; the rest are counted.
pub const NAMED: usize = 5;
/// Longest question text a reminder shows (it stays well within Discord's 2000).
pub const QUESTION_CHARS: usize = 200;

/// A quiet period's length: `2d`, `36h`, `90m`, `1h30m`, `1s` (units `w`, `d`, `h`, `m`,
/// `s`; at least 1 s, at most 365 days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct After(pub Duration);

impl FromStr for After {
    type Err = String;

    fn from_str(s: &str) -> Result<After, String> {
        let bad = || {
            format!(
                "'{s}' is not a duration; write a number and a unit (w, d, h, m, s), e.g. \"2d\", \"36h\", \"90m\", \"1h30m\""
            )
        };
        let mut total = Duration::zero();
        let mut digits = String::new();
        let mut units = 0;
        for c in s.trim().chars() {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            if c.is_whitespace() && digits.is_empty() {
                continue;
            }
            let n: i64 = digits.parse().map_err(|_| bad())?;
            digits.clear();
            let unit = match c {
                'w' => Duration::try_weeks(n),
                'd' => Duration::try_days(n),
                'h' => Duration::try_hours(n),
                'm' => Duration::try_minutes(n),
                's' => Duration::try_seconds(n),
                _ => None,
            };
            total = unit.and_then(|u| total.checked_add(&u)).ok_or_else(bad)?;
            units += 1;
        }
        if !digits.is_empty() || units == 0 {
            return Err(bad());
        }
        if total < MIN_AFTER || total > MAX_AFTER {
            return Err(format!(
                "'{s}' must be between 1s and 365d (a quiet period before a reminder)"
            ));
        }
        Ok(After(total))
    }
}

impl fmt::Display for After {
    /// The shortest form that reads back the same: `2d`, `1h30m`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut left = self.0.num_seconds();
        for (unit, secs) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
            if left >= secs {
                write!(f, "{}{unit}", left / secs)?;
                left %= secs;
            }
        }
        Ok(())
    }
}

impl After {
    /// In words, for a reminder: `2 days`, `1 day 12 hours`, `1 second`.
    pub fn words(&self) -> String {
        let mut left = self.0.num_seconds();
        let mut out = Vec::new();
        for (unit, secs) in [
            ("day", 86_400),
            ("hour", 3_600),
            ("minute", 60),
            ("second", 1),
        ] {
            if left >= secs {
                let n = left / secs;
                out.push(format!("{n} {unit}{}", if n == 1 { "" } else { "s" }));
                left %= secs;
            }
        }
        out.join(" ")
    }
}

/// Local times of day reminders may be sent: `09:00-18:00` (start included, end not;
/// `00:00-24:00` for all day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hours {
    /// Minutes after midnight.
    start: u32,
    end: u32,
}

impl FromStr for Hours {
    type Err = String;

    fn from_str(s: &str) -> Result<Hours, String> {
        let bad = || format!("'{s}' is not a range of hours; write \"09:00-18:00\"");
        let (a, b) = s.split_once('-').ok_or_else(bad)?;
        let minutes = |t: &str| -> Option<u32> {
            let (h, m) = t.trim().split_once(':')?;
            let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
            (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
        };
        let (start, end) = (minutes(a).ok_or_else(bad)?, minutes(b).ok_or_else(bad)?);
        if start >= end {
            return Err(format!(
                "'{s}' must start before it ends, within one day (\"00:00-24:00\" is all day)"
            ));
        }
        Ok(Hours { start, end })
    }
}

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (s, e) = (self.start, self.end);
        write!(f, "{:02}:{:02}-{:02}:{:02}", s / 60, s % 60, e / 60, e % 60)
    }
}

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const FULL_DAY_NAMES: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Weekdays reminders may be sent: `mon-fri`, `mon,wed,fri`, `fri-mon`, `mon-sun`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Days([bool; 7]);

impl FromStr for Days {
    type Err = String;

    fn from_str(s: &str) -> Result<Days, String> {
        let day = |d: &str| {
            let d = d.trim().to_ascii_lowercase();
            (0..7)
                .find(|&i| DAY_NAMES[i] == d || FULL_DAY_NAMES[i] == d)
                .ok_or_else(|| {
                    format!(
                        "'{s}': '{d}' is not a weekday; write e.g. \"mon-fri\" or \"mon,wed,fri\""
                    )
                })
        };
        let mut days = [false; 7];
        for part in s.split(',') {
            match part.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (day(a)?, day(b)?);
                    let mut i = a;
                    loop {
                        days[i] = true;
                        if i == b {
                            break;
                        }
                        i = (i + 1) % 7;
                    }
                }
                None => days[day(part)?] = true,
            }
        }
        Ok(Days(days))
    }
}

impl fmt::Display for Days {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let on: Vec<&str> = (0..7)
            .filter(|i| self.0[*i])
            .map(|i| DAY_NAMES[i])
            .collect();
        f.write_str(&on.join(","))
    }
}

impl Days {
    fn allows(&self, date: NaiveDate) -> bool {
        self.0[date.weekday().num_days_from_monday() as usize]
    }
}

/// When reminders may go out: the quiet period, hours and weekdays in a time zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pub after: After,
    pub hours: Hours,
    pub days: Days,
    pub timezone: Tz,
}

impl Default for Schedule {
    fn default() -> Schedule {
        Schedule {
            after: After(Duration::days(2)),
            hours: Hours {
                start: 9 * 60,
                end: 18 * 60,
            },
            days: "mon-fri".parse().expect("valid"),
            timezone: Tz::UTC,
        }
    }
}

/// A time zone by its IANA name (`Europe/Berlin`, `UTC`).
pub fn parse_timezone(s: &str) -> Result<Tz, String> {
    s.trim().parse().map_err(|_| {
        format!("'{s}' is not an IANA time zone name; write e.g. \"Europe/Berlin\" or \"UTC\"")
    })
}

impl Schedule {
    /// The first moment at or after `t` within the allowed hours and weekdays.
    pub fn next_allowed(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        let date = t.with_timezone(&self.timezone).date_naive();
        for offset in 0..8 {
            let Some(day) = date.checked_add_days(chrono::Days::new(offset)) else {
                break;
            };
            if !self.days.allows(day) {
                continue;
            }
            let start = self.instant(day, self.hours.start);
            let end = self.instant(day, self.hours.end);
            if t < start {
                return start;
            }
            if t < end {
                return t;
            }
        }
        // Unreachable with at least one weekday; never earlier than `t`.
        t
    }

    /// `minutes` after midnight of `day` in the time zone, as an instant. A time a DST
    /// change skips becomes the first moment after the gap; one it repeats, the first.
    fn instant(&self, day: NaiveDate, minutes: u32) -> DateTime<Utc> {
        let midnight = NaiveDateTime::new(day, NaiveTime::MIN);
        let mut local = midnight + Duration::minutes(i64::from(minutes));
        for _ in 0..=24 * 60 {
            if let Some(t) = self.timezone.from_local_datetime(&local).earliest() {
                return t.with_timezone(&Utc);
            }
            local += Duration::minutes(1);
        }
        Utc.from_utc_datetime(&local)
    }
}

/// What a server set: the configured default, off, or its own quiet period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Setting {
    #[default]
    Default,
    Off,
    After(After),
}

impl FromStr for Setting {
    type Err = String;

    /// `off`, `on` or `default` (the configured quiet period), or a duration (`2d`).
    fn from_str(s: &str) -> Result<Setting, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" | "false" | "no" => Ok(Setting::Off),
            "default" | "on" => Ok(Setting::Default),
            other => other
                .parse()
                .map(Setting::After)
                .map_err(|e| format!("reminders: {e}, or \"off\", or \"default\"")),
        }
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Setting::Default => f.write_str("default"),
            Setting::Off => f.write_str("off"),
            Setting::After(a) => write!(f, "{a}"),
        }
    }
}

impl Setting {
    /// The quiet period in force: the server's, else the configured one when reminders are
    /// enabled; None: no reminders.
    pub fn after(self, enabled: bool, configured: After) -> Option<After> {
        match self {
            Setting::Off => None,
            Setting::After(a) => Some(a),
            Setting::Default => enabled.then_some(configured),
        }
    }
}

/// One plan, as the decision sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Quiet {
    pub open: bool,
    /// Every critical question answered or skipped.
    pub ready: bool,
    /// The start of the current quiet period: the last answer, skip or reopen, or the
    /// plan's creation.
    pub since: DateTime<Utc>,
    /// The quiet period the last reminder was sent for.
    pub reminded_for: Option<DateTime<Utc>>,
    pub snoozed_until: Option<DateTime<Utc>>,
}

impl Quiet {
    pub fn of(
        plan: &Plan,
        reminded_for: Option<DateTime<Utc>>,
        snoozed_until: Option<DateTime<Utc>>,
    ) -> Quiet {
        let last = plan.events.iter().map(|e| e.at).max();
        Quiet {
            open: plan.status == Status::Open,
            ready: plan.is_ready(),
            since: last.map_or(plan.created_at, |l| l.max(plan.created_at)),
            reminded_for,
            snoozed_until,
        }
    }
}

/// Whether a plan is due a reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Not for this quiet period (closed, ready, off, or already reminded).
    Never,
    /// Due now, for the quiet period that started at `period`.
    Now { period: DateTime<Utc> },
    /// Not yet: at this moment, unless something changes first.
    At(DateTime<Utc>),
}

/// Decides whether the plan `q` is due a reminder at `now`, with quiet period `after`
/// (None: reminders off) and the schedule's hours, weekdays and time zone.
pub fn due(schedule: &Schedule, after: Option<After>, q: &Quiet, now: DateTime<Utc>) -> Due {
    let Some(after) = after else {
        return Due::Never;
    };
    if !q.open || q.ready || q.reminded_for == Some(q.since) {
        return Due::Never;
    }
    let Some(mut earliest) = q.since.checked_add_signed(after.0) else {
        return Due::Never;
    };
    if let Some(s) = q.snoozed_until {
        earliest = earliest.max(s);
    }
    let at = schedule.next_allowed(earliest);
    if at <= now {
        Due::Now { period: q.since }
    } else {
        Due::At(at)
    }
}

/// The reminder posted in a plan's thread: how long it has been quiet, and the open
/// critical questions (the first [`NAMED`], the rest counted). Well within 2000 characters.
pub fn text(plan: &Plan, after: After) -> String {
    let open: Vec<&PlanQuestion> = plan.critical_open();
    let n = open.len();
    let (are, s) = if n == 1 { ("is", "") } else { ("are", "s") };
    let mut out = format!(
        "⏰ No answers in “{}” for {}, and {n} critical question{s} {are} still open:\n",
        cut(&plan.title, 100),
        after.words()
    );
    for q in open.iter().take(NAMED) {
        out.push_str(&format!(
            "• Q{} {}\n",
            q.number,
            cut(&q.text, QUESTION_CHARS)
        ));
    }
    if n > NAMED {
        out.push_str(&format!("• … and {} more\n", n - NAMED));
    }
    out.push_str(
        "Answer with `/plan answer`, skip with a reason with `/plan skip`, or pause these with `/plan snooze`.",
    );
    out
}

/// `s` cut to `max` characters, marking the cut.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        s.chars().take(max - 1).collect::<String>() + "…"
    }
}

#[cfg(test)]
mod tests;
