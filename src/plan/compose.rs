//! A new checklist from a conversation, as the bot, the console and `scan` build it: the
//! packs that fit, the questions ranked for what was said (cut to the depth), their
//! suggested answers, and the team's own open questions first in their category.

use super::said::{self, Line};
use super::select::{self, Depth};
use super::{PlanError, PlanQuestion};
use crate::detect::PackRanker;
use crate::packs::PackSet;
use std::collections::BTreeSet;

/// What a new checklist holds: its packs, its questions, and what it could add later
/// (question id, pack id; best first).
#[derive(Debug, Clone, PartialEq)]
pub struct Composed {
    pub packs: Vec<String>,
    pub questions: Vec<PlanQuestion>,
    pub more: Vec<(String, String)>,
}

/// The checklist of `depth` for the conversation `lines`, or for the packs a person
/// `named` (each must exist; they keep every question, the conversation does not filter
/// them, but it still gives suggested answers and the team's questions). `disabled`
/// packs never fit by themselves.
pub fn compose(
    set: &PackSet,
    ranker: &PackRanker,
    lines: &[Line],
    named: Option<&[String]>,
    disabled: &BTreeSet<String>,
    depth: Depth,
) -> Result<Composed, PlanError> {
    if let Some(p) = named.into_iter().flatten().find(|p| set.get(p).is_none()) {
        return Err(PlanError::UnknownPack(p.clone()));
    }
    let texts: Vec<&str> = match named {
        Some(_) => Vec::new(),
        None => lines.iter().map(|l| l.prose.as_str()).collect(),
    };
    let team = said::team_questions(set, lines);
    let fits = ranker.rank(texts.iter().copied(), disabled);
    let c = select::checklist(set, &fits, &texts, named, depth, team.len());
    let mut questions = select::snapshot_of(set, &c.first, 1)?;
    let suggested = said::suggestions(set, &questions, lines);
    for (q, s) in questions.iter_mut().zip(suggested) {
        q.suggested = s;
    }
    Ok(Composed {
        packs: c.packs,
        questions: said::merge(said::team_plan_questions(&team), questions),
        more: c.rest.into_iter().map(|r| (r.id, r.pack)).collect(),
    })
}
