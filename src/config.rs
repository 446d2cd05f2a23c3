//! Configuration in layers (figment): defaults, then an optional TOML file, then
//! environment variables named after the keys. The Discord token comes only from the
//! environment or a file, and never prints.

use crate::detect;
use crate::guild::{COOLDOWN_MINUTES, THRESHOLD, WINDOW_MESSAGES, WINDOW_MINUTES, check_range};
use crate::plan::remind;
use crate::store::Location;
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider, providers::Serialized};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, de::Error as _};
use std::collections::BTreeMap;
use std::fmt;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

/// A secret that never shows in `Debug`, `Display` or logs, and is wiped from memory when
/// dropped (`secrecy`).
pub struct Secret(SecretString);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(SecretString::from(s.into()))
    }

    /// The secret itself; call only where it is handed to the client.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl Clone for Secret {
    fn clone(&self) -> Secret {
        Secret::new(self.expose())
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Secret) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for Secret {}

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// SQLite database file, or a PostgreSQL server's database (`postgres://…`).
    #[serde(deserialize_with = "database", serialize_with = "database_out")]
    pub database: Location,
    /// A folder of the server's own packs (`*.toml`), added to or replacing shipped ones.
    pub packs_dir: Option<PathBuf>,
    /// Log filter (`info`, `plancheck=debug`, …).
    pub log: String,
    pub detection: DetectionConfig,
    pub checklist: ChecklistConfig,
    pub discord: DiscordConfig,
    pub reminders: RemindersConfig,
    pub github: GithubConfig,
    /// Days detections that never became plans (and feedback) are kept; the bot purges
    /// older ones at start and daily.
    #[serde(deserialize_with = "retention_days")]
    pub retention_days: u32,
    pub metrics: MetricsConfig,
}

/// Exporting plans to GitHub issues. The token comes from `GITHUB_TOKEN` or `token_file`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GithubConfig {
    /// A file holding the GitHub token (instead of `GITHUB_TOKEN`).
    pub token_file: Option<PathBuf>,
    /// GitHub's REST API: GitHub Enterprise Server's `https://HOST/api/v3`, or a stand-in.
    #[serde(deserialize_with = "api_url")]
    pub api_url: String,
    /// Labels a new issue gets (from the environment: comma-separated).
    #[serde(deserialize_with = "labels")]
    pub labels: Vec<String>,
}

impl Default for GithubConfig {
    fn default() -> Self {
        GithubConfig {
            token_file: None,
            api_url: "https://api.github.com".into(),
            labels: vec!["planning".into()],
        }
    }
}

/// Longest label name GitHub allows.
pub const MAX_LABEL: usize = 50;

/// `[metrics]`: the Prometheus `/metrics` and `/healthz` endpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// Serve `/metrics` and `/healthz` on this address (`127.0.0.1:9090`); off when unset.
    pub listen: Option<std::net::SocketAddr>,
}

/// Allowed values of `retention_days`: more than the days of feedback calibration reads,
/// so a purge never changes a threshold.
pub const RETENTION_DAYS: RangeInclusive<u32> = (crate::guild::FEEDBACK_DAYS as u32 + 1)..=3650;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ChecklistConfig {
    /// How many questions a checklist starts with, unless a server or a plan says otherwise.
    pub depth: crate::plan::select::Depth,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DetectionConfig {
    /// A detection-cue file to use instead of the shipped `prompts/detection.toml`.
    pub cues_file: Option<PathBuf>,
    #[serde(deserialize_with = "threshold")]
    pub threshold: f32,
    #[serde(deserialize_with = "window_messages")]
    pub window_messages: usize,
    #[serde(deserialize_with = "window_minutes")]
    pub window_minutes: i64,
    #[serde(deserialize_with = "cooldown_minutes")]
    pub cooldown_minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DiscordConfig {
    /// A file holding the bot token (instead of `DISCORD_TOKEN`).
    pub token_file: Option<PathBuf>,
    /// Register commands to this server only (instant, for development); else globally.
    pub dev_guild: Option<u64>,
    /// Send all REST calls through this rate-limiting proxy (`http://host:port`).
    #[serde(deserialize_with = "rest_proxy")]
    pub rest_proxy: Option<String>,
    /// Channels are spread over this many lanes; each handles its messages in order.
    #[serde(deserialize_with = "message_lanes")]
    pub message_lanes: usize,
    /// Messages waiting to be handled, in all lanes, before messages that only feed
    /// detection are shed (answers never are).
    #[serde(deserialize_with = "message_queue")]
    pub message_queue: usize,
    /// The bot's gateway shards in all its processes together (Discord's shard count).
    #[serde(deserialize_with = "shard_count")]
    pub shard_count: u32,
    /// The shards this process runs, `"0-3"` or `"2"`; every shard when unset.
    #[serde(deserialize_with = "shards", serialize_with = "shards_out")]
    pub shards: Option<Shards>,
}

/// A range of gateway shards, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shards {
    pub first: u32,
    pub last: u32,
}

impl fmt::Display for Shards {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}-{}", self.first, self.last)
        }
    }
}

