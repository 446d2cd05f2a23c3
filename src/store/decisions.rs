//! Table `decisions`: answers marked as the team's decision, one row per marked answer.

use super::{Result, Store, id, is_unique_violation, ts};
use crate::ids::PlanId;
use crate::plan::Decision;

/// What marking the current answer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marked {
    Marked,
    /// Nothing written: this source marked it before, or the answer was marked already.
    Unchanged,
    /// Nothing written: the question's latest event is no longer an answer (it changed
    /// since the caller looked).
    NoAnswer,
}

impl Store {
    /// Marks the latest event of a question as a decision, if it is an answer. The answer
    /// is chosen in the same statement, so a change recorded meanwhile is never marked by
    /// mistake.
    #[tracing::instrument(skip_all, fields(plan = %plan, question = %question_id))]
    pub async fn mark_decision(
        &self,
        plan: PlanId,
        question_id: &str,
        d: &Decision,
    ) -> Result<Marked> {
        let r = sqlx::query(
            "INSERT INTO decisions (answer_event_id, author_id, author_name, at, source_id)
             SELECT e.id, $1, $2, $3, $4 FROM answer_events e
             WHERE e.kind = 'answer' AND e.id = (
                 SELECT MAX(id) FROM answer_events WHERE plan_id = $5 AND question_id = $6)",
        )
        .bind(id(d.by.id.0))
        .bind(&d.by.name)
        .bind(ts(d.at))
        .bind(d.source.map(|s| id(s.0)))
        .bind(plan.0)
        .bind(question_id)
        .execute(self.pool())
        .await;
        match r {
            Ok(done) if done.rows_affected() == 1 => Ok(Marked::Marked),
            Ok(_) => Ok(Marked::NoAnswer),
            Err(err) if is_unique_violation(&err) => Ok(Marked::Unchanged),
            Err(err) => Err(err.into()),
        }
    }

    /// Marks the answer event `answer_event_id` (just inserted by the same transaction).
    pub(super) async fn insert_decision(
        tx: &mut sqlx::AnyConnection,
        answer_event_id: i64,
        d: &Decision,
    ) -> std::result::Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO decisions (answer_event_id, author_id, author_name, at, source_id)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(answer_event_id)
        .bind(id(d.by.id.0))
        .bind(&d.by.name)
        .bind(ts(d.at))
        .bind(d.source.map(|s| id(s.0)))
        .execute(tx)
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{answer, new_plan};
    use super::*;
    use crate::ids::{MessageId, UserId};
    use crate::plan::{AnswerEvent, Author, EventKind};
    use crate::store::testing::{Backend, on_both_backends};
    use chrono::Utc;

    on_both_backends!(
        the_current_answer_is_marked_once_and_a_replay_marks_nothing,
        nothing_is_marked_when_the_latest_event_is_not_an_answer,
        an_answer_given_as_a_decision_is_written_whole_or_not_at_all,
    );

    fn mark(source: u64) -> Decision {
        Decision {
            by: Author {
                id: UserId(7),
                name: "cy".into(),
            },
            at: Utc::now(),
            source: Some(MessageId(source)),
        }
    }

    async fn the_current_answer_is_marked_once_and_a_replay_marks_nothing(backend: Backend) {
        let (store, _db) = backend.fresh().await;
        let (id, _) = store.create_plan(&new_plan(100)).await.unwrap();
        let q = "payments.pci";
        store
            .record_event(id, &answer(q, "hosted fields", 1))
            .await
            .unwrap();
        assert_eq!(
            store.mark_decision(id, q, &mark(50)).await.unwrap(),
            Marked::Marked
        );
        assert_eq!(
            store.mark_decision(id, q, &mark(50)).await.unwrap(),
            Marked::Unchanged,
            "a replay"
        );
        assert_eq!(
            store.mark_decision(id, q, &mark(51)).await.unwrap(),
            Marked::Unchanged,
            "a second click on the same answer"
        );
        let plan = store.plan(id).await.unwrap().unwrap();
        let decided = plan.decision(q).expect("a decision");
        assert_eq!(decided.text, "hosted fields");
        let d = decided.decision.as_ref().unwrap();
        assert_eq!((d.by.name.as_str(), d.source), ("cy", Some(MessageId(50))));
        assert_eq!(plan.decisions().len(), 1);
    }

    async fn nothing_is_marked_when_the_latest_event_is_not_an_answer(backend: Backend) {
        let (store, _db) = backend.fresh().await;
        let (id, _) = store.create_plan(&new_plan(100)).await.unwrap();
        let q = "payments.pci";
        assert_eq!(
            store.mark_decision(id, q, &mark(50)).await.unwrap(),
            Marked::NoAnswer,
            "never answered"
        );
        store.record_event(id, &answer(q, "x", 1)).await.unwrap();
        let reopen = AnswerEvent {
            kind: EventKind::Reopen,
            text: String::new(),
            ..answer(q, "", 2)
        };
        store.record_event(id, &reopen).await.unwrap();
        assert_eq!(
            store.mark_decision(id, q, &mark(51)).await.unwrap(),
            Marked::NoAnswer,
            "reopened: the old answer is not marked"
        );
        let plan = store.plan(id).await.unwrap().unwrap();
        assert!(plan.history(q).all(|e| e.decision.is_none()));
    }

    async fn an_answer_given_as_a_decision_is_written_whole_or_not_at_all(backend: Backend) {
        let (store, _db) = backend.fresh().await;
        let (id, _) = store.create_plan(&new_plan(100)).await.unwrap();
        let decided = |q: &str, source: u64, mark_source: u64| AnswerEvent {
            decision: Some(mark(mark_source)),
            ..answer(q, "Postgres instead of Redis", source)
        };
        assert!(
            store
                .record_event(id, &decided("payments.pci", 1, 1))
                .await
                .unwrap()
        );
        assert!(
            !store
                .record_event(id, &decided("payments.pci", 1, 1))
                .await
                .unwrap(),
            "a replay"
        );
        // The mark's source is taken: the answer that came with it is not kept either.
        assert!(
            !store
                .record_event(id, &decided("payments.refunds", 2, 1))
                .await
                .unwrap()
        );
        let plan = store.plan(id).await.unwrap().unwrap();
        assert_eq!(plan.events.len(), 1);
        assert_eq!(plan.history("payments.refunds").count(), 0);
        assert!(plan.decision("payments.pci").is_some());
        // A plain answer after it replaces the decision; the history keeps the mark.
        store
            .record_event(id, &answer("payments.pci", "Redis after all", 3))
            .await
            .unwrap();
        let plan = store.plan(id).await.unwrap().unwrap();
        assert!(plan.decision("payments.pci").is_none());
        assert!(plan.decision_withdrawn("payments.pci"));
        assert_eq!(
            plan.history("payments.pci")
                .filter(|e| e.decision.is_some())
                .count(),
            1
        );
    }
}
