//! Decisions: an answer the team marks as *the* decision on its question, told apart from
//! a note. The mark belongs to that answer: a later answer, a skip or a reopen replaces the
//! answer and so withdraws the decision (the history keeps it); the new answer is a plain
//! one until someone marks it.

use super::{AnswerEvent, Author, EventKind, Plan, PlanError, PlanQuestion, QuestionState, Status};
use crate::ids::MessageId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Who marked an answer as a decision, when, and the event that did (unique, so a replay
/// marks nothing twice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub by: Author,
    pub at: DateTime<Utc>,
    pub source: Option<MessageId>,
}

impl Plan {
    /// The decision on a question now: its current answer, when that answer is marked.
    pub fn decision(&self, question_id: &str) -> Option<&AnswerEvent> {
        match self.state(question_id) {
            QuestionState::Answered { latest, .. } if latest.decision.is_some() => Some(latest),
            _ => None,
        }
    }

    /// Every question decided now, with its decision, in plan order.
    pub fn decisions(&self) -> Vec<(&PlanQuestion, &AnswerEvent)> {
        self.questions
            .iter()
            .filter_map(|q| self.decision(&q.id).map(|d| (q, d)))
            .collect()
    }

    /// True when the latest change to a question replaced an answer that was a decision
    /// (a new answer, a skip or a reopen), so the question is no longer decided.
    pub fn decision_withdrawn(&self, question_id: &str) -> bool {
        let mut last_two = self
            .events
            .iter()
            .rev()
            .filter(|e| e.question_id == question_id);
        match (last_two.next(), last_two.next()) {
            (Some(latest), Some(before)) => {
                latest.decision.is_none()
                    && before.kind == EventKind::Answer
                    && before.decision.is_some()
            }
            _ => false,
        }
    }

    /// Decides whether `question`'s current answer may be marked as a decision now: the
    /// plan is open, the question is answered (not open, not skipped) and that answer is
    /// not marked yet. Returns the answer to mark.
    pub fn check_decide(&self, question: &PlanQuestion) -> Result<&AnswerEvent, PlanError> {
        if self.status == Status::Closed {
            return Err(PlanError::Closed);
        }
        match self.state(&question.id) {
            QuestionState::Answered { latest, .. } if latest.decision.is_some() => {
                Err(PlanError::AlreadyADecision(question.number))
            }
            QuestionState::Answered { latest, .. } => Ok(latest),
            QuestionState::Open | QuestionState::Skipped { .. } => {
                Err(PlanError::NothingToDecide(question.number))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample_plan;
    use super::*;
    use crate::ids::UserId;

    fn who(id: u64) -> Author {
        Author {
            id: UserId(id),
            name: format!("user{id}"),
        }
    }

    fn event(q: &str, kind: EventKind, text: &str, decided: bool) -> AnswerEvent {
        let at = DateTime::from_timestamp(1_700_000_100, 0).unwrap();
        AnswerEvent {
            question_id: q.into(),
            kind,
            text: text.into(),
            author: who(1),
            at,
            source: None,
            said_in: None,
            decision: decided.then(|| Decision {
                by: who(2),
                at,
                source: None,
            }),
        }
    }

    #[test]
    fn a_marked_answer_is_the_questions_decision_and_a_plain_one_is_not() {
        let mut p = sample_plan();
        let (a, b) = (p.questions[0].id.clone(), p.questions[1].id.clone());
        p.events
            .push(event(&a, EventKind::Answer, "Postgres", true));
        p.events.push(event(&b, EventKind::Answer, "a note", false));
        assert_eq!(p.decision(&a).map(|e| e.text.as_str()), Some("Postgres"));
        assert_eq!(p.decision(&b), None);
        let all: Vec<u32> = p.decisions().iter().map(|(q, _)| q.number).collect();
        assert_eq!(all, vec![p.questions[0].number]);
    }

    #[test]
    fn a_new_answer_a_skip_or_a_reopen_withdraws_the_decision() {
        for kind in [EventKind::Answer, EventKind::Skip, EventKind::Reopen] {
            let mut p = sample_plan();
            let q = p.questions[0].id.clone();
            p.events
                .push(event(&q, EventKind::Answer, "Postgres", true));
            assert!(!p.decision_withdrawn(&q));
            p.events.push(event(&q, kind, "changed", false));
            assert_eq!(p.decision(&q), None, "{kind:?}");
            assert!(p.decision_withdrawn(&q), "{kind:?}");
            assert!(p.decisions().is_empty());
            // The history keeps the decision that was.
            assert!(p.history(&q).any(|e| e.decision.is_some()));
        }
    }

    #[test]
    fn a_revision_given_as_a_decision_stays_one() {
        let mut p = sample_plan();
        let q = p.questions[0].id.clone();
        p.events
            .push(event(&q, EventKind::Answer, "Postgres", true));
        p.events
            .push(event(&q, EventKind::Answer, "Postgres 16", true));
        assert_eq!(p.decision(&q).map(|e| e.text.as_str()), Some("Postgres 16"));
        assert!(!p.decision_withdrawn(&q));
    }

    #[test]
    fn only_a_current_unmarked_answer_of_an_open_plan_can_be_marked() {
        let mut p = sample_plan();
        let q = p.questions[0].clone();
        let n = q.number;
        assert_eq!(p.check_decide(&q), Err(PlanError::NothingToDecide(n)));
        p.events
            .push(event(&q.id, EventKind::Skip, "not ours", false));
        assert_eq!(p.check_decide(&q), Err(PlanError::NothingToDecide(n)));
        p.events
            .push(event(&q.id, EventKind::Answer, "Postgres", false));
        assert_eq!(p.check_decide(&q).map(|e| e.text.as_str()), Ok("Postgres"));
        p.events
            .push(event(&q.id, EventKind::Answer, "Postgres", true));
        assert_eq!(p.check_decide(&q), Err(PlanError::AlreadyADecision(n)));
        p.events
            .push(event(&q.id, EventKind::Answer, "MySQL", false));
        p.status = Status::Closed;
        assert_eq!(p.check_decide(&q), Err(PlanError::Closed));
    }

    #[test]
    fn the_place_link_names_the_thread_and_there_is_none_for_the_console() {
        let mut p = sample_plan();
        assert_eq!(
            p.place_link().as_deref(),
            Some("https://discord.com/channels/10/20")
        );
        p.thread = Some(crate::ids::ChannelId(30));
        assert_eq!(
            p.place_link().as_deref(),
            Some("https://discord.com/channels/10/30")
        );
        p.guild = crate::ids::GuildId(0);
        assert_eq!(p.place_link(), None);
    }
}