impl std::str::FromStr for Shards {
    type Err = String;

    /// `"0-3"` (shards 0, 1, 2 and 3) or `"2"`.
    fn from_str(s: &str) -> Result<Shards, String> {
        let bad = || {
            format!("discord.shards = '{s}' must be a shard or a range of shards: \"2\", \"0-3\"")
        };
        let number = |n: &str| n.trim().parse::<u32>().map_err(|_| bad());
        let (first, last) = match s.split_once('-') {
            Some((a, b)) => (number(a)?, number(b)?),
            None => (number(s)?, number(s)?),
        };
        if first > last {
            return Err(bad());
        }
        Ok(Shards { first, last })
    }
}

impl DiscordConfig {
    /// The shards this process runs (both ends included) and the shard count.
    pub fn shard_plan(&self) -> (Shards, u32) {
        let all = Shards {
            first: 0,
            last: self.shard_count - 1,
        };
        (self.shards.unwrap_or(all), self.shard_count)
    }

    /// The range must lie within the count.
    fn check_shards(&self) -> Result<(), String> {
        match self.shards {
            Some(s) if s.last >= self.shard_count => Err(format!(
                "discord.shards = '{s}' is outside discord.shard_count = {} (shards are numbered 0 to {})",
                self.shard_count,
                self.shard_count - 1
            )),
            _ => Ok(()),
        }
    }
}

/// Reminders for open plans whose critical questions stay open (see `plan::remind`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RemindersConfig {
    /// On unless set false; a server may still turn them on or off for itself.
    pub enabled: bool,
    /// The quiet period (no answers) before a plan's one reminder: `2d`, `36h`, `90m`, `1s`.
    #[serde(deserialize_with = "reminders_after", serialize_with = "as_text")]
    pub after: remind::After,
    /// Local hours reminders may be sent in: `09:00-18:00`.
    #[serde(deserialize_with = "reminders_hours", serialize_with = "as_text")]
    pub hours: remind::Hours,
    /// Weekdays reminders may be sent on: `mon-fri`.
    #[serde(deserialize_with = "reminders_days", serialize_with = "as_text")]
    pub days: remind::Days,
    /// The IANA time zone of `hours` and `days`: `Europe/Berlin`.
    #[serde(deserialize_with = "reminders_timezone", serialize_with = "as_text")]
    pub timezone: chrono_tz::Tz,
}

impl Default for RemindersConfig {
    fn default() -> Self {
        let s = remind::Schedule::default();
        RemindersConfig {
            enabled: true,
            after: s.after,
            hours: s.hours,
            days: s.days,
            timezone: s.timezone,
        }
    }
}

impl RemindersConfig {
    /// When reminders may go out.
    pub fn schedule(&self) -> remind::Schedule {
        remind::Schedule {
            after: self.after,
            hours: self.hours,
            days: self.days,
            timezone: self.timezone,
        }
    }
}

/// Allowed values of `discord.message_lanes` and `discord.message_queue`.
pub const MESSAGE_LANES: RangeInclusive<usize> = 1..=256;
pub const MESSAGE_QUEUE: RangeInclusive<usize> = 100..=1_000_000;
/// Allowed values of `discord.shard_count`.
pub const SHARD_COUNT: RangeInclusive<u32> = 1..=65_535;

impl Default for DiscordConfig {
    fn default() -> Self {
        DiscordConfig {
            token_file: None,
            dev_guild: None,
            rest_proxy: None,
            message_lanes: 8,
            message_queue: 20_000,
            shard_count: 1,
            shards: None,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database: Location::Sqlite(PathBuf::from("plancheck.db")),
            packs_dir: None,
            log: "info".into(),
            detection: DetectionConfig::default(),
            checklist: ChecklistConfig::default(),
            discord: DiscordConfig::default(),
            reminders: RemindersConfig::default(),
            github: GithubConfig::default(),
            retention_days: 90,
            metrics: MetricsConfig::default(),
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

// Values are checked as they are read, so an error names where the value came from: the
// file and line (the TOML reader's span), or the environment variable.

fn in_range<'de, D, T>(d: D, key: &str, range: &RangeInclusive<T>) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + PartialOrd + fmt::Display + Copy,
{
    let value = T::deserialize(d)?;
    check_range(key, value, range).map_err(D::Error::custom)?;
    Ok(value)
}

fn threshold<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
    in_range(d, "detection.threshold", &THRESHOLD)
}

fn window_messages<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    in_range(d, "detection.window_messages", &WINDOW_MESSAGES)
}

fn window_minutes<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    in_range(d, "detection.window_minutes", &WINDOW_MINUTES)
}

