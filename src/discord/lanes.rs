//! Messages of one channel, handled in the order they arrived, while channels run in
//! parallel: each channel belongs to one lane (by its id), and each lane is one task that
//! handles its items one after another. Lanes are bounded: when a lane is full, a message
//! that only feeds detection is shed (counted, and logged at most every few seconds);
//! one that may be an answer is kept and counted as delayed. Interactions (commands,
//! buttons, forms) never enter a lane: nothing can shed them.

use std::future::Future;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Whether an item may be shed when its lane is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// Feeds detection only: shed (and counted) when the lane is full.
    Sheddable,
    /// Someone is waiting for it (an answer): queued even when the lane is full.
    Kept,
}

/// What the lanes did so far: read by logs now, and by metrics later.
#[derive(Debug, Default)]
pub struct LaneStats {
    /// Items accepted into a lane.
    pub queued: AtomicU64,
    /// Items handled.
    pub handled: AtomicU64,
    /// Sheddable items dropped because their lane was full.
    pub shed: AtomicU64,
    /// Kept items queued beyond a full lane's capacity.
    pub delayed: AtomicU64,
    /// Items waiting now, in every lane.
    pub depth: AtomicUsize,
    /// `shed` when the lanes last said they had caught up.
    reported: AtomicU64,
}

/// A copy of [`LaneStats`] at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LaneCounts {
    pub queued: u64,
    pub handled: u64,
    pub shed: u64,
    pub delayed: u64,
    pub depth: usize,
}

impl LaneStats {
    /// After shedding, once nothing waits: logs the totals (what was lost, for good).
    fn caught_up(&self) {
        let shed = self.shed.load(Ordering::Relaxed);
        if self.depth.load(Ordering::Relaxed) == 0
            && self.reported.swap(shed, Ordering::Relaxed) != shed
        {
            tracing::warn!(
                shed,
                delayed = self.delayed.load(Ordering::Relaxed),
                handled = self.handled.load(Ordering::Relaxed),
                "caught up with arriving messages; totals since start"
            );
        }
    }

    pub fn counts(&self) -> LaneCounts {
        LaneCounts {
            queued: self.queued.load(Ordering::Relaxed),
            handled: self.handled.load(Ordering::Relaxed),
            shed: self.shed.load(Ordering::Relaxed),
            delayed: self.delayed.load(Ordering::Relaxed),
            depth: self.depth.load(Ordering::Relaxed),
        }
    }
}

struct Lane<T> {
    tx: mpsc::UnboundedSender<T>,
    /// Items in this lane now (queued and not yet taken by its task).
    waiting: Arc<AtomicUsize>,
}

/// The lanes, and what they counted.
pub struct Lanes<T> {
    lanes: Vec<Lane<T>>,
    capacity: usize,
    stats: Arc<LaneStats>,
    /// When shedding was last logged.
    logged: Mutex<Option<Instant>>,
}

/// Shedding is logged at most this often (with the running totals).
const LOG_EVERY: Duration = Duration::from_secs(10);

