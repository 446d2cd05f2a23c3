//! `plancheck train` also fits the pack model (`prompts/pack_model.json`): for each shipped
//! domain or integration pack, a logistic regression that says whether it fits a feature
//! discussion, from the `packs` labels of the design corpus's feature conversations
//! (`batch*.jsonl`, never a validation split).
//!
//! Features per conversation: its distinct words and word pairs (those seen in at least
//! [`MIN_DOCS`] training conversations), scaled by 1/sqrt(distinct terms), and the pack's
//! own cue evidence (score and distinct words, see [`packfit::CueEvidence`]). Fitting is a
//! short, deterministic stochastic gradient descent (fixed seed, AdaGrad step sizes, L2 on
//! the weights a step touches), with the classes weighted to balance, since most packs fit
//! few conversations.

use super::EvalError;
use super::train::XorShift;
use crate::detect::normalize;
use crate::detect::packfit::{self, CueEvidence, PackModelFile, PackWeights};
use crate::detect::{PackRanker, packfit::PackModel};
use crate::packs::{PackKind, PackSet};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// A word or pair counts when at least this many training conversations hold it.
pub const MIN_DOCS: usize = 3;
pub const EPOCHS: u32 = 40;
pub const L2: f32 = 1e-3;
const STEP: f32 = 0.3;
const SEED: u64 = 0x9e37_79b9_7f4a_7c15;
/// Each pack keeps its this many strongest words and pairs (by absolute weight); the rest
/// are left out of the file, which keeps it small to read and to hold in memory.
pub const TERMS_PER_PACK: usize = 400;

/// One feature conversation: its normalised messages, the packs that fit it (best first)
/// and those a keyword match might suggest but that do not.
#[derive(Debug, Clone)]
pub struct Labeled {
    pub texts: Vec<String>,
    pub packs: Vec<String>,
    pub not_packs: Vec<String>,
}

/// The feature conversations of `(name, contents)` files (read by [`super::parse`]), from
/// the message where the feature starts, without authors, normalised as the bot
/// normalises messages.
pub fn labeled(files: &[(String, String)]) -> Result<Vec<Labeled>, EvalError> {
    let mut out = Vec::new();
    for (name, src) in files {
        for row in super::parse(name, src)? {
            if row.label != "feature" {
                continue;
            }
            let texts = row
                .lines()
                .into_iter()
                .skip(row.feature_from.unwrap_or(0))
                .map(|(_, text)| normalize::prose(text))
                .collect();
            out.push(Labeled {
                texts,
                packs: row.packs,
                not_packs: row.not_packs,
            });
        }
    }
    Ok(out)
}

struct Encoded {
    /// Vocabulary index, value.
    terms: Vec<(usize, f32)>,
    /// Cue evidence per pack, in the order of the packs trained.
    cues: Vec<CueEvidence>,
    packs: BTreeSet<String>,
}

/// Fits the pack model on `rows` for the domain and integration packs of `set`.
pub fn train(set: &PackSet, rows: &[Labeled]) -> PackModelFile {
    let ranker = PackRanker::with_model(set, PackModel::default());
    let pack_ids: Vec<String> = set
        .iter()
        .filter(|p| p.kind != PackKind::Core)
        .map(|p| p.id.clone())
        .collect();
    let term_sets: Vec<BTreeSet<String>> = rows
        .iter()
        .map(|r| packfit::terms(r.texts.iter().map(String::as_str)))
        .collect();
    let mut docs: BTreeMap<&str, usize> = BTreeMap::new();
    for t in &term_sets {
        for w in t {
            *docs.entry(w.as_str()).or_default() += 1;
        }
    }
    let vocab: Vec<&str> = docs
        .iter()
        .filter(|(_, n)| **n >= MIN_DOCS)
        .map(|(w, _)| *w)
        .collect();
    let index: HashMap<&str, usize> = vocab.iter().enumerate().map(|(i, w)| (*w, i)).collect();
    let encoded: Vec<Encoded> = rows
        .iter()
        .zip(&term_sets)
        .map(|(r, t)| {
            let scale = packfit::term_scale(t.len());
            Encoded {
                terms: t
                    .iter()
                    .filter_map(|w| index.get(w.as_str()).map(|i| (*i, scale)))
                    .collect(),
                cues: {
                    let all: HashMap<&str, CueEvidence> = ranker
                        .evidence(r.texts.iter().map(String::as_str))
                        .into_iter()
                        .collect();
                    pack_ids.iter().map(|id| all[id.as_str()]).collect()
                },
                packs: r.packs.iter().cloned().collect(),
            }
        })
        .collect();

    let mut packs = BTreeMap::new();
    for (pi, id) in pack_ids.iter().enumerate() {
        // Fit on every term, keep the strongest, and fit again on those alone, so the
        // file holds exactly the model that was fitted.
        let all = fit_one(&encoded, pi, id, vocab.len(), None);
        let mut strongest: Vec<usize> = (0..vocab.len()).collect();
        strongest.sort_by(|a, b| {
            all[3 + b]
                .abs()
                .total_cmp(&all[3 + a].abs())
                .then_with(|| a.cmp(b))
        });
        strongest.truncate(TERMS_PER_PACK);
        let keep: HashSet<usize> = strongest.iter().copied().collect();
        let w = fit_one(&encoded, pi, id, vocab.len(), Some(&keep));
        let terms = strongest
            .iter()
            .map(|i| (vocab[*i].to_string(), round(w[3 + i])))
            .collect();
        packs.insert(
            id.clone(),
            PackWeights {
                bias: round(w[0]),
                cue_score: round(w[1]),
                cue_words: round(w[2]),
                terms,
            },
        );
    }
    PackModelFile {
        about: "Whether a domain or integration pack fits a feature discussion: one logistic \
                regression per pack over the conversation's words and the pack's cues. \
                Written by `plancheck train`; see src/detect/packfit.rs."
            .into(),
        format: packfit::FORMAT,
        trained_on: Vec::new(),
        iterations: EPOCHS,
        l2: L2,
        packs,
    }
}

