//! Button and modal ids: they carry what they refer to, so they keep working after a
//! restart. Each fits Discord's 100-character `custom_id` limit by construction.

use crate::ids::{DetectionId, PlanId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Component {
    /// "Start checklist" on a prompt.
    Start(DetectionId),
    /// "Not a feature" on a prompt.
    Dismiss(DetectionId),
    /// "Mute this channel for 24h" on a prompt.
    Mute(DetectionId),
    /// "Answer Q{first}–Q{last}" under a page of questions: opens a modal.
    Answer { plan: PlanId, first: u32, last: u32 },
    /// The modal answering those questions.
    Modal { plan: PlanId, first: u32, last: u32 },
    /// "More questions" under a checklist's overview: adds the next best ones.
    More(PlanId),
    /// "Accept Q{number}" under a page: records the question's suggested answer.
    Accept { plan: PlanId, number: u32 },
    /// "Close anyway" under a refused close: closes with critical questions open.
    CloseAnyway(PlanId),
    /// "Not helpful" on an anti-pattern note: silences that nudge for the server.
    NudgeOff(String),
    /// "Mark Q{number} as decision" under a recorded answer: marks its current answer.
    Decide { plan: PlanId, number: u32 },
    /// "Why Q{number}?" under a page: the question's *why*, good answer and reading.
    Why { plan: PlanId, number: u32 },
}

const PREFIX: &str = "pc1";

impl Component {
    pub fn encode(&self) -> String {
        match self {
            Component::Start(d) => format!("{PREFIX}:start:{}", d.0),
            Component::Dismiss(d) => format!("{PREFIX}:dismiss:{}", d.0),
            Component::Mute(d) => format!("{PREFIX}:mute:{}", d.0),
            Component::More(p) => format!("{PREFIX}:more:{}", p.0),
            Component::CloseAnyway(p) => format!("{PREFIX}:close:{}", p.0),
            Component::NudgeOff(id) => format!("{PREFIX}:nudge-off:{id}"),
            Component::Accept { plan, number } => {
                format!("{PREFIX}:accept:{}:{number}", plan.0)
            }
            Component::Decide { plan, number } => {
                format!("{PREFIX}:decide:{}:{number}", plan.0)
            }
            Component::Why { plan, number } => format!("{PREFIX}:why:{}:{number}", plan.0),
            Component::Answer { plan, first, last } => {
                format!("{PREFIX}:answer:{}:{first}:{last}", plan.0)
            }
            Component::Modal { plan, first, last } => {
                format!("{PREFIX}:modal:{}:{first}:{last}", plan.0)
            }
        }
    }

    pub fn decode(id: &str) -> Option<Component> {
        let mut parts = id.split(':');
        if parts.next()? != PREFIX {
            return None;
        }
        let kind = parts.next()?;
        if kind == "nudge-off" {
            // A nudge id as `prompts/nudges.toml` allows it; the service checks it exists.
            let id = parts.next()?;
            let valid = !id.is_empty()
                && id.len() <= crate::detect::nudge::MAX_ID_LEN
                && id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            return (valid && parts.next().is_none()).then(|| Component::NudgeOff(id.to_string()));
        }
        let n: i64 = parts.next()?.parse().ok()?;
        let range = |parts: &mut std::str::Split<'_, char>| -> Option<(u32, u32)> {
            let first = parts.next()?.parse().ok()?;
            let last = parts.next()?.parse().ok()?;
            (first >= 1 && first <= last && last - first < 5).then_some((first, last))
        };
        let c = match kind {
            "start" => Component::Start(DetectionId(n)),
            "dismiss" => Component::Dismiss(DetectionId(n)),
            "mute" => Component::Mute(DetectionId(n)),
            "more" => Component::More(PlanId(n)),
            "close" => Component::CloseAnyway(PlanId(n)),
            "accept" => Component::Accept {
                plan: PlanId(n),
                number: parts.next()?.parse().ok().filter(|n| *n >= 1)?,
            },
            "decide" => Component::Decide {
                plan: PlanId(n),
                number: parts.next()?.parse().ok().filter(|n| *n >= 1)?,
            },
            "why" => Component::Why {
                plan: PlanId(n),
                number: parts.next()?.parse().ok().filter(|n| *n >= 1)?,
            },
            "answer" => {
                let (first, last) = range(&mut parts)?;
                Component::Answer {
                    plan: PlanId(n),
                    first,
                    last,
                }
            }
            "modal" => {
                let (first, last) = range(&mut parts)?;
                Component::Modal {
                    plan: PlanId(n),
                    first,
                    last,
                }
            }
            _ => return None,
        };
        parts.next().is_none().then_some(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_fit_the_limit_at_the_largest_values() {
        let all = [
            Component::Start(DetectionId(i64::MAX)),
            Component::Dismiss(DetectionId(1)),
            Component::Mute(DetectionId(2)),
            Component::More(PlanId(i64::MAX)),
            Component::CloseAnyway(PlanId(i64::MAX)),
            Component::NudgeOff("n".repeat(crate::detect::nudge::MAX_ID_LEN)),
            Component::Accept {
                plan: PlanId(i64::MAX),
                number: u32::MAX,
            },
            Component::Decide {
                plan: PlanId(i64::MAX),
                number: u32::MAX,
            },
            Component::Why {
                plan: PlanId(i64::MAX),
                number: u32::MAX,
            },
            Component::Answer {
                plan: PlanId(i64::MAX),
                first: u32::MAX - 4,
                last: u32::MAX,
            },
            Component::Modal {
                plan: PlanId(i64::MAX),
                first: u32::MAX - 4,
                last: u32::MAX,
            },
        ];
        for c in all {
            let id = c.encode();
            assert!(id.len() <= 100, "{id}");
            assert_eq!(Component::decode(&id), Some(c));
        }
    }

    #[test]
    fn foreign_or_broken_ids_are_ignored() {
        for bad in [
            "",
            "other:start:1",
            "pc1:start:x",
            "pc1:answer:1:3:2",
            "pc1:answer:1:1:9",
            "pc1:start:1:extra",
            "pc1:boom:1",
            "pc1:more:1:2",
            "pc1:accept:1",
            "pc1:close:1:2",
            "pc1:accept:1:0",
            "pc1:accept:1:x",
            "pc1:accept:1:2:3",
            "pc1:nudge-off:",
            "pc1:nudge-off:Bad-Id",
            "pc1:nudge-off:a:b",
            "pc1:decide:1",
            "pc1:decide:1:0",
            "pc1:decide:x:1",
            "pc1:decide:1:2:3",
            "pc1:why:1",
            "pc1:why:1:0",
            "pc1:why:1:2:3",
        ] {
            assert_eq!(Component::decode(bad), None, "{bad}");
        }
    }
}
