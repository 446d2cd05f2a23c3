//! Configuration: defaults, then an optional TOML file, then environment variables.
//! The Discord token comes only from the environment or a file, and never prints.

use crate::detect;
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// A secret that never shows in `Debug`, `Display` or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

    /// The secret itself; call only where it is handed to the client.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// SQLite database file.
    pub database: PathBuf,
    /// A folder of the server's own packs (`*.toml`), added to or replacing shipped ones.
    pub packs_dir: Option<PathBuf>,
    /// Log filter (`info`, `plancheck=debug`, …).
    pub log: String,
    pub detection: DetectionConfig,
    pub checklist: ChecklistConfig,
    pub discord: DiscordConfig,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ChecklistConfig {
    /// How many questions a checklist starts with, unless a server or a plan says otherwise.
    pub depth: crate::plan::select::Depth,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DetectionConfig {
    /// A detection-cue file to use instead of the shipped `prompts/detection.toml`.
    pub cues_file: Option<PathBuf>,
    pub threshold: f32,
    pub window_messages: usize,
    pub window_minutes: i64,
    pub cooldown_minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct DiscordConfig {
    /// A file holding the bot token (instead of `DISCORD_TOKEN`).
    pub token_file: Option<PathBuf>,
    /// Register commands to this server only (instant, for development); else globally.
    pub dev_guild: Option<u64>,
    /// Send all REST calls through this rate-limiting proxy (`http://host:port`).
    pub rest_proxy: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database: PathBuf::from("plancheck.db"),
            packs_dir: None,
            log: "info".into(),
            detection: DetectionConfig::default(),
            checklist: ChecklistConfig::default(),
            discord: DiscordConfig::default(),
        }
    }
}

impl Default for DetectionConfig {
    fn default() -> Self {
        let d = detect::Settings::default();
        DetectionConfig {
            cues_file: None,
            threshold: d.threshold,
            window_messages: d.window_messages,
            window_minutes: d.window_minutes,
            cooldown_minutes: d.cooldown_minutes,
        }
    }
}

/// A configuration problem: where, and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {message}")]
pub struct ConfigError {
    /// `file:line`, `file`, or the environment variable's name.
    pub place: String,
    pub message: String,
}

fn err(place: impl Into<String>, message: impl Into<String>) -> ConfigError {
    ConfigError {
        place: place.into(),
        message: message.into(),
    }
}

/// Environment variables read on top of the file (names in `config.example.toml`).
pub const ENV_KEYS: [&str; 9] = [
    "PLANCHECK_DATABASE",
    "PLANCHECK_PACKS_DIR",
    "PLANCHECK_LOG",
    "PLANCHECK_THRESHOLD",
    "PLANCHECK_WINDOW_MESSAGES",
    "PLANCHECK_COOLDOWN_MINUTES",
    "PLANCHECK_DEV_GUILD",
    "PLANCHECK_REST_PROXY",
    "PLANCHECK_DEPTH",
];

impl Config {
    /// Parses a config file's text; errors name `file:line` and the key.
    pub fn parse(file: &str, src: &str) -> Result<Config, ConfigError> {
        let cfg: Config = toml::from_str(src).map_err(|e| {
            let place = match e.span() {
                Some(s) => format!("{file}:{}", crate::packs::line_of(src, s.start)),
                None => file.to_string(),
            };
            err(place, crate::packs::toml_message(src, &e))
        })?;
        cfg.validate(file)?;
        Ok(cfg)
    }

    /// Loads `path` if given (it must exist), else defaults; then applies `env`.
    pub fn load(
        path: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let mut cfg = match path {
            Some(p) => {
                let name = p.display().to_string();
                let src = std::fs::read_to_string(p)
                    .map_err(|e| err(&name, format!("cannot read: {e}")))?;
                Config::parse(&name, &src)?
            }
            None => Config::default(),
        };
        cfg.apply_env(&env)?;
        cfg.validate("environment")?;
        Ok(cfg)
    }

    fn apply_env(&mut self, env: &impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        fn num<T: std::str::FromStr>(key: &str, v: &str) -> Result<T, ConfigError> {
            v.trim()
                .parse()
                .map_err(|_| err(key, format!("'{v}' is not a valid number")))
        }
        for key in ENV_KEYS {
            let Some(v) = env(key).filter(|v| !v.is_empty()) else {
                continue;
            };
            match key {
                "PLANCHECK_DATABASE" => self.database = PathBuf::from(v),
                "PLANCHECK_PACKS_DIR" => self.packs_dir = Some(PathBuf::from(v)),
                "PLANCHECK_LOG" => self.log = v,
                "PLANCHECK_THRESHOLD" => self.detection.threshold = num(key, &v)?,
                "PLANCHECK_WINDOW_MESSAGES" => self.detection.window_messages = num(key, &v)?,
                "PLANCHECK_COOLDOWN_MINUTES" => self.detection.cooldown_minutes = num(key, &v)?,
                "PLANCHECK_DEV_GUILD" => self.discord.dev_guild = Some(num(key, &v)?),
                "PLANCHECK_REST_PROXY" => self.discord.rest_proxy = Some(v),
                "PLANCHECK_DEPTH" => {
                    self.checklist.depth =
                        crate::plan::select::Depth::parse(&v).ok_or_else(|| {
                            err(
                                key,
                                format!("'{v}' is not a depth (quick, standard or thorough)"),
                            )
                        })?
                }
                _ => unreachable!("every ENV_KEYS entry is handled"),
            }
        }
        Ok(())
    }