/// Trains the pack model on the design batches of `inputs` and records what it was
/// trained on.
pub fn build(set: &PackSet, inputs: &super::train::Inputs) -> Result<PackModelFile, EvalError> {
    let rows = labeled(&inputs.design)?;
    let mut m = train(set, &rows);
    m.trained_on = inputs
        .design
        .iter()
        .map(|(name, src)| super::train::described(name, src))
        .chain(set.iter().filter(|p| p.kind != PackKind::Core).map(|p| {
            format!(
                "prompts/packs/{}.toml cues (fnv {})",
                p.id,
                super::train::fingerprint(
                    p.cues
                        .iter()
                        .map(|c| format!("{} {}\n", c.weight, c.regex.as_str()))
                        .collect::<String>()
                        .as_bytes()
                )
            )
        }))
        .collect();
    Ok(m)
}

fn round(w: f32) -> f32 {
    (w * 1e4).round() / 1e4
}

/// Weights of one pack: `[bias, cue_score, cue_words, terms…]`.
/// With `keep`, only those terms (vocabulary indices) are features.
fn fit_one(
    rows: &[Encoded],
    pi: usize,
    id: &str,
    terms: usize,
    keep: Option<&HashSet<usize>>,
) -> Vec<f32> {
    let n = rows.len() as f32;
    let positives = rows.iter().filter(|r| r.packs.contains(id)).count() as f32;
    let (w_pos, w_neg) = if positives == 0.0 || positives == n {
        (1.0, 1.0)
    } else {
        (n / (2.0 * positives), n / (2.0 * (n - positives)))
    };
    let mut w = vec![0f32; 3 + terms];
    let mut g2 = vec![1e-6f32; 3 + terms];
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let mut rng = XorShift(SEED ^ (pi as u64 + 1).wrapping_mul(0x2545_f491_4f6c_dd1d));
    for _ in 0..EPOCHS {
        for i in (1..order.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        for &k in &order {
            let r = &rows[k];
            let cues = r.cues[pi];
            let mut x: Vec<(usize, f32)> = vec![
                (0, 1.0),
                (1, cues.score_feature()),
                (2, cues.words_feature()),
            ];
            x.extend(
                r.terms
                    .iter()
                    .filter(|(i, _)| keep.is_none_or(|k| k.contains(i)))
                    .map(|(i, v)| (i + 3, *v)),
            );
            let logit: f32 = x.iter().map(|(i, v)| w[*i] * v).sum();
            let p = 1.0 / (1.0 + (-logit).exp());
            let positive = r.packs.contains(id);
            let (y, weight) = if positive { (1.0, w_pos) } else { (0.0, w_neg) };
            let err = weight * (p - y);
            for (i, v) in x {
                let reg = if i == 0 { 0.0 } else { L2 * w[i] };
                let g = err * v + reg;
                g2[i] += g * g;
                w[i] -= STEP * g / g2[i].sqrt();
            }
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(texts: &[&str], packs: &[&str]) -> Labeled {
        Labeled {
            texts: texts.iter().map(|t| t.to_string()).collect(),
            packs: packs.iter().map(|p| p.to_string()).collect(),
            not_packs: Vec::new(),
        }
    }

    #[test]
    fn a_word_that_goes_with_a_pack_raises_its_fit_and_training_is_deterministic() {
        let set = PackSet::shipped().unwrap();
        let mut rows = Vec::new();
        for i in 0..12 {
            rows.push(row(
                &[&format!("the quorble ledger number {i}"), "sounds good"],
                &["fintech"],
            ));
            rows.push(row(
                &[&format!("the avatar crop size {i}"), "sounds good"],
                &["files"],
            ));
        }
        let file = train(&set, &rows);
        assert_eq!(file, train(&set, &rows), "same rows, same model");
        let model = PackModel::new(&file);
        let none = CueEvidence {
            score: 0.0,
            words: 0,
        };
        let fit = |id: &str, text: &str| {
            model
                .fit(id, &packfit::terms([text]), none)
                .unwrap()
                .probability
        };
        // "quorble" is in no cue: only the model can tie it to fintech.
        assert!(
            fit("fintech", "quorble") > 0.5,
            "{}",
            fit("fintech", "quorble")
        );
        assert!(fit("fintech", "avatar crop") < 0.5);
        assert!(fit("files", "avatar crop") > fit("files", "quorble"));
    }

    #[test]
    fn rows_are_read_from_the_feature_start_without_authors() {
        let src = concat!(
            r#"{"id": "t-1", "label": "feature", "packs": ["jobs"], "feature_from": 1, "messages": ["a: lunch?", "b: a nightly job"]}"#,
            "\n",
            r#"{"id": "t-2", "label": "not_feature", "messages": ["a: hi", "b: hi"]}"#,
            "\n"
        );
        let rows = labeled(&[("x.jsonl".into(), src.into())]).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].texts, vec!["a nightly job"]);
        assert_eq!(rows[0].packs, vec!["jobs"]);
        let err = labeled(&[("y.jsonl".into(), "{".into())]).err().unwrap();
        assert_eq!((err.file.as_str(), err.line), ("y.jsonl", 1));
    }
}
