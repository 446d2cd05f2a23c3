//! Which packs fit a discussion: every pack's cues scored over the whole window.

use crate::packs::{PackKind, PackSet};
use regex::RegexSet;
use serde::Serialize;
use std::collections::BTreeSet;

/// A pack that fits, with why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PackMatch {
    pub id: String,
    pub name: String,
    pub kind: PackKind,
    pub score: f32,
    pub questions: usize,
    /// The words that made it fit (empty for a core pack offered by default).
    pub matched: Vec<String>,
}

/// All pack cues in one `RegexSet`.
#[derive(Debug, Clone)]
pub struct PackRanker {
    set: RegexSet,
    /// (pack index in `packs`, weight, cue index within the pack) per pattern.
    owners: Vec<(usize, f32, usize)>,
    packs: Vec<RankerPack>,
}

#[derive(Debug, Clone)]
struct RankerPack {
    id: String,
    name: String,
    kind: PackKind,
    questions: usize,
    regexes: Vec<regex::Regex>,
}

/// A domain or integration pack needs at least this score to be offered.
pub const MIN_PACK_SCORE: f32 = 2.0;

impl PackRanker {
    pub fn new(packs: &PackSet) -> PackRanker {
        let mut owners = Vec::new();
        let mut list = Vec::new();
        for (pi, pack) in packs.iter().enumerate() {
            for (ci, cue) in pack.cues.iter().enumerate() {
                owners.push((pi, cue.weight, ci));
            }
            list.push(RankerPack {
                id: pack.id.clone(),
                name: pack.name.clone(),
                kind: pack.kind,
                questions: pack.questions.len(),
                regexes: pack.cues.iter().map(|c| c.regex.clone()).collect(),
            });
        }
        PackRanker {
            // Compiled once by the pack set, in the same pack-then-cue order as `owners`.
            set: packs.cue_set().clone(),
            owners,
            packs: list,
        }
    }

    /// How many pack cues match `text` (design vocabulary, a detection feature).
    pub fn cue_hits(&self, text: &str) -> usize {
        if !self.set.is_match(text) {
            return 0;
        }
        self.set.matches(text).iter().count()
    }

    /// The words of `text` that pack cues matched (lowercase, distinct, at most five).
    pub fn cue_words(&self, text: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for idx in self.set.matches(text).iter() {
            let (pi, _, ci) = self.owners[idx];
            if let Some(m) = self.packs[pi].regexes[ci].find(text) {
                let w = m.as_str().to_lowercase();
                if !out.contains(&w) && out.len() < 5 {
                    out.push(w);
                }
            }
        }
        out
    }

    /// Ranks packs over the texts of a discussion. Each cue counts once per message, and a
    /// pack's score is the sum over messages. Core packs are always included; others when
    /// they reach [`MIN_PACK_SCORE`] and are not in `disabled`. Highest score first, core
    /// packs after the others at equal score.
    pub fn rank<'a>(
        &self,
        texts: impl IntoIterator<Item = &'a str>,
        disabled: &BTreeSet<String>,
    ) -> Vec<PackMatch> {
        let mut scores = vec![0f32; self.packs.len()];
        let mut matched: Vec<BTreeSet<String>> = vec![BTreeSet::new(); self.packs.len()];
        for text in texts {
            for idx in self.set.matches(text).iter() {
                let (pi, w, ci) = self.owners[idx];
                scores[pi] += w;
                if matched[pi].len() < 5 {
                    if let Some(m) = self.packs[pi].regexes[ci].find(text) {
                        matched[pi].insert(m.as_str().to_lowercase());
                    }
                }
            }
        }
        let mut out: Vec<PackMatch> = self
            .packs
            .iter()
            .enumerate()
            .filter(|(i, p)| {
                !disabled.contains(&p.id)
                    && (p.kind == PackKind::Core || scores[*i] >= MIN_PACK_SCORE)
            })
            .map(|(i, p)| PackMatch {
                id: p.id.clone(),
                name: p.name.clone(),
                kind: p.kind,
                score: scores[i],
                questions: p.questions,
                matched: std::mem::take(&mut matched[i]).into_iter().collect(),
            })
            .collect();
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| (a.kind == PackKind::Core).cmp(&(b.kind == PackKind::Core)))
                .then_with(|| a.id.cmp(&b.id))
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranker() -> PackRanker {
        PackRanker::new(&PackSet::shipped().unwrap())
    }

    fn ids(m: &[PackMatch]) -> Vec<&str> {
        m.iter().map(|p| p.id.as_str()).collect()
    }

    #[test]
    fn core_packs_are_always_offered() {
        let m = ranker().rank(["hello there"], &BTreeSet::new());
        let mut got = ids(&m);
        got.sort();
        assert_eq!(got, vec!["api", "data_model", "errors", "performance"]);
    }

    #[test]
    fn payments_talk_ranks_the_payments_pack_first() {
        let m = ranker().rank(
            [
                "we should let customers get a refund for a card payment",
                "the charge must not happen twice",
            ],
            &BTreeSet::new(),
        );
        assert_eq!(m[0].id, "payments", "{:?}", ids(&m));
        assert!(m[0].matched.contains(&"refund".to_string()));
    }

    #[test]
    fn a_disabled_pack_is_never_offered() {
        let disabled: BTreeSet<String> = ["payments".to_string()].into();
        let m = ranker().rank(["refund the card payment charge"], &disabled);
        assert!(!ids(&m).contains(&"payments"));
    }
}
