//! Use-case: marking an answer as the team's decision.

use super::{Act, Change, Service};
use crate::error::{Error, Result};
use crate::ids::PlanId;
use crate::plan::{self, AnswerEvent, Decision, EventKind};
use crate::store::Marked;

impl Service {
    /// `/plan decide Q3 [text]`: with a text, records it as question `key`'s answer and
    /// marks it a decision; without, marks the current answer. A replay of the same act
    /// changes nothing (`created` is false).
    pub async fn decide(
        &self,
        plan: PlanId,
        key: &str,
        text: Option<&str>,
        act: &Act,
    ) -> Result<Change> {
        let p = self.plan(plan).await?;
        let question = super::question_of(&p, key)?;
        let mark = Decision {
            by: act.author.clone(),
            at: act.at,
            source: Some(act.source),
        };
        // A replay of a mark already recorded: say nothing new, whatever happened since.
        if p.history(&question.id)
            .any(|e| e.decision.as_ref().and_then(|d| d.source) == Some(act.source))
        {
            return Ok(Change {
                plan: p,
                question,
                created: false,
            });
        }
        if let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) {
            // A new answer, decided: recorded like any answer (reminder moved, counted).
            let text = plan::parse_answer(text)?;
            p.check_change(&question, EventKind::Answer)?;
            let event = AnswerEvent {
                question_id: question.id.clone(),
                kind: EventKind::Answer,
                text,
                author: act.author.clone(),
                at: act.at,
                source: Some(act.source),
                said_in: None,
                decision: Some(mark),
            };
            return self.record(plan, question, &event).await;
        }
        p.check_decide(&question)?;
        let created = match self.store.mark_decision(plan, &question.id, &mark).await? {
            Marked::Marked => true,
            Marked::Unchanged => false,
            Marked::NoAnswer => {
                return Err(Error::user(format!(
                    "Q{} changed just now and has no answer to mark; look at it and try again",
                    question.number
                )));
            }
        };
        Ok(Change {
            plan: self.plan(plan).await?,
            question,
            created,
        })
    }
}

#[cfg(test)]
mod tests {

    use crate::ids::{ChannelId, GuildId};

    use crate::service::Service;
    use crate::service::testing::{act, service};

    async fn plan() -> (Service, crate::ids::PlanId, tempfile::TempDir) {
        let (s, dir) = service().await;
        let (p, _) = s
            .start_plan(
                GuildId(1),
                ChannelId(10),
                "Bulk export",
                Some(vec!["api".into()]),
                None,
                &act(1),
            )
            .await
            .unwrap();
        (s, p.id, dir)
    }

    #[tokio::test]
    async fn deciding_with_a_text_records_it_as_a_decided_answer_once() {
        let (s, plan, _d) = plan().await;
        let c = s
            .decide(plan, "Q1", Some("  cursor pagination  "), &act(2))
            .await
            .unwrap();
        assert!(c.created);
        let id = c.question.id.clone();
        assert_eq!(
            c.plan.decision(&id).map(|e| e.text.as_str()),
            Some("cursor pagination")
        );
        let replay = s
            .decide(plan, "Q1", Some("cursor pagination"), &act(2))
            .await
            .unwrap();
        assert!(!replay.created);
        assert_eq!(replay.plan.events.len(), 1);
        let e = s.decide(plan, "Q1", Some(" "), &act(3)).await.unwrap_err();
        assert_eq!(
            e.to_string(),
            "Q1's answer is already a decision",
            "blank means no text"
        );
    }

    #[tokio::test]
    async fn deciding_without_a_text_marks_the_current_answer_and_needs_one() {
        let (s, plan, _d) = plan().await;
        let e = s.decide(plan, "Q2", None, &act(2)).await.unwrap_err();
        assert!(e.to_string().starts_with("Q2 has no answer to mark"), "{e}");
        s.answer(plan, "Q2", "offset, capped", &act(3))
            .await
            .unwrap();
        let c = s.decide(plan, "Q2", None, &act(4)).await.unwrap();
        assert!(c.created);
        assert_eq!(c.plan.events.len(), 1, "marking adds no answer");
        assert!(c.plan.decision(&c.question.id).is_some());
        // The same act replayed after the question changed still changes nothing.
        s.reopen(plan, "Q2", &act(5)).await.unwrap();
        let replay = s.decide(plan, "Q2", None, &act(4)).await.unwrap();
        assert!(!replay.created);
        let after = s.plan(plan).await.unwrap();
        assert!(after.decisions().is_empty(), "the reopen withdrew it");
        assert!(after.decision_withdrawn(&c.question.id));
    }
}
