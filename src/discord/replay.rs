//! A gateway may deliver an event again (a RESUME replays what it thinks was missed). Writes
//! are keyed by event id in the store; this remembers recent event ids so that a replayed
//! interaction or message also gets no second response, reaction or reply.

use std::collections::{HashSet, VecDeque};

/// How many event ids are remembered (interactions can be answered for 15 minutes).
pub const REMEMBERED: usize = 50_000;

/// The error a replayed slash command stops with: answered by nobody (the first run was).
#[derive(Debug, thiserror::Error)]
#[error("a replayed interaction")]
pub struct Replayed;

/// Marks an invocation whose id was checked once already.
pub struct Checked;

#[derive(Debug)]
pub struct Recent {
    order: VecDeque<u64>,
    seen: HashSet<u64>,
    cap: usize,
}

impl Recent {
    pub fn new(cap: usize) -> Recent {
        Recent {
            order: VecDeque::new(),
            seen: HashSet::new(),
            cap: cap.max(1),
        }
    }

    /// True the first time `id` is offered (among the last `cap` ids), false for a replay.
    pub fn first_time(&mut self, id: u64) -> bool {
        if !self.seen.insert(id) {
            return false;
        }
        self.order.push_back(id);
        if self.order.len() > self.cap
            && let Some(old) = self.order.pop_front()
        {
            self.seen.remove(&old);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::Recent;

    #[test]
    fn a_replayed_id_is_recognised_and_memory_stays_bounded() {
        let mut r = Recent::new(3);
        assert!(r.first_time(1));
        assert!(!r.first_time(1));
        for id in 2..=4 {
            assert!(r.first_time(id));
        }
        assert!(!r.first_time(4));
        // The oldest id fell out: only the last three are remembered.
        assert!(r.first_time(1));
        assert_eq!(r.order.len(), 3);
        assert_eq!(r.seen.len(), 3);
    }
}
