//! The detector, in shards by channel so that channels are detected in parallel, and with
//! how long each channel's state matters, so the windows of idle channels are dropped:
//! memory follows the channels that talk, not every channel ever seen.

use crate::detect::Detector;
use crate::error::{Error, Result};
use crate::ids::ChannelId;
use crate::service::panic_message;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, PoisonError};

/// How many shards the detector is split into.
const SHARDS: usize = 16;

/// How often messages look for idle channels, by the messages' time.
const SWEEP_EVERY: Duration = Duration::minutes(1);

/// A channel's state is kept this long after it stops mattering to detection, for
/// messages that waited in a queue and arrive with an older time.
pub(crate) const GRACE: Duration = Duration::minutes(5);

pub(crate) struct Windows {
    shards: Box<[Mutex<Shard>]>,
    /// When messages last looked for idle channels (milliseconds since 1970).
    swept: AtomicI64,
}

struct Shard {
    detector: Detector,
    /// Per channel with state in `detector`: when dropping that state changes nothing
    /// (its window has expired and its cooldown ended, plus [`GRACE`]).
    keep: HashMap<ChannelId, DateTime<Utc>>,
}

impl Shard {
    fn sweep(&mut self, now: DateTime<Utc>) -> usize {
        let idle: Vec<ChannelId> = self
            .keep
            .iter()
            .filter(|(_, until)| **until < now)
            .map(|(c, _)| *c)
            .collect();
        for c in &idle {
            self.keep.remove(c);
            self.detector.forget(*c);
        }
        idle.len()
    }
}

impl Windows {
    /// `detector` (with no channel state yet) in shards.
    pub(crate) fn new(detector: Detector) -> Windows {
        let shards = (0..SHARDS)
            .map(|_| {
                Mutex::new(Shard {
                    detector: detector.clone(),
                    keep: HashMap::new(),
                })
            })
            .collect();
        Windows {
            shards,
            swept: AtomicI64::new(i64::MIN),
        }
    }

    fn shard(&self, channel: ChannelId) -> std::sync::MutexGuard<'_, Shard> {
        let h = channel.0.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32;
        self.shards[(h % self.shards.len() as u64) as usize]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the detector for `channel`. The lock (of the channel's shard) is held
    /// only for `f`, which does no I/O. A panic in `f` (a bug) must not disable detection:
    /// it is caught before the guard drops (so the lock is never poisoned), the channel's
    /// window is dropped so no half-updated state survives, and the caller gets
    /// [`Error::Fault`]. With `keep_until`, `f` may leave state for the channel that
    /// matters until then.
    pub(crate) fn with<R>(
        &self,
        channel: ChannelId,
        keep_until: Option<DateTime<Utc>>,
        f: impl FnOnce(&mut Detector) -> R,
    ) -> Result<R> {
        self.run(channel, keep_until, f)
    }

    /// [`Windows::with`] for a message at `at`; at most every [`SWEEP_EVERY`] of message
    /// time, a message also drops the channels that have been idle long enough.
    pub(crate) fn with_message<R>(
        &self,
        channel: ChannelId,
        at: DateTime<Utc>,
        keep_until: DateTime<Utc>,
        f: impl FnOnce(&mut Detector) -> R,
    ) -> Result<R> {
        let r = self.with(channel, Some(keep_until), f)?;
        let now = at.timestamp_millis();
        let last = self.swept.load(Ordering::Relaxed);
        if now.saturating_sub(last) > SWEEP_EVERY.num_milliseconds()
            && self
                .swept
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            self.evict_idle(at);
        }
        Ok(r)
    }

    fn run<R>(
        &self,
        channel: ChannelId,
        keep_until: Option<DateTime<Utc>>,
        f: impl FnOnce(&mut Detector) -> R,
    ) -> Result<R> {
        let mut guard = self.shard(channel);
        let shard = &mut *guard;
        match std::panic::catch_unwind(AssertUnwindSafe(|| f(&mut shard.detector))) {
            Ok(r) => {
                if let Some(until) = keep_until {
                    let kept = shard.keep.entry(channel).or_insert(until);
                    *kept = (*kept).max(until);
                }
                Ok(r)
            }
            Err(payload) => {
                shard.detector.forget(channel);
                shard.keep.remove(&channel);
                Err(Error::Fault(panic_message(payload.as_ref())))
            }
        }
    }

    /// Drops a channel's state now (e.g. unwatched).
    pub(crate) fn forget(&self, channel: ChannelId) {
        let mut shard = self.shard(channel);
        shard.detector.forget(channel);
        shard.keep.remove(&channel);
    }

    /// Drops the state of every channel that no longer matters at `now`; returns how many.
    pub(crate) fn evict_idle(&self, now: DateTime<Utc>) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(PoisonError::into_inner).sweep(now))
            .sum()
    }

    /// How many channels have state now.
    pub(crate) fn channels(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(PoisonError::into_inner).keep.len())
            .sum()
    }
}