    fn validate(&self, place: &str) -> Result<(), ConfigError> {
        use crate::guild::{
            COOLDOWN_MINUTES, THRESHOLD, WINDOW_MESSAGES, WINDOW_MINUTES, check_range,
        };
        let d = &self.detection;
        check_range("detection.threshold", d.threshold, &THRESHOLD)
            .and_then(|()| {
                check_range(
                    "detection.window_messages",
                    d.window_messages,
                    &WINDOW_MESSAGES,
                )
            })
            .and_then(|()| {
                check_range(
                    "detection.window_minutes",
                    d.window_minutes,
                    &WINDOW_MINUTES,
                )
            })
            .and_then(|()| {
                check_range(
                    "detection.cooldown_minutes",
                    d.cooldown_minutes,
                    &COOLDOWN_MINUTES,
                )
            })
            .map_err(|m| err(place, m))?;
        if let Some(p) = &self.discord.rest_proxy {
            if !(p.starts_with("http://") || p.starts_with("https://")) || p.len() < 10 {
                return Err(err(
                    place,
                    format!("discord.rest_proxy = '{p}' must be an http:// or https:// address"),
                ));
            }
        }
        if self.database.as_os_str().is_empty() {
            return Err(err(place, "database must not be empty"));
        }
        Ok(())
    }

    /// The detector defaults this config sets.
    pub fn detector_defaults(&self) -> detect::Settings {
        detect::Settings {
            threshold: self.detection.threshold,
            window_messages: self.detection.window_messages,
            window_minutes: self.detection.window_minutes,
            cooldown_minutes: self.detection.cooldown_minutes,
            disabled_packs: Default::default(),
        }
    }

    /// The bot token: `DISCORD_TOKEN`, else the file in `discord.token_file`.
    pub fn token(&self, env: impl Fn(&str) -> Option<String>) -> Result<Secret, ConfigError> {
        if let Some(t) = env("DISCORD_TOKEN")
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
        {
            return Ok(Secret(t));
        }
        if let Some(path) = &self.discord.token_file {
            let name = path.display().to_string();
            let t = std::fs::read_to_string(path)
                .map_err(|e| err(&name, format!("cannot read the token file: {e}")))?;
            let t = t.trim();
            if t.is_empty() {
                return Err(err(&name, "the token file is empty"));
            }
            return Ok(Secret(t.to_string()));
        }
        Err(err(
            "DISCORD_TOKEN",
            "no bot token: set DISCORD_TOKEN, or discord.token_file in the config (see README, 'The Discord bot')",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn the_example_config_parses_and_equals_the_defaults() {
        let src = include_str!("../config.example.toml");
        let cfg = Config::parse("config.example.toml", src).unwrap();
        assert_eq!(cfg.detection, DetectionConfig::default());
        assert_eq!(cfg.database, PathBuf::from("plancheck.db"));
    }

    #[test]
    fn an_unknown_key_names_file_and_line() {
        let e =
            Config::parse("c.toml", "log = \"info\"\n[detection]\nthreshhold = 2.0\n").unwrap_err();
        assert_eq!(e.place, "c.toml:3");
        assert!(e.message.contains("threshhold"), "{}", e.message);
    }

    #[test]
    fn a_control_character_in_a_comment_gets_a_message() {
        let e = Config::parse("c.toml", "log = \"info\"\n# note\u{7f}\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.toml:2: control character U+007F is not allowed here"
        );
    }

    #[test]
    fn a_wrong_type_names_file_and_line() {
        let e = Config::parse("c.toml", "\n[detection]\nwindow_minutes = \"ten\"\n").unwrap_err();
        assert_eq!(e.place, "c.toml:3");
    }

    #[test]
    fn out_of_range_values_are_rejected() {
        let e = Config::parse("c.toml", "[detection]\nthreshold = -1\n").unwrap_err();
        assert!(e.to_string().contains("detection.threshold = -1"), "{e}");
        let e = Config::parse("c.toml", "[discord]\nrest_proxy = \"ftp://x\"\n").unwrap_err();
        assert!(e.to_string().contains("rest_proxy"), "{e}");
    }

    #[test]
    fn the_environment_overrides_the_file() {
        let env = |k: &str| match k {
            "PLANCHECK_THRESHOLD" => Some("4.5".to_string()),
            "PLANCHECK_DATABASE" => Some("/tmp/x.db".to_string()),
            _ => None,
        };
        let cfg = Config::load(None, env).unwrap();
        assert_eq!(cfg.detection.threshold, 4.5);
        assert_eq!(cfg.database, PathBuf::from("/tmp/x.db"));
        let bad = |k: &str| (k == "PLANCHECK_THRESHOLD").then(|| "high".to_string());
        let e = Config::load(None, bad).unwrap_err();
        assert_eq!(e.place, "PLANCHECK_THRESHOLD");
    }

    #[test]
    fn the_token_never_prints_and_its_absence_is_explained() {
        let s = Secret::new("abc.def.ghi");
        assert_eq!(format!("{s:?} {s}"), "Secret(***) ***");
        let cfg = Config::default();
        let e = cfg.token(no_env).unwrap_err();
        assert!(e.to_string().contains("DISCORD_TOKEN"));
        let t = cfg
            .token(|k| (k == "DISCORD_TOKEN").then(|| " sekrit.value \n".to_string()))
            .unwrap();
        assert_eq!(t.expose(), "sekrit.value");
        assert!(!format!("{t:?}{t}").contains("sekrit"));
    }

    #[test]
    fn a_missing_config_file_is_an_error_not_a_default() {
        let e = Config::load(Some(Path::new("/nonexistent/plancheck.toml")), no_env).unwrap_err();
        assert!(e.place.contains("/nonexistent/plancheck.toml"));
    }
}
