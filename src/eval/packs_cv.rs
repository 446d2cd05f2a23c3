//! Cross-validation of the pack model (`plancheck train --cv`): each design batch file (one
//! writer's conversations) is ranked by a pack model trained on the other files, with the
//! shipped packs' cues, exactly as the bot ranks a discussion. The figures are those of
//! `tests/checklists.rs`: the two packs a writer named first among the three best-fitting,
//! the packs they ruled out kept out, and how many fitting packs the writer did not name.

use super::EvalError;
use super::train_packs::{self, Labeled};
use crate::detect::PackRanker;
use crate::detect::packfit::PackModel;
use crate::packs::{PackKind, PackSet};
use std::collections::BTreeSet;

/// Pooled over the held-out files.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PackCv {
    /// Feature conversations scored.
    pub conversations: usize,
    /// The first two named packs are all among the three best-fitting ones.
    pub named_in_top3: usize,
    /// No ruled-out pack fits.
    pub ruled_out_kept_out: usize,
    /// Named packs (all of them) that fit.
    pub named_found: usize,
    pub named: usize,
    /// Fitting packs the writer did not name.
    pub unnamed_fitting: usize,
    pub fitting: usize,
}

impl PackCv {
    pub fn table(&self) -> String {
        let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
        format!(
            "Pack model, each batch file held out in turn ({} feature conversations)\n\
             named packs in the top three  {:>5.1} %\n\
             ruled-out packs kept out      {:>5.1} %\n\
             named packs that fit          {:>5.1} % ({}/{})\n\
             fitting packs not named       {:>5.1} % ({}/{})\n",
            self.conversations,
            pct(self.named_in_top3, self.conversations),
            pct(self.ruled_out_kept_out, self.conversations),
            pct(self.named_found, self.named),
            self.named_found,
            self.named,
            pct(self.unnamed_fitting, self.fitting),
            self.unnamed_fitting,
            self.fitting,
        )
    }

    /// Adds how `ranker` ranks `rows`.
    fn score(&mut self, ranker: &PackRanker, rows: &[Labeled]) {
        for row in rows {
            let fitting: Vec<String> = ranker
                .rank(row.texts.iter().map(String::as_str), &BTreeSet::new())
                .into_iter()
                .filter(|p| p.kind != PackKind::Core)
                .map(|p| p.id)
                .collect();
            self.conversations += 1;
            let top3 = &fitting[..fitting.len().min(3)];
            if row.packs.iter().take(2).all(|p| top3.contains(p)) {
                self.named_in_top3 += 1;
            }
            if !row.not_packs.iter().any(|p| fitting.contains(p)) {
                self.ruled_out_kept_out += 1;
            }
            self.named += row.packs.len();
            self.named_found += row.packs.iter().filter(|p| fitting.contains(p)).count();
            self.fitting += fitting.len();
            self.unnamed_fitting += fitting.iter().filter(|p| !row.packs.contains(p)).count();
        }
    }
}

/// Holds out each of `files` in turn (the design batches, `(name, contents)`).
pub fn cross_validate(set: &PackSet, files: &[(String, String)]) -> Result<PackCv, EvalError> {
    let per_file: Vec<Vec<Labeled>> = files
        .iter()
        .map(|f| train_packs::labeled(std::slice::from_ref(f)))
        .collect::<Result<_, _>>()?;
    let mut cv = PackCv::default();
    for (k, held_out) in per_file.iter().enumerate() {
        let train: Vec<Labeled> = per_file
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != k)
            .flat_map(|(_, rows)| rows.iter().cloned())
            .collect();
        let model = PackModel::new(&train_packs::train(set, &train));
        cv.score(&PackRanker::with_model(set, model), held_out);
    }
    Ok(cv)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(name: &str, word: &str, pack: &str) -> (String, String) {
        let rows: String = (0..10)
            .map(|i| {
                format!(
                    r#"{{"id": "{name}-{i}", "label": "feature", "packs": ["{pack}"], "not_packs": ["search"], "messages": ["a: the {word} flow {i}", "b: a nightly job for the {word}"]}}"#
                ) + "\n"
            })
            .collect();
        (format!("{name}.jsonl"), rows)
    }

    #[test]
    fn each_file_is_scored_by_a_model_that_never_saw_it() {
        let set = PackSet::shipped().unwrap();
        // "quorble" goes with fintech in two files: held out, each is still ranked by a
        // model that learned it from the other.
        let files = [
            batch("b1", "quorble", "fintech"),
            batch("b2", "quorble", "fintech"),
        ];
        let cv = cross_validate(&set, &files).unwrap();
        assert_eq!(cv.conversations, 20);
        assert_eq!(cv.named, 20);
        assert_eq!(cv.ruled_out_kept_out, 20, "{cv:?}");
        // A word only one file uses cannot be learned when that file is held out.
        let files = [
            batch("b1", "quorble", "fintech"),
            batch("b2", "zindle", "fintech"),
        ];
        let other = cross_validate(&set, &files).unwrap();
        assert!(other.named_found <= cv.named_found, "{other:?} {cv:?}");
        assert!(cv.table().contains("20 feature conversations"));
    }

    #[test]
    fn a_broken_file_is_named() {
        let set = PackSet::shipped().unwrap();
        let err = cross_validate(&set, &[("bad.jsonl".into(), "{".into())]).unwrap_err();
        assert_eq!((err.file.as_str(), err.line), ("bad.jsonl", 1));
    }
}