impl<T: Send + 'static> Lanes<T> {
    /// `count` lanes holding up to `capacity` items each, every item handled by `handle`
    /// (one at a time per lane). Must be called within a tokio runtime.
    pub fn start<F, Fut>(count: usize, capacity: usize, handle: F) -> Lanes<T>
    where
        F: Fn(T) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let stats = Arc::new(LaneStats::default());
        let handle = Arc::new(handle);
        let lanes = (0..count.max(1))
            .map(|_| {
                let (tx, mut rx) = mpsc::unbounded_channel::<T>();
                let waiting = Arc::new(AtomicUsize::new(0));
                let (w, s, h) = (waiting.clone(), stats.clone(), handle.clone());
                tokio::spawn(async move {
                    while let Some(item) = rx.recv().await {
                        w.fetch_sub(1, Ordering::Relaxed);
                        s.depth.fetch_sub(1, Ordering::Relaxed);
                        h(item).await;
                        s.handled.fetch_add(1, Ordering::Relaxed);
                        s.caught_up();
                    }
                });
                Lane { tx, waiting }
            })
            .collect();
        Lanes {
            lanes,
            capacity: capacity.max(1),
            stats,
            logged: Mutex::new(None),
        }
    }

    /// Queues `item` in the lane of `key` (a channel id). Returns false when it was shed.
    pub fn push(&self, key: u64, priority: Priority, item: T) -> bool {
        let lane = &self.lanes[lane_of(key, self.lanes.len())];
        let full = lane.waiting.load(Ordering::Relaxed) >= self.capacity;
        if full {
            match priority {
                Priority::Sheddable => {
                    self.stats.shed.fetch_add(1, Ordering::Relaxed);
                    self.log_shedding();
                    return false;
                }
                Priority::Kept => {
                    self.stats.delayed.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        lane.waiting.fetch_add(1, Ordering::Relaxed);
        self.stats.depth.fetch_add(1, Ordering::Relaxed);
        self.stats.queued.fetch_add(1, Ordering::Relaxed);
        if lane.tx.send(item).is_err() {
            // The lane's task is gone (the runtime is shutting down).
            lane.waiting.fetch_sub(1, Ordering::Relaxed);
            self.stats.depth.fetch_sub(1, Ordering::Relaxed);
            self.stats.shed.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        true
    }

    pub fn stats(&self) -> &Arc<LaneStats> {
        &self.stats
    }

    fn log_shedding(&self) {
        let mut logged = self
            .logged
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if logged.is_some_and(|at| at.elapsed() < LOG_EVERY) {
            return;
        }
        *logged = Some(Instant::now());
        let c = self.stats.counts();
        tracing::warn!(
            shed = c.shed,
            delayed = c.delayed,
            depth = c.depth,
            capacity_per_lane = self.capacity,
            lanes = self.lanes.len(),
            "messages arrive faster than they are handled: shedding messages that only feed detection (answers are kept)"
        );
    }
}

/// The lane of `key`: ids are spread over the lanes by a multiplicative hash (snowflakes'
/// low bits are not uniform).
pub fn lane_of(key: u64, lanes: usize) -> usize {
    let h = key.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    ((h >> 32) % lanes as u64) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::Mutex as StdMutex;
    use tokio::sync::Notify;

    /// Waits (up to a generous limit) until `done` holds.
    async fn until(what: &str, done: impl Fn() -> bool) {
        let start = Instant::now();
        while !done() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "timed out waiting for {what}"
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_channels_messages_are_handled_in_arrival_order_while_channels_run_in_parallel() {
        let seen: Arc<StdMutex<Vec<(u64, u32)>>> = Arc::default();
        let log = seen.clone();
        let lanes = Lanes::start(4, 10_000, move |(channel, n): (u64, u32)| {
            let log = log.clone();
            async move {
                // Handling takes a varying time, with the task giving way in between: items
                // of other lanes overtake, items of this lane must not.
                for _ in 0..(channel + u64::from(n)) % 5 {
                    tokio::task::yield_now().await;
                }
                log.lock().unwrap().push((channel, n));
            }
        });
        let lanes = Arc::new(lanes);
        // Two producers, each with its own channels, interleaving their messages.
        let producers: Vec<_> = [0u64, 1]
            .into_iter()
            .map(|p| {
                let lanes = lanes.clone();
                tokio::spawn(async move {
                    for n in 0..200u32 {
                        for c in 0..10u64 {
                            let channel = 1_000 + c * 2 + p;
                            assert!(lanes.push(channel, Priority::Sheddable, (channel, n)));
                        }
                        if n % 16 == 0 {
                            tokio::task::yield_now().await;
                        }
                    }
                })
            })
            .collect();
        for p in producers {
            p.await.unwrap();
        }
        until("every item handled", || {
            lanes.stats().counts().handled == 4_000
        })
        .await;
        let seen = seen.lock().unwrap();
        let mut next: HashMap<u64, u32> = HashMap::new();
        for (channel, n) in seen.iter() {
            let expected = next.entry(*channel).or_default();
            assert_eq!(*n, *expected, "channel {channel} out of order");
            *expected += 1;
        }
        assert_eq!(next.len(), 20);
        let c = lanes.stats().counts();
        assert_eq!((c.queued, c.shed, c.delayed, c.depth), (4_000, 0, 0, 0));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_busy_lane_does_not_hold_up_the_channels_of_other_lanes() {
        let gate = Arc::new(Notify::new());
        let done: Arc<StdMutex<Vec<u64>>> = Arc::default();
        let (g, d) = (gate.clone(), done.clone());
        let lanes = Lanes::start(2, 100, move |channel: u64| {
            let (g, d) = (g.clone(), d.clone());
            async move {
                if channel == 0 {
                    g.notified().await;
                }
                d.lock().unwrap().push(channel);
            }
        });
        let other = (1..100).find(|c| lane_of(*c, 2) != lane_of(0, 2)).unwrap();
        lanes.push(0, Priority::Sheddable, 0);
        lanes.push(other, Priority::Sheddable, other);
        until("the other lane's item", || {
            done.lock().unwrap().contains(&other)
        })
        .await;
        assert!(
            !done.lock().unwrap().contains(&0),
            "channel 0 is still waiting"
        );
        gate.notify_one();
        until("channel 0's item", || done.lock().unwrap().contains(&0)).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_lane_sheds_and_counts_messages_for_detection_but_keeps_answers() {
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        let handled: Arc<StdMutex<Vec<&'static str>>> = Arc::default();
        let (g, h) = (gate.clone(), handled.clone());
        let lanes = Lanes::start(1, 3, move |name: &'static str| {
            let (g, h) = (g.clone(), h.clone());
            async move {
                g.acquire().await.unwrap().forget();
                h.lock().unwrap().push(name);
            }
        });
        // The lane's task takes the first item and waits inside it.
        assert!(lanes.push(7, Priority::Sheddable, "first"));
        until("the first item taken", || lanes.stats().counts().depth == 0).await;
        for name in ["a", "b", "c"] {
            assert!(lanes.push(7, Priority::Sheddable, name));
        }
        assert!(
            !lanes.push(7, Priority::Sheddable, "shed"),
            "a fourth waiting message is shed"
        );
        assert!(
            lanes.push(7, Priority::Kept, "answer"),
            "an answer is never shed"
        );
        let c = lanes.stats().counts();
        assert_eq!((c.shed, c.delayed, c.depth, c.queued), (1, 1, 4, 5));
        gate.add_permits(5);
        until("every kept item handled", || {
            lanes.stats().counts().handled == 5
        })
        .await;
        assert_eq!(
            *handled.lock().unwrap(),
            vec!["first", "a", "b", "c", "answer"]
        );
        assert_eq!(lanes.stats().counts().depth, 0);
    }
}
