//! The learned pack fit: for each shipped domain or integration pack, a logistic regression
//! over the words of a conversation and its pack cues, read from `prompts/pack_model.json`
//! (written by `plancheck train`, compiled in).
//!
//! Hand-written cues alone miss most conversations they were not written for (a team
//! discussing "parent accounts" never says "role" or "permission"); the model learns from
//! the labeled design corpus which words go with which pack, and still counts the pack's
//! cues as evidence. A pack the model does not know (a server's own pack) fits by its cues
//! alone, as before.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The shipped model file.
pub const SHIPPED: &str = include_str!("../../prompts/pack_model.json");

/// The file format this build reads.
pub const FORMAT: u32 = 1;

/// A pack the model knows fits when its probability reaches this ...
pub const FIT_PROBABILITY: f32 = 0.45;

/// ... and its cues were clearly said: [`CLEAR_CUE_WORDS`] different cue words, or one
/// from a cue of at least this weight. A single ambiguous word ("invoice", "export", "comment": pack authors
/// give such cues weights of 1 or less) is not a reason to ask a whole domain's questions,
/// whatever the rest of the conversation; a pack none of whose cues were said never fits.
pub const ONE_WORD_MIN_SCORE: f32 = 1.5;

/// Different cue words (a plural is not a second word) that say a pack's subject was
/// clearly discussed, whatever their weights.
pub const CLEAR_CUE_WORDS: usize = 2;

/// Whether a pack the model knows fits: its probability and its cue evidence.
pub fn fits(probability: f32, cues: CueEvidence) -> bool {
    let said =
        cues.words >= CLEAR_CUE_WORDS || (cues.words == 1 && cues.score >= ONE_WORD_MIN_SCORE);
    said && probability >= FIT_PROBABILITY
}

/// At most this many distinct matched cue words count (the `cue_words` feature is
/// `min(words, CUE_WORDS_CAP) / CUE_WORDS_CAP`).
pub const CUE_WORDS_CAP: usize = 3;

/// The pack model file, as `plancheck train` writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackModelFile {
    pub about: String,
    pub format: u32,
    /// What it was trained on: file names with row counts and a hash of their bytes.
    pub trained_on: Vec<String>,
    pub iterations: u32,
    pub l2: f32,
    /// Weights by pack id.
    pub packs: BTreeMap<String, PackWeights>,
}

/// One pack's weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackWeights {
    pub bias: f32,
    /// Times the pack's cue score (the sum of its matched cue weights), clamped to -4..=8,
    /// over 4.
    pub cue_score: f32,
    /// Times min(distinct matched cue words, 3) / 3.
    pub cue_words: f32,
    /// Words and word pairs of the conversation (lowercase; a pair is two words and one
    /// space), each counted once and scaled by 1/sqrt(distinct terms).
    pub terms: BTreeMap<String, f32>,
}

impl PackModelFile {
    pub fn parse(name: &str, src: &str) -> Result<PackModelFile, String> {
        let m: PackModelFile = serde_json::from_str(src).map_err(|e| format!("{name}: {e}"))?;
        if m.format != FORMAT {
            return Err(format!(
                "{name}: format {}, this build reads format {FORMAT}",
                m.format
            ));
        }
        Ok(m)
    }

    pub fn shipped() -> PackModelFile {
        PackModelFile::parse("prompts/pack_model.json", SHIPPED)
            .expect("the shipped pack model parses")
    }

    /// The file as written: pretty JSON ending in a newline.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a pack model serialises") + "\n"
    }
}

/// Words that say nothing about a domain on their own: a term made only of these (or of
/// words shorter than three letters) is not counted.
const FILLER: &[&str] = &[
    "about", "after", "all", "also", "and", "any", "are", "but", "can", "could", "did", "does",
    "for", "from", "get", "got", "had", "has", "have", "how", "its", "just", "like", "more", "not",
    "now", "one", "only", "our", "out", "own", "same", "should", "some", "than", "that", "the",
    "their", "them", "then", "there", "these", "they", "this", "too", "was", "way", "we'd",
    "we'll", "we're", "were", "what", "when", "where", "which", "who", "why", "will", "with",
    "would", "yeah", "yes", "you", "your",
];

fn says_something(word: &str) -> bool {
    word.len() >= 3 && !FILLER.contains(&word)
}

/// The distinct words and word pairs of a conversation's texts (normalised prose), as the
/// model counts them: lowercase runs of letters, digits, `_` and `'` that start with a
/// letter; pairs within one message; a term needs one word of three letters or more that
/// is not filler ("the", "when", "should").
pub fn terms<'a>(texts: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for text in texts {
        let lower = text.to_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '\''))
            .map(|w| w.trim_matches('\''))
            .filter(|w| w.len() > 1 && w.starts_with(|c: char| c.is_ascii_alphabetic()))
            .collect();
        for (i, w) in words.iter().enumerate() {
            if says_something(w) {
                out.insert((*w).to_string());
            }
            if let Some(next) = words.get(i + 1) {
                if says_something(w) || says_something(next) {
                    out.insert(format!("{w} {next}"));
                }
            }
        }
    }
    out
}

