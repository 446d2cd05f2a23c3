//! A server's own settings, and how they turn into detector settings.

use crate::detect;
use std::collections::BTreeSet;
use std::fmt::Display;
use std::ops::RangeInclusive;

/// Allowed values, shared by the config file and `/plancheck settings`.
pub const THRESHOLD: RangeInclusive<f32> = 0.5..=20.0;
pub const WINDOW_MESSAGES: RangeInclusive<usize> = 1..=50;
pub const WINDOW_MINUTES: RangeInclusive<i64> = 1..=1440;
pub const COOLDOWN_MINUTES: RangeInclusive<i64> = 0..=10080;

/// `Ok` when `value` is in `range`, else a message naming the setting and the range.
pub fn check_range<T: PartialOrd + Display>(
    name: &str,
    value: T,
    range: &RangeInclusive<T>,
) -> Result<(), String> {
    if range.contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "{name} = {value} must be between {} and {}",
            range.start(),
            range.end()
        ))
    }
}

/// What an admin set for one server; `None` means "the configured default".
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GuildSettings {
    pub threshold: Option<f32>,
    pub window_messages: Option<usize>,
    pub window_minutes: Option<i64>,
    pub cooldown_minutes: Option<i64>,
    pub use_threads: bool,
    pub disabled_packs: BTreeSet<String>,
    /// How many questions a checklist starts with (None: the configured default).
    pub depth: Option<crate::plan::select::Depth>,
    /// Reminders for quiet plans: the configured default, off, or the server's own period.
    pub reminders: crate::plan::remind::Setting,
    /// The repository `/plan export format:github` opens issues in (None: not set).
    pub github_repo: Option<crate::export::github::Repo>,
}

impl GuildSettings {
    pub fn new() -> GuildSettings {
        GuildSettings {
            use_threads: true,
            ..GuildSettings::default()
        }
    }

    /// Checks every value a server set; the message names the first that is out of range.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(t) = self.threshold {
            check_range("sensitivity", t, &THRESHOLD)?;
        }
        if let Some(w) = self.window_messages {
            check_range("window_messages", w, &WINDOW_MESSAGES)?;
        }
        if let Some(m) = self.window_minutes {
            check_range("window_minutes", m, &WINDOW_MINUTES)?;
        }
        if let Some(c) = self.cooldown_minutes {
            check_range("cooldown_minutes", c, &COOLDOWN_MINUTES)?;
        }
        Ok(())
    }

    /// The detector settings for this server, over the configured defaults.
    pub fn detector(&self, defaults: &detect::Settings) -> detect::Settings {
        detect::Settings {
            threshold: self.threshold.unwrap_or(defaults.threshold),
            window_messages: self.window_messages.unwrap_or(defaults.window_messages),
            window_minutes: self.window_minutes.unwrap_or(defaults.window_minutes),
            cooldown_minutes: self.cooldown_minutes.unwrap_or(defaults.cooldown_minutes),
            disabled_packs: self.disabled_packs.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_settings_name_the_setting_and_the_range() {
        let ok = GuildSettings {
            threshold: Some(20.0),
            cooldown_minutes: Some(0),
            ..GuildSettings::new()
        };
        assert_eq!(ok.validate(), Ok(()));
        let bad = GuildSettings {
            threshold: Some(99.0),
            ..GuildSettings::new()
        };
        assert_eq!(
            bad.validate(),
            Err("sensitivity = 99 must be between 0.5 and 20".to_string())
        );
        let nan = GuildSettings {
            threshold: Some(f32::NAN),
            ..GuildSettings::new()
        };
        assert!(nan.validate().is_err());
        let bad = GuildSettings {
            window_minutes: Some(0),
            ..GuildSettings::new()
        };
        assert_eq!(
            bad.validate(),
            Err("window_minutes = 0 must be between 1 and 1440".to_string())
        );
    }

    #[test]
    fn unset_values_fall_back_to_the_defaults() {
        let d = detect::Settings::default();
        let g = GuildSettings {
            threshold: Some(5.0),
            ..GuildSettings::new()
        };
        let s = g.detector(&d);
        assert_eq!(s.threshold, 5.0);
        assert_eq!(s.window_messages, d.window_messages);
        assert!(g.use_threads);
    }
}

/// How far feedback moves a server's threshold: each "Not a feature" raises it, each
/// started checklist lowers it, within bounds around the configured default.
pub const RAISE_PER_DISMISSAL: f32 = 0.25;
pub const LOWER_PER_START: f32 = 0.1;
/// Highest calibrated threshold, as a multiple of the default.
pub const MAX_FACTOR: f32 = 2.0;
/// Lowest calibrated threshold, as a multiple of the default.
pub const MIN_FACTOR: f32 = 0.75;
/// Feedback older than this no longer counts.
pub const FEEDBACK_DAYS: i64 = 30;

/// The threshold a server runs at, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    pub threshold: f32,
    pub reason: String,
}

/// Decides a server's threshold from its manual setting or its recent feedback. Pure.
pub fn calibrate(default: f32, manual: Option<f32>, not_feature: u32, started: u32) -> Calibration {
    if let Some(t) = manual {
        return Calibration {
            threshold: t,
            reason: format!("{t:.2}, set by hand with /plancheck settings sensitivity"),
        };
    }
    let raw = RAISE_PER_DISMISSAL * not_feature as f32 - LOWER_PER_START * started as f32;
    let adjustment = raw.clamp(default * (MIN_FACTOR - 1.0), default * (MAX_FACTOR - 1.0));
    let threshold = default + adjustment;
    let why = format!(
        "{} “Not a feature” and {} started checklist(s) in the last {FEEDBACK_DAYS} days",
        not_feature, started
    );
    let reason = if not_feature == 0 && started == 0 {
        format!("{threshold:.2}, the default (no feedback in the last {FEEDBACK_DAYS} days)")
    } else {
        let bound = if (raw - adjustment).abs() > f32::EPSILON {
            " (at its bound)"
        } else {
            ""
        };
        format!("{threshold:.2} = default {default:.2} {adjustment:+.2}{bound}, from {why}")
    };
    Calibration { threshold, reason }
}

#[cfg(test)]
mod calibration_tests {
    use super::*;

    #[test]
    fn without_feedback_the_default_holds() {
        let c = calibrate(1.5, None, 0, 0);
        assert_eq!(c.threshold, 1.5);
        assert!(c.reason.contains("the default"), "{}", c.reason);
    }

    #[test]
    fn dismissals_raise_and_started_checklists_lower_the_threshold() {
        assert_eq!(calibrate(1.5, None, 2, 0).threshold, 2.0);
        assert_eq!(calibrate(1.5, None, 2, 5).threshold, 1.5);
        let c = calibrate(2.0, None, 0, 1);
        assert!((c.threshold - 1.9).abs() < 1e-6);
        assert!(
            c.reason.contains("0 “Not a feature” and 1 started"),
            "{}",
            c.reason
        );
    }

    #[test]
    fn calibration_stays_within_bounds_and_says_so() {
        let high = calibrate(1.5, None, 100, 0);
        assert_eq!(high.threshold, 1.5 * MAX_FACTOR);
        assert!(high.reason.contains("at its bound"), "{}", high.reason);
        let low = calibrate(1.5, None, 0, 100);
        assert_eq!(low.threshold, 1.5 * MIN_FACTOR);
    }

    #[test]
    fn a_manual_sensitivity_wins_over_feedback() {
        let c = calibrate(1.5, Some(4.0), 10, 0);
        assert_eq!(c.threshold, 4.0);
        assert!(c.reason.contains("set by hand"));
    }
}
