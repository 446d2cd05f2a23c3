//! Which packs fit a discussion: every pack's cues scored over the whole window, and for
//! the packs the learned pack model knows (`prompts/pack_model.json`, see [`super::packfit`]),
//! its probability over the conversation's words and those cues.

use super::packfit::{self, CueEvidence, PackModel};
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
    /// How well it fits, the higher the better: for a pack the learned model knows,
    /// [`LEARNED_SCALE`] times its probability; otherwise the sum of its matched cue weights.
    pub score: f32,
    pub questions: usize,
    /// The words that made it fit (empty for a core pack offered by default).
    pub matched: Vec<String>,
}

/// A learned pack's score is this times its probability, so it sits on the cue scores'
/// scale (a pack at the fit threshold, 0.45, scores 2.7, above [`MIN_PACK_SCORE`]).
pub const LEARNED_SCALE: f32 = 6.0;

/// All pack cues in one `RegexSet`.
#[derive(Debug, Clone)]
pub struct PackRanker {
    set: RegexSet,
    /// (pack index in `packs`, weight, cue index within the pack) per pattern.
    owners: Vec<(usize, f32, usize)>,
    packs: Vec<RankerPack>,
    model: PackModel,
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
    /// A ranker for `packs` with the shipped pack model.
    pub fn new(packs: &PackSet) -> PackRanker {
        PackRanker::with_model(packs, PackModel::shipped())
    }

    /// A ranker for `packs` with `model` (an empty model: cues alone, as `plancheck
    /// train` needs to compute the cue features it learns from).
    pub fn with_model(packs: &PackSet, model: PackModel) -> PackRanker {
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
            model,
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

    /// Each pack's cue evidence over the texts of a discussion (in pack order): the sum of
    /// its matched cue weights (each cue once per message), its distinct matched words
    /// (lowercase, singular), and up to five of them as written.
    fn cue_evidence<'a>(
        &self,
        texts: impl IntoIterator<Item = &'a str>,
    ) -> Vec<(CueEvidence, BTreeSet<String>)> {
        let mut scores = vec![0f32; self.packs.len()];
        let mut words: Vec<BTreeSet<String>> = vec![BTreeSet::new(); self.packs.len()];
        let mut shown: Vec<BTreeSet<String>> = vec![BTreeSet::new(); self.packs.len()];
        for text in texts {
            for idx in self.set.matches(text).iter() {
                let (pi, w, ci) = self.owners[idx];
                scores[pi] += w;
                if w <= 0.0 {
                    continue;
                }
                for m in self.packs[pi].regexes[ci].find_iter(text) {
                    let word = m.as_str().to_lowercase();
                    words[pi].insert(singular(&word));
                    if shown[pi].len() < 5 {
                        shown[pi].insert(word);
                    }
                }
            }
        }
        scores
            .into_iter()
            .zip(words)
            .zip(shown)
            .map(|((score, words), shown)| {
                (
                    CueEvidence {
                        score,
                        words: words.len(),
                    },
                    shown,
                )
            })
            .collect()
    }

    /// Every pack's cue evidence over `texts` (what the pack model reads besides the
    /// words), by pack id, in pack order.
    pub fn evidence<'a>(
        &self,
        texts: impl IntoIterator<Item = &'a str>,
    ) -> Vec<(&str, CueEvidence)> {
        self.packs
            .iter()
            .zip(self.cue_evidence(texts))
            .map(|(p, (cues, _))| (p.id.as_str(), cues))
            .collect()
    }

    /// Ranks packs over the texts of a discussion. Core packs are always included. A pack
    /// the learned model knows fits by its probability and the cue words said (see
    /// [`packfit::fits`]); another (a server's own pack) when its cue score reaches
    /// [`MIN_PACK_SCORE`] with [`packfit::CLEAR_CUE_WORDS`] different words; never one in
    /// `disabled`. Highest score first, core packs after the others at equal
    /// score.
    pub fn rank<'a>(
        &self,
        texts: impl IntoIterator<Item = &'a str> + Clone,
        disabled: &BTreeSet<String>,
    ) -> Vec<PackMatch> {
        let evidence = self.cue_evidence(texts.clone());
        let terms = packfit::terms(texts);
        let mut out: Vec<PackMatch> = Vec::new();
        for (p, (cues, shown)) in self.packs.iter().zip(evidence) {
            if disabled.contains(&p.id) {
                continue;
            }
            let mut matched: Vec<String> = shown.into_iter().collect();
            let score = match p.kind {
                PackKind::Core => cues.score,
                _ => match self.model.fit(&p.id, &terms, cues) {
                    Some(f) => {
                        if !packfit::fits(f.probability, cues) {
                            continue;
                        }
                        for w in f.words {
                            if matched.len() < 5 && !matched.contains(&w) {
                                matched.push(w);
                            }
                        }
                        LEARNED_SCALE * f.probability
                    }
                    None if cues.score >= MIN_PACK_SCORE
                        && cues.words >= packfit::CLEAR_CUE_WORDS =>
                    {
                        cues.score
                    }
                    None => continue,
                },
            };
            out.push(PackMatch {
                id: p.id.clone(),
                name: p.name.clone(),
                kind: p.kind,
                score,
                questions: p.questions,
                matched,
            });
        }
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| (a.kind == PackKind::Core).cmp(&(b.kind == PackKind::Core)))
                .then_with(|| a.id.cmp(&b.id))
        });
        out
    }
}

/// "refunds" and "refund" are one word, so is "merchants" and "merchant".
pub fn singular(word: &str) -> String {
    let w = word.trim();
    if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") {
        w[..w.len() - 1].to_string()
    } else {
        w.to_string()
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
    fn a_pack_the_model_does_not_know_needs_two_different_cue_words() {
        let mut packs: Vec<crate::packs::Pack> =
            PackSet::shipped().unwrap().iter().cloned().collect();
        let own = "id = \"kiosk\"\nname = \"Kiosk\"\ndescription = \"d\"\nkind = \"domain\"\n\
                   [[cues]]\npattern = '\\b(kiosks?|tablets?)\\b'\nweight = 3.0\n\
                   [[questions]]\nid = \"kiosk.a\"\ncategory = \"api\"\ntext = \"A?\"\nwhy = \"b\"\n";
        packs.push(crate::packs::parse_pack("kiosk.toml", own).unwrap());
        let ranker = PackRanker::new(&PackSet::new(packs).unwrap());
        let none = BTreeSet::new();
        // One word, however strong its cue and however often: not enough.
        let m = ranker.rank(["the kiosk, the kiosks, one kiosk"], &none);
        assert!(!ids(&m).contains(&"kiosk"), "{:?}", ids(&m));
        // Two different words: it fits, on its cue score.
        let m = ranker.rank(["a kiosk mode for the tablet"], &none);
        let kiosk = m.iter().find(|p| p.id == "kiosk").expect("kiosk fits");
        assert_eq!(kiosk.score, 3.0);
    }

    #[test]
    fn a_disabled_pack_is_never_offered() {
        let disabled: BTreeSet<String> = ["payments".to_string()].into();
        let m = ranker().rank(["refund the card payment charge"], &disabled);
        assert!(!ids(&m).contains(&"payments"));
    }
}