fn cooldown_minutes<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    in_range(d, "detection.cooldown_minutes", &COOLDOWN_MINUTES)
}

fn message_lanes<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    in_range(d, "discord.message_lanes", &MESSAGE_LANES)
}

fn message_queue<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    in_range(d, "discord.message_queue", &MESSAGE_QUEUE)
}

fn shard_count<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    in_range(d, "discord.shard_count", &SHARD_COUNT)
}

fn shards<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Shards>, D::Error> {
    Option::<String>::deserialize(d)?
        .map(|s| s.parse().map_err(D::Error::custom))
        .transpose()
}

fn shards_out<S: serde::Serializer>(v: &Option<Shards>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(r) => s.serialize_some(&r.to_string()),
        None => s.serialize_none(),
    }
}

fn retention_days<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    in_range(d, "retention_days", &RETENTION_DAYS)
}

fn rest_proxy<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let proxy = Option::<String>::deserialize(d)?;
    if let Some(p) = &proxy {
        if !(p.starts_with("http://") || p.starts_with("https://")) || p.len() < 10 {
            return Err(D::Error::custom(format!(
                "discord.rest_proxy = '{p}' must be an http:// or https:// address"
            )));
        }
    }
    Ok(proxy)
}

fn as_text<S: serde::Serializer, T: fmt::Display>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

/// A value written as text and parsed by `parse`; an error names the key.
fn parsed<'de, D, T>(
    d: D,
    key: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let text = String::deserialize(d)?;
    parse(&text).map_err(|e| D::Error::custom(format!("{key} = {e}")))
}

fn reminders_after<'de, D: Deserializer<'de>>(d: D) -> Result<remind::After, D::Error> {
    parsed(d, "reminders.after", str::parse)
}

fn reminders_hours<'de, D: Deserializer<'de>>(d: D) -> Result<remind::Hours, D::Error> {
    parsed(d, "reminders.hours", str::parse)
}

fn reminders_days<'de, D: Deserializer<'de>>(d: D) -> Result<remind::Days, D::Error> {
    parsed(d, "reminders.days", str::parse)
}

fn reminders_timezone<'de, D: Deserializer<'de>>(d: D) -> Result<chrono_tz::Tz, D::Error> {
    parsed(d, "reminders.timezone", remind::parse_timezone)
}

fn api_url<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let url = String::deserialize(d)?;
    if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() < 10 {
        return Err(D::Error::custom(format!(
            "github.api_url = '{url}' must be an http:// or https:// address"
        )));
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// A list of labels, or (from the environment) one string of comma-separated labels.
fn labels<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Labels {
        List(Vec<String>),
        Text(String),
    }
    let list = match Labels::deserialize(d)? {
        Labels::List(l) => l,
        Labels::Text(t) => t.split(',').map(str::to_string).collect(),
    };
    let mut out: Vec<String> = Vec::new();
    for l in list {
        let l = l.trim().to_string();
        if l.is_empty() || l.chars().count() > MAX_LABEL || l.contains(',') {
            return Err(D::Error::custom(format!(
                "github.labels: '{l}' is not a label (1 to {MAX_LABEL} characters, no commas)"
            )));
        }
        if !out.contains(&l) {
            out.push(l);
        }
    }
    Ok(out)
}

fn database<'de, D: Deserializer<'de>>(d: D) -> Result<Location, D::Error> {
    let s = String::deserialize(d)?;
    if s.is_empty() {
        return Err(D::Error::custom("database must not be empty"));
    }
    Location::parse(&s).map_err(D::Error::custom)
}

fn database_out<S: serde::Serializer>(l: &Location, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&l.to_config())
}

/// Where environment variables start.
pub const ENV_PREFIX: &str = "PLANCHECK_";

/// An environment variable that overrides a config key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    /// `PLANCHECK_DETECTION_WINDOW_MINUTES`.
    pub name: String,
    /// `detection.window_minutes`.
    pub key: String,
}

/// The environment variables that override the config: for each key, `PLANCHECK_` and the
/// key with its section in capitals (`PLANCHECK_DETECTION_WINDOW_MINUTES` for `[detection]
/// window_minutes`), and, where no other key has the same name, the short form without
/// the section (`PLANCHECK_WINDOW_MINUTES`, as earlier versions read); the full name wins
/// when both are set. Read off the config's own shape, so a new key needs no list updated.
pub fn env_vars() -> Vec<EnvVar> {
    let Ok(Value::Dict(_, top)) = Value::serialize(Config::default()) else {
        unreachable!("the config serializes to a table");
    };
    let mut keys: Vec<Vec<String>> = Vec::new();
    for (name, value) in &top {
        match value {
            Value::Dict(_, section) => {
                keys.extend(section.keys().map(|k| vec![name.clone(), k.clone()]))
            }
            _ => keys.push(vec![name.clone()]),
        }
    }
    let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
    for key in &keys {
        *uses.entry(key[key.len() - 1].as_str()).or_default() += 1;
    }
    let var = |parts: &[String]| format!("{ENV_PREFIX}{}", parts.join("_").to_uppercase());
    let short = keys
        .iter()
        .filter(|k| k.len() > 1 && uses[k[k.len() - 1].as_str()] == 1)
        .map(|k| EnvVar {
            name: var(&k[k.len() - 1..]),
            key: k.join("."),
        });
    let full = keys.iter().map(|k| EnvVar {
        name: var(k),
        key: k.join("."),
    });
    short.chain(full).collect()
}

