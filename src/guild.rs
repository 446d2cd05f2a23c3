//! A server's own settings, and how they turn into detector settings.

use crate::detect;
use std::collections::BTreeSet;

/// What an admin set for one server; `None` means "the configured default".
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GuildSettings {
    pub threshold: Option<f32>,
    pub window_messages: Option<usize>,
    pub window_minutes: Option<i64>,
    pub cooldown_minutes: Option<i64>,
    pub use_threads: bool,
    pub disabled_packs: BTreeSet<String>,
}

impl GuildSettings {
    pub fn new() -> GuildSettings {
        GuildSettings {
            use_threads: true,
            ..GuildSettings::default()
        }
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
