//! What the hot path reads, in memory: watched channels, server settings and recent
//! feedback (calibration's inputs). Loaded from the store once; changed by the service
//! after each write that changes them succeeded, so the store stays the truth and a
//! restart reads the same. A message costs no query.

use crate::detect;
use crate::guild::{Calibration, FEEDBACK_DAYS, GuildSettings, calibrate};
use crate::ids::{ChannelId, GuildId};
use crate::store::{FeedbackKind, Result, Store, WatchedChannel};
use chrono::{DateTime, Duration, Utc};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, PoisonError, RwLock};

/// Feedback kept a little longer than it counts, so late timestamps still count right.
const FEEDBACK_KEPT_DAYS: i64 = FEEDBACK_DAYS + 1;

pub(crate) struct Memory {
    watched: RwLock<HashMap<ChannelId, WatchedChannel>>,
    guilds: RwLock<HashMap<GuildId, Guild>>,
    /// Nudges each server silenced (*Not helpful*).
    nudges_off: RwLock<HashMap<GuildId, HashSet<String>>>,
}

/// One server: its settings (None: never saved, so the defaults), its feedback within
/// [`FEEDBACK_KEPT_DAYS`] (oldest first), and the detector settings last derived from them.
#[derive(Default)]
struct Guild {
    settings: Option<GuildSettings>,
    feedback: Vec<(DateTime<Utc>, FeedbackKind)>,
    derived: Option<Derived>,
}

/// Detector settings with their calibrated threshold, good for message times in
/// `(after, until]` (the feedback that counts is the same for all of them).
struct Derived {
    settings: Arc<detect::Settings>,
    after: DateTime<Utc>,
    until: DateTime<Utc>,
}

/// Feedback counts at one moment, and the times for which they hold.
struct Counts {
    not_feature: u32,
    started: u32,
    after: DateTime<Utc>,
    until: DateTime<Utc>,
}

impl Guild {
    fn settings(&self) -> GuildSettings {
        // Not `Default`: a server that saved nothing uses threads.
        match &self.settings {
            Some(s) => s.clone(),
            None => GuildSettings::new(),
        }
    }

    /// Feedback that counts at `now`: given at or after `now - FEEDBACK_DAYS` (as the
    /// store's query counts it).
    fn counts(&self, now: DateTime<Utc>) -> Counts {
        let days = Duration::days(FEEDBACK_DAYS);
        // Saturating: a message's time comes from outside.
        let since = now
            .checked_sub_signed(days)
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        let plus_days = |at: DateTime<Utc>| {
            at.checked_add_signed(days)
                .unwrap_or(DateTime::<Utc>::MAX_UTC)
        };
        let first = self.feedback.partition_point(|(at, _)| *at < since);
        let counted = &self.feedback[first..];
        let of = |k| counted.iter().filter(|(_, kind)| *kind == k).count() as u32;
        Counts {
            not_feature: of(FeedbackKind::NotFeature),
            started: of(FeedbackKind::Started),
            // Later than this, the oldest counted feedback no longer counts; not later
            // than `after`, the newest uncounted one still would.
            until: counted
                .first()
                .map_or(DateTime::<Utc>::MAX_UTC, |(at, _)| plus_days(*at)),
            after: first
                .checked_sub(1)
                .map_or(DateTime::<Utc>::MIN_UTC, |i| plus_days(self.feedback[i].0)),
        }
    }

    fn calibration(
        &self,
        defaults: &detect::Settings,
        now: DateTime<Utc>,
    ) -> (Calibration, Counts) {
        let manual = self.settings.as_ref().and_then(|s| s.threshold);
        if manual.is_some() {
            let always = Counts {
                not_feature: 0,
                started: 0,
                after: DateTime::<Utc>::MIN_UTC,
                until: DateTime::<Utc>::MAX_UTC,
            };
            return (calibrate(defaults.threshold, manual, 0, 0), always);
        }
        let c = self.counts(now);
        (
            calibrate(defaults.threshold, None, c.not_feature, c.started),
            c,
        )
    }
}