/// The environment as a figment layer: the variables of [`env_vars`] that are set and
/// not empty. An error in one names the variable.
struct Environment {
    values: Dict,
    /// The variable each key was read from.
    names: BTreeMap<String, String>,
}

impl Environment {
    fn read(env: &impl Fn(&str) -> Option<String>) -> Environment {
        let mut values = Dict::new();
        let mut names = BTreeMap::new();
        for var in env_vars() {
            let Some(v) = env(&var.name).filter(|v| !v.is_empty()) else {
                continue;
            };
            // Strings as written; figment's lossy reading makes numbers of them where a
            // number is wanted, so `PLANCHECK_DATABASE=2024` stays a file name.
            let mut dict = &mut values;
            let parts: Vec<&str> = var.key.split('.').collect();
            for part in &parts[..parts.len() - 1] {
                let entry = dict
                    .entry(part.to_string())
                    .or_insert_with(|| Value::from(Dict::new()));
                let Value::Dict(_, inner) = entry else {
                    unreachable!("sections are tables");
                };
                dict = inner;
            }
            dict.insert(parts[parts.len() - 1].to_string(), Value::from(v));
            names.insert(var.key, var.name);
        }
        Environment { values, names }
    }
}

impl Provider for Environment {
    fn metadata(&self) -> Metadata {
        let names = self.names.clone();
        Metadata::named("environment").interpolater(move |_, keys: &[&str]| {
            names
                .get(&keys.join("."))
                .cloned()
                .unwrap_or_else(|| "environment".to_string())
        })
    }

    fn data(&self) -> figment::Result<Map<Profile, Dict>> {
        Ok(Profile::Default.collect(self.values.clone()))
    }
}

/// `file:line` of `shards` in the file's `[discord]` table (else the file, or the count's
/// line when only the count is written).
fn shards_place(file: &str, src: &str) -> String {
    let mut section = "";
    let mut found = None;
    for (n, line) in src.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line;
        } else if section == "[discord]" {
            let key = line.split('=').next().unwrap_or("").trim();
            if key == "shards" || (key == "shard_count" && found.is_none()) {
                found = Some(n + 1);
            }
        }
    }
    match found {
        Some(n) => format!("{file}:{n}"),
        None => file.to_string(),
    }
}

fn from_figment(e: figment::Error) -> ConfigError {
    let place = e
        .metadata
        .as_ref()
        .map(|m| m.interpolate(&Profile::Default, &e.path))
        .unwrap_or_else(|| "environment".to_string());
    let message = match &e.kind {
        figment::error::Kind::Message(m) => m.clone(),
        kind => format!("{}: {kind}", e.path.join(".")),
    };
    err(place, message)
}

impl Config {
    /// Parses a config file's text over the defaults; errors name `file:line` and the key.
    pub fn parse(file: &str, src: &str) -> Result<Config, ConfigError> {
        let cfg: Config = toml::from_str(src).map_err(|e| {
            let place = match e.span() {
                Some(s) => format!("{file}:{}", crate::packs::line_of(src, s.start)),
                None => file.to_string(),
            };
            err(place, crate::packs::toml_message(src, &e))
        })?;
        cfg.discord
            .check_shards()
            .map_err(|m| err(shards_place(file, src), m))?;
        Ok(cfg)
    }