/// The features of one conversation for one pack, as the model reads them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CueEvidence {
    /// The sum of the pack's matched cue weights (each cue once per message).
    pub score: f32,
    /// Distinct words its cues matched.
    pub words: usize,
}

impl CueEvidence {
    /// The cue score, clamped to -4..=8, over 4.
    pub fn score_feature(self) -> f32 {
        self.score.clamp(-4.0, 8.0) / 4.0
    }

    pub fn words_feature(self) -> f32 {
        self.words.min(CUE_WORDS_CAP) as f32 / CUE_WORDS_CAP as f32
    }
}

/// 1/sqrt(distinct terms): a long conversation's words do not outweigh its cues.
pub fn term_scale(n: usize) -> f32 {
    1.0 / (n.max(1) as f32).sqrt()
}

/// The model resolved for lookups.
#[derive(Debug, Clone, Default)]
pub struct PackModel {
    packs: HashMap<String, Resolved>,
}

#[derive(Debug, Clone)]
struct Resolved {
    bias: f32,
    cue_score: f32,
    cue_words: f32,
    terms: HashMap<String, f32>,
}

/// How well a pack fits, by the model: its probability and the conversation's words that
/// raised it most.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub probability: f32,
    pub words: Vec<String>,
}

impl PackModel {
    pub fn new(file: &PackModelFile) -> PackModel {
        PackModel {
            packs: file
                .packs
                .iter()
                .map(|(id, w)| {
                    let r = Resolved {
                        bias: w.bias,
                        cue_score: w.cue_score,
                        cue_words: w.cue_words,
                        terms: w.terms.iter().map(|(t, x)| (t.clone(), *x)).collect(),
                    };
                    (id.clone(), r)
                })
                .collect(),
        }
    }

    pub fn shipped() -> PackModel {
        PackModel::new(&PackModelFile::shipped())
    }

    /// The fit of pack `id` for a conversation with `terms` and cue evidence `cues`; `None`
    /// for a pack the model does not know.
    pub fn fit(&self, id: &str, terms: &BTreeSet<String>, cues: CueEvidence) -> Option<Fit> {
        let w = self.packs.get(id)?;
        let scale = term_scale(terms.len());
        let mut contributions: Vec<(&str, f32)> = terms
            .iter()
            .filter_map(|t| w.terms.get(t).map(|x| (t.as_str(), x * scale)))
            .collect();
        let logit = w.bias
            + w.cue_score * cues.score_feature()
            + w.cue_words * cues.words_feature()
            + contributions.iter().map(|(_, x)| x).sum::<f32>();
        contributions.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let words = contributions
            .iter()
            .filter(|(_, x)| *x > 0.0)
            .take(3)
            .map(|(t, _)| (*t).to_string())
            .collect();
        Some(Fit {
            probability: 1.0 / (1.0 + (-logit).exp()),
            words,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_lowercase_words_and_pairs_within_a_message() {
        let t = terms(["Sign the Webhook", "retry it"]);
        let got: Vec<&str> = t.iter().map(String::as_str).collect();
        assert_eq!(
            got,
            vec![
                "retry",
                "retry it",
                "sign",
                "sign the",
                "the webhook",
                "webhook"
            ]
        );
        // No pair across messages, no filler alone, no one-letter words or leading digits.
        assert!(!t.contains("webhook retry"));
        assert!(terms(["when the", "a 5xx x"]).is_empty());
    }

    #[test]
    fn the_fit_adds_bias_cues_and_scaled_terms() {
        let file = PackModelFile {
            about: String::new(),
            format: FORMAT,
            trained_on: Vec::new(),
            iterations: 0,
            l2: 0.0,
            packs: [(
                "p".to_string(),
                PackWeights {
                    bias: -1.0,
                    cue_score: 1.0,
                    cue_words: 0.0,
                    terms: [("ledger".to_string(), 2.0), ("hello".to_string(), -1.0)].into(),
                },
            )]
            .into(),
        };
        let model = PackModel::new(&file);
        let none = CueEvidence {
            score: 0.0,
            words: 0,
        };
        // Three terms: "ledger", "hello", "ledger hello"; scale 1/sqrt(3).
        let t = terms(["ledger hello"]);
        assert_eq!(t.len(), 3);
        let f = model.fit("p", &t, none).unwrap();
        let logit = -1.0 + (2.0 - 1.0) / 3f32.sqrt();
        assert!((f.probability - 1.0 / (1.0 + (-logit).exp())).abs() < 1e-6);
        assert_eq!(f.words, vec!["ledger"]);
        // Cue evidence raises it; an unknown pack has no fit.
        let cued = model
            .fit(
                "p",
                &t,
                CueEvidence {
                    score: 4.0,
                    words: 2,
                },
            )
            .unwrap();
        assert!(cued.probability > f.probability);
        assert!(model.fit("other", &t, none).is_none());
    }

    #[test]
    fn the_shipped_model_parses_and_a_wrong_format_is_refused() {
        let m = PackModelFile::shipped();
        assert!(!m.packs.is_empty());
        let bad = SHIPPED.replacen("\"format\": 1", "\"format\": 9", 1);
        let err = PackModelFile::parse("x.json", &bad).unwrap_err();
        assert!(err.contains("x.json") && err.contains("format 9"), "{err}");
    }
}