impl Memory {
    /// Reads everything the hot path needs from the store.
    pub(crate) async fn load(store: &Store, now: DateTime<Utc>) -> Result<Memory> {
        let watched = store
            .all_watched()
            .await?
            .into_iter()
            .map(|w| (w.channel, w))
            .collect();
        let mut guilds: HashMap<GuildId, Guild> = HashMap::new();
        for (g, s) in store.all_guild_settings().await? {
            guilds.entry(g).or_default().settings = Some(s);
        }
        let since = now - Duration::days(FEEDBACK_KEPT_DAYS);
        for (g, kind, at) in store.feedback_since(since).await? {
            guilds.entry(g).or_default().feedback.push((at, kind));
        }
        for g in guilds.values_mut() {
            g.feedback.sort_by_key(|(at, _)| *at);
        }
        let mut nudges_off: HashMap<GuildId, HashSet<String>> = HashMap::new();
        for (g, nudge) in store.all_silenced_nudges().await? {
            nudges_off.entry(g).or_default().insert(nudge);
        }
        Ok(Memory {
            watched: RwLock::new(watched),
            guilds: RwLock::new(guilds),
            nudges_off: RwLock::new(nudges_off),
        })
    }

    pub(crate) fn watched(&self, channel: ChannelId) -> Option<WatchedChannel> {
        read(&self.watched).get(&channel).cloned()
    }

    /// The channel as the store now holds it (None: not watched).
    pub(crate) fn set_watched(&self, channel: ChannelId, w: Option<WatchedChannel>) {
        let mut map = write(&self.watched);
        match w {
            Some(w) => map.insert(channel, w),
            None => map.remove(&channel),
        };
    }

    /// Whether `guild` silenced the nudge `id`.
    pub(crate) fn nudge_off(&self, guild: GuildId, id: &str) -> bool {
        read(&self.nudges_off)
            .get(&guild)
            .is_some_and(|off| off.contains(id))
    }

    /// The store just silenced nudge `id` for `guild`.
    pub(crate) fn set_nudge_off(&self, guild: GuildId, id: &str) {
        write(&self.nudges_off)
            .entry(guild)
            .or_default()
            .insert(id.to_string());
    }

    pub(crate) fn settings(&self, guild: GuildId) -> GuildSettings {
        read(&self.guilds)
            .get(&guild)
            .map_or_else(GuildSettings::new, Guild::settings)
    }

    /// The server's settings as the store now holds them.
    pub(crate) fn set_settings(&self, guild: GuildId, s: GuildSettings) {
        let mut map = write(&self.guilds);
        let g = map.entry(guild).or_default();
        g.settings = Some(s);
        g.derived = None;
    }

    /// Feedback the store just recorded (not a replay).
    pub(crate) fn add_feedback(&self, guild: GuildId, kind: FeedbackKind, at: DateTime<Utc>) {
        let mut map = write(&self.guilds);
        let g = map.entry(guild).or_default();
        let i = g.feedback.partition_point(|(t, _)| *t <= at);
        g.feedback.insert(i, (at, kind));
        let old = Utc::now() - Duration::days(FEEDBACK_KEPT_DAYS);
        g.feedback.retain(|(t, _)| *t >= old);
        g.derived = None;
    }

    pub(crate) fn calibration(
        &self,
        guild: GuildId,
        defaults: &detect::Settings,
        now: DateTime<Utc>,
    ) -> Calibration {
        match read(&self.guilds).get(&guild) {
            Some(g) => g.calibration(defaults, now).0,
            None => Guild::default().calibration(defaults, now).0,
        }
    }

    /// The detector settings of `guild` for a message at `at`: its settings over the
    /// defaults, at its calibrated threshold. Derived once and reused while the same
    /// feedback counts.
    pub(crate) fn detector_settings(
        &self,
        guild: GuildId,
        defaults: &detect::Settings,
        at: DateTime<Utc>,
    ) -> Arc<detect::Settings> {
        if let Some(d) = read(&self.guilds)
            .get(&guild)
            .and_then(|g| g.derived.as_ref())
            && d.after < at
            && at <= d.until
        {
            return d.settings.clone();
        }
        let mut map = write(&self.guilds);
        let g = map.entry(guild).or_default();
        let (calibration, counts) = g.calibration(defaults, at);
        let mut settings = g.settings().detector(defaults);
        settings.threshold = calibration.threshold;
        let settings = Arc::new(settings);
        g.derived = Some(Derived {
            settings: settings.clone(),
            after: counts.after,
            until: counts.until,
        });
        settings
    }
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}