    /// Loads `path` if given (it must exist), else defaults; then the environment
    /// variables of [`env_vars`], looked up with `env`.
    pub fn load(
        path: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let file = match path {
            Some(p) => {
                let name = p.display().to_string();
                let src = std::fs::read_to_string(p)
                    .map_err(|e| err(&name, format!("cannot read: {e}")))?;
                Config::parse(&name, &src)?
            }
            None => Config::default(),
        };
        let cfg: Config = Figment::from(Serialized::defaults(file))
            .merge(Environment::read(&env))
            .extract_lossy()
            .map_err(from_figment)?;
        cfg.discord.check_shards().map_err(|m| {
            let var = ["PLANCHECK_DISCORD_SHARDS", "PLANCHECK_SHARDS"]
                .into_iter()
                .find(|v| env(v).is_some_and(|x| !x.is_empty()));
            let place = match (var, path) {
                (Some(v), _) => v.to_string(),
                (None, Some(p)) => {
                    let src = std::fs::read_to_string(p).unwrap_or_default();
                    shards_place(&p.display().to_string(), &src)
                }
                (None, None) => "environment".to_string(),
            };
            err(place, m)
        })?;
        Ok(cfg)
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

    /// The GitHub token: `GITHUB_TOKEN`, else the file in `github.token_file`; none when
    /// neither is set (exports to GitHub then say how to set one).
    pub fn github_token(
        &self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Secret>, ConfigError> {
        if let Some(t) = env("GITHUB_TOKEN")
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
        {
            return Ok(Some(Secret::new(t)));
        }
        let Some(path) = &self.github.token_file else {
            return Ok(None);
        };
        let name = path.display().to_string();
        let t = std::fs::read_to_string(path)
            .map_err(|e| err(&name, format!("cannot read the GitHub token file: {e}")))?;
        let t = t.trim();
        if t.is_empty() {
            return Err(err(&name, "the GitHub token file is empty"));
        }
        Ok(Some(Secret::new(t)))
    }

    /// The bot token: `DISCORD_TOKEN`, else the file in `discord.token_file`.
    pub fn token(&self, env: impl Fn(&str) -> Option<String>) -> Result<Secret, ConfigError> {
        if let Some(t) = env("DISCORD_TOKEN")
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
        {
            return Ok(Secret::new(t));
        }
        if let Some(path) = &self.discord.token_file {
            let name = path.display().to_string();
            let t = std::fs::read_to_string(path)
                .map_err(|e| err(&name, format!("cannot read the token file: {e}")))?;
            let t = t.trim();
            if t.is_empty() {
                return Err(err(&name, "the token file is empty"));
            }
            return Ok(Secret::new(t));
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
        assert_eq!(cfg.discord, DiscordConfig::default());
        assert_eq!(cfg.reminders, RemindersConfig::default());
        assert_eq!(cfg.github, GithubConfig::default());
        assert_eq!(
            cfg.database,
            Location::Sqlite(PathBuf::from("plancheck.db"))
        );
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
    fn out_of_range_values_name_file_and_line() {
        let e = Config::parse("c.toml", "[detection]\nthreshold = -1\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.toml:2: detection.threshold = -1 must be between 0.5 and 20"
        );
        let e = Config::parse(
            "c.toml",
            "log = \"info\"\n\n[detection]\nwindow_messages = 8\nwindow_minutes = 0\n",
        )
        .unwrap_err();
        assert_eq!(e.place, "c.toml:5");
        assert!(e.message.contains("window_minutes = 0"), "{e}");
        let e = Config::parse("c.toml", "[discord]\nmessage_queue = 10\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.toml:2: discord.message_queue = 10 must be between 100 and 1000000"
        );
        let e = Config::parse("c.toml", "[discord]\nrest_proxy = \"ftp://x\"\n").unwrap_err();
        assert_eq!(e.place, "c.toml:2");
        assert!(e.message.contains("rest_proxy"), "{e}");
        let e = Config::parse("c.toml", "retention_days = 30\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.toml:1: retention_days = 30 must be between 31 and 3650"
        );
        let e = Config::parse("c.toml", "[metrics]\nlisten = \"localhost\"\n").unwrap_err();
        assert_eq!(e.place, "c.toml:2");
        let e = Config::parse("c.toml", "\ndatabase = \"\"\n").unwrap_err();
        assert_eq!(e.to_string(), "c.toml:2: database must not be empty");
    }

    #[test]
    fn shard_ranges_are_read_and_checked_against_the_count() {
        let cfg =
            Config::parse("c.toml", "[discord]\nshard_count = 4\nshards = \"2-3\"\n").unwrap();
        assert_eq!(cfg.discord.shard_plan(), (Shards { first: 2, last: 3 }, 4));
        let one = Config::parse("c.toml", "[discord]\nshard_count = 4\nshards = \"1\"\n").unwrap();
        assert_eq!(one.discord.shard_plan(), (Shards { first: 1, last: 1 }, 4));
        // Control: unset, a process runs every shard; the default is one shard.
        let all = Config::parse("c.toml", "[discord]\nshard_count = 4\n").unwrap();
        assert_eq!(all.discord.shard_plan(), (Shards { first: 0, last: 3 }, 4));
        assert_eq!(
            Config::default().discord.shard_plan(),
            (Shards { first: 0, last: 0 }, 1)
        );
        let e = Config::parse("c.toml", "[discord]\nshard_count = 4\n\nshards = \"2-4\"\n")
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.toml:4: discord.shards = '2-4' is outside discord.shard_count = 4 (shards are numbered 0 to 3)"
        );
        let e = Config::parse("c.toml", "[discord]\nshards = \"3-1\"\n").unwrap_err();
        assert_eq!(e.place, "c.toml:2");
        assert!(e.to_string().contains("must be a shard or a range"), "{e}");
        let e = Config::parse("c.toml", "[discord]\nshards = \"a\"\n").unwrap_err();
        assert_eq!(e.place, "c.toml:2");
        let e = Config::parse("c.toml", "[discord]\nshard_count = 0\n").unwrap_err();
        assert_eq!(e.place, "c.toml:2");
        // From the environment: the error names the variable.
        let env = |k: &str| match k {
            "PLANCHECK_DISCORD_SHARD_COUNT" => Some("2".to_string()),
            "PLANCHECK_DISCORD_SHARDS" => Some("1-2".to_string()),
            _ => None,
        };
        let e = Config::load(None, env).unwrap_err();
        assert_eq!(e.place, "PLANCHECK_DISCORD_SHARDS", "{e}");
        let env = |k: &str| match k {
            "PLANCHECK_DISCORD_SHARD_COUNT" => Some("2".to_string()),
            "PLANCHECK_DISCORD_SHARDS" => Some("1".to_string()),
            _ => None,
        };
        let cfg = Config::load(None, env).unwrap();
        assert_eq!(cfg.discord.shard_plan(), (Shards { first: 1, last: 1 }, 2));
    }

    #[test]
    fn a_postgres_url_selects_postgresql_and_anything_else_is_a_sqlite_file() {
        let url = "postgres://bot:secret@db.example:5432/plancheck";
        let cfg = Config::parse("c.toml", &format!("database = \"{url}\"\n")).unwrap();
        assert_eq!(cfg.database, Location::Postgres(url.into()));
        assert_eq!(
            cfg.database.to_string(),
            "postgres://bot:***@db.example:5432/plancheck",
            "shown without its password"
        );
        assert!(!format!("{cfg:?}").contains("secret"));
        let cfg = Config::parse("c.toml", "database = \"postgresql://db/p\"\n").unwrap();
        assert!(matches!(cfg.database, Location::Postgres(_)));
        // Control: a path, even one that mentions postgres, stays a SQLite file.
        let cfg = Config::parse("c.toml", "database = \"data/postgres.db\"\n").unwrap();
        assert_eq!(cfg.database, Location::Sqlite("data/postgres.db".into()));
        let e = Config::parse("c.toml", "\ndatabase = \"postgres://db:port/x\"\n").unwrap_err();
        assert_eq!(e.place, "c.toml:2", "{e}");
        assert!(e.to_string().contains("not a PostgreSQL URL"), "{e}");
    }

    #[test]
    fn every_key_has_an_environment_variable_named_after_it() {
        const KEYS: usize = 26;
        const FULL: usize = 26;
        const SHORT: usize = 20;
        let vars = env_vars();
        let find = |name: &str| vars.iter().find(|v| v.name == name).map(|v| v.key.as_str());
        assert_eq!(
            find("PLANCHECK_DETECTION_WINDOW_MINUTES"),
            Some("detection.window_minutes")
        );
        assert_eq!(find("PLANCHECK_CHECKLIST_DEPTH"), Some("checklist.depth"));
        assert_eq!(
            find("PLANCHECK_DISCORD_TOKEN_FILE"),
            Some("discord.token_file")
        );
        assert_eq!(find("PLANCHECK_DATABASE"), Some("database"));
        // The short names earlier versions read still work.
        assert_eq!(find("PLANCHECK_THRESHOLD"), Some("detection.threshold"));
        assert_eq!(find("PLANCHECK_DEPTH"), Some("checklist.depth"));
        assert_eq!(find("PLANCHECK_CONFIG"), None, "not a config key");
        // Every key of the example file, commented out or not, has its full name.
        let example = include_str!("../config.example.toml");
        let mut section = String::new();
        let mut keys = 0;
        for line in example.lines() {
            let line = line.trim_start_matches("# ").trim();
            let header = line.strip_prefix('[').and_then(|l| l.strip_suffix(']'));
            if let Some(name) = header.filter(|n| n.chars().all(|c| c.is_ascii_lowercase())) {
                section = format!("{}_", name.to_uppercase());
            } else if let Some((key, _)) = line.split_once(" = ") {
                if key.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                    let name = format!("PLANCHECK_{section}{}", key.to_uppercase());
                    assert!(find(&name).is_some(), "no {name}");
                    keys += 1;
                }
            }
        }
        assert_eq!(keys, KEYS, "every key of config.example.toml was checked");
        // `token_file` is in [discord] and [github]: neither has the short name.
        assert_eq!(find("PLANCHECK_TOKEN_FILE"), None);
        assert_eq!(find("PLANCHECK_LABELS"), Some("github.labels"));
        assert_eq!(
            vars.len(),
            FULL + SHORT,
            "{FULL} full names, {SHORT} short ones"
        );
    }

    #[test]
    fn each_environment_variable_sets_its_key() {
        let set: &[(&str, &str)] = &[
            ("PLANCHECK_DATABASE", "2024"),
            ("PLANCHECK_PACKS_DIR", "packs"),
            ("PLANCHECK_LOG", "plancheck=debug,warn"),
            ("PLANCHECK_DETECTION_CUES_FILE", "cues.toml"),
            ("PLANCHECK_DETECTION_THRESHOLD", "2.5"),
            ("PLANCHECK_DETECTION_WINDOW_MESSAGES", "12"),
            ("PLANCHECK_DETECTION_WINDOW_MINUTES", "45"),
            ("PLANCHECK_DETECTION_COOLDOWN_MINUTES", "0"),
            ("PLANCHECK_CHECKLIST_DEPTH", "thorough"),
            ("PLANCHECK_DISCORD_TOKEN_FILE", "/run/credentials/token"),
            ("PLANCHECK_DISCORD_DEV_GUILD", "123456789012345678"),
            ("PLANCHECK_DISCORD_REST_PROXY", "http://127.0.0.1:8080"),
            ("PLANCHECK_DISCORD_MESSAGE_LANES", "4"),
            ("PLANCHECK_MESSAGE_QUEUE", "500"),
            ("PLANCHECK_DISCORD_SHARD_COUNT", "4"),
            ("PLANCHECK_SHARDS", "2-3"),
            ("PLANCHECK_REMINDERS_ENABLED", "false"),
            ("PLANCHECK_REMINDERS_AFTER", "1s"),
            ("PLANCHECK_REMINDERS_HOURS", "00:00-24:00"),
            ("PLANCHECK_DAYS", "mon-sun"),
            ("PLANCHECK_REMINDERS_TIMEZONE", "Europe/Berlin"),
            ("PLANCHECK_GITHUB_TOKEN_FILE", "/run/credentials/github"),
            ("PLANCHECK_API_URL", "http://127.0.0.1:9/"),
            ("PLANCHECK_GITHUB_LABELS", "planning, backend ,planning"),
            ("PLANCHECK_RETENTION_DAYS", "45"),
            ("PLANCHECK_METRICS_LISTEN", "127.0.0.1:9091"),
            // The full name wins over the short one.
            ("PLANCHECK_WINDOW_MINUTES", "30"),
        ];
        let env = |k: &str| {
            set.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        };
        let cfg = Config::load(None, env).unwrap();
        let expected = Config {
            database: Location::Sqlite(PathBuf::from("2024")),
            packs_dir: Some(PathBuf::from("packs")),
            log: "plancheck=debug,warn".into(),
            detection: DetectionConfig {
                cues_file: Some(PathBuf::from("cues.toml")),
                threshold: 2.5,
                window_messages: 12,
                window_minutes: 45,
                cooldown_minutes: 0,
            },
            checklist: ChecklistConfig {
                depth: crate::plan::select::Depth::Thorough,
            },
            discord: DiscordConfig {
                token_file: Some(PathBuf::from("/run/credentials/token")),
                dev_guild: Some(123456789012345678),
                rest_proxy: Some("http://127.0.0.1:8080".into()),
                message_lanes: 4,
                message_queue: 500,
                shard_count: 4,
                shards: Some(Shards { first: 2, last: 3 }),
            },
            reminders: RemindersConfig {
                enabled: false,
                after: "1s".parse().unwrap(),
                hours: "00:00-24:00".parse().unwrap(),
                days: "mon-sun".parse().unwrap(),
                timezone: chrono_tz::Europe::Berlin,
            },
            github: GithubConfig {
                token_file: Some(PathBuf::from("/run/credentials/github")),
                api_url: "http://127.0.0.1:9".into(),
                labels: vec!["planning".into(), "backend".into()],
            },
            retention_days: 45,
            metrics: MetricsConfig {
                listen: Some("127.0.0.1:9091".parse().unwrap()),
            },
        };
        assert_eq!(cfg, expected);
        // Control: without the environment, the defaults.
        assert_eq!(Config::load(None, no_env).unwrap(), Config::default());
    }

    #[test]
    fn a_bad_environment_value_names_its_variable() {
        let one = |name: &'static str, value: &'static str| {
            move |k: &str| (k == name).then(|| value.to_string())
        };
        let e = Config::load(None, one("PLANCHECK_DETECTION_WINDOW_MINUTES", "0")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "PLANCHECK_DETECTION_WINDOW_MINUTES: detection.window_minutes = 0 must be between 1 and 1440"
        );
        let e = Config::load(None, one("PLANCHECK_WINDOW_MINUTES", "ten")).unwrap_err();
        assert_eq!(e.place, "PLANCHECK_WINDOW_MINUTES");
        let e = Config::load(None, one("PLANCHECK_CHECKLIST_DEPTH", "deep")).unwrap_err();
        assert_eq!(e.place, "PLANCHECK_CHECKLIST_DEPTH");
        assert!(e.message.contains("deep"), "{e}");
        let e = Config::load(None, one("PLANCHECK_DISCORD_REST_PROXY", "ftp://x")).unwrap_err();
        assert_eq!(e.place, "PLANCHECK_DISCORD_REST_PROXY");
    }

    #[test]
    fn bad_reminder_values_name_file_and_line_and_what_to_write() {
        let cases = [
            ("after = \"2x\"", "reminders.after = '2x' is not a duration"),
            (
                "after = \"0s\"",
                "reminders.after = '0s' must be between 1s and 365d",
            ),
            (
                "hours = \"18:00-09:00\"",
                "reminders.hours = '18:00-09:00' must start before it ends",
            ),
            (
                "days = \"mon-fry\"",
                "reminders.days = 'mon-fry': 'fry' is not a weekday",
            ),
            (
                "timezone = \"Berlin\"",
                "reminders.timezone = 'Berlin' is not an IANA time zone",
            ),
        ];
        for (line, message) in cases {
            let src = format!("log = \"info\"\n\n[reminders]\n{line}\n");
            let e = Config::parse("c.toml", &src).unwrap_err();
            assert_eq!(e.place, "c.toml:4", "{line}");
            assert!(e.message.starts_with(message), "{line}: {e}");
        }
        let ok = Config::parse(
            "c.toml",
            "[reminders]\nafter = \"36h\"\nhours = \"08:30-17:00\"\ndays = \"mon,wed\"\ntimezone = \"America/New_York\"\n",
        )
        .unwrap();
        assert_eq!(ok.reminders.after.to_string(), "1d12h");
        assert_eq!(ok.reminders.timezone, chrono_tz::America::New_York);
        assert!(ok.reminders.enabled, "on by default");
        // The environment names its variable.
        let env = |k: &str| (k == "PLANCHECK_REMINDERS_AFTER").then(|| "soon".to_string());
        let e = Config::load(None, env).unwrap_err();
        assert_eq!(e.place, "PLANCHECK_REMINDERS_AFTER");
        assert!(e.message.contains("'soon' is not a duration"), "{e}");
    }

    #[test]
    fn the_environment_overrides_a_file_key_by_key() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plancheck.toml");
        std::fs::write(&file, "[detection]\nthreshold = 3.0\nwindow_minutes = 10\n").unwrap();
        let env = |k: &str| (k == "PLANCHECK_DETECTION_WINDOW_MINUTES").then(|| "45".to_string());
        let cfg = Config::load(Some(&file), env).unwrap();
        assert_eq!(cfg.detection.threshold, 3.0, "from the file");
        assert_eq!(cfg.detection.window_minutes, 45, "from the environment");
        assert_eq!(cfg.detection.window_messages, 8, "the default");
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
        assert_eq!(cfg.database, Location::Sqlite(PathBuf::from("/tmp/x.db")));
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
    fn the_github_token_comes_from_the_environment_or_its_file_and_never_prints() {
        let cfg = Config::default();
        assert_eq!(cfg.github_token(no_env).unwrap(), None);
        let t = cfg
            .github_token(|k| (k == "GITHUB_TOKEN").then(|| " ghp_sekrit \n".to_string()))
            .unwrap()
            .unwrap();
        assert_eq!(t.expose(), "ghp_sekrit");
        assert!(!format!("{t:?}{t}").contains("sekrit"));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("gh");
        std::fs::write(&file, "ghp_fromfile\n").unwrap();
        let mut cfg = Config::default();
        cfg.github.token_file = Some(file.clone());
        assert_eq!(
            cfg.github_token(no_env).unwrap().unwrap().expose(),
            "ghp_fromfile"
        );
        std::fs::write(&file, " \n").unwrap();
        let e = cfg.github_token(no_env).unwrap_err();
        assert!(e.to_string().contains("empty"), "{e}");
    }

    #[test]
    fn github_labels_and_api_url_are_checked() {
        let e = Config::parse("c.toml", "[github]\nlabels = [\"ok\", \" \"]\n").unwrap_err();
        assert_eq!(e.place, "c.toml:2");
        assert!(e.message.contains("not a label"), "{e}");
        let e = Config::parse("c.toml", "[github]\napi_url = \"api.github.com\"\n").unwrap_err();
        assert!(e.message.contains("github.api_url"), "{e}");
        let ok = Config::parse("c.toml", "[github]\nlabels = []\n").unwrap();
        assert!(ok.github.labels.is_empty(), "no labels is allowed");
    }

    #[test]
    fn a_missing_config_file_is_an_error_not_a_default() {
        let e = Config::load(Some(Path::new("/nonexistent/plancheck.toml")), no_env).unwrap_err();
        assert!(e.place.contains("/nonexistent/plancheck.toml"));
    }
}
