//! The learned detection model: a logistic regression over a conversation's features,
//! read from `prompts/model.json` (written by `plancheck train`, compiled in).
//!
//! Linear in its weights, so a conversation's score is cheap: a constant, plus one cached
//! contribution per message (its n-grams, cue families and the cues' score, design
//! vocabulary, "X or Y?"), summed and scaled by 1/sqrt(messages), plus terms for how
//! many people wrote and how many messages it has. The score is the model's
//! logit plus `offset`, so the default threshold (1.5) is a positive number and each
//! 0.25 the calibration adds is a quarter of a logit.

use super::cues::CompiledCues;
use super::features::{Signals, ngram_hash};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasherDefault;

/// The shipped model file.
pub const SHIPPED: &str = include_str!("../../prompts/model.json");

/// The model file, as `plancheck train` writes it (field order is the file's order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelFile {
    pub about: String,
    pub format: u32,
    /// What it was trained on: file names with row counts and a hash of their bytes.
    pub trained_on: Vec<String>,
    pub seed: u64,
    pub epochs: u32,
    /// Added to the logit: score = logit + offset.
    pub offset: f32,
    pub bias: f32,
    /// Each message of the conversation.
    pub per_message: f32,
    /// Distinct people who wrote: "1", "2", "3+".
    pub participants: BTreeMap<String, f32>,
    /// Messages in the conversation: "1", "2", "3-4", "5+".
    pub messages: BTreeMap<String, f32>,
    /// A pack cue matched in the message ("any"), three or more did ("many").
    pub vocab: BTreeMap<String, f32>,
    /// The message asks "X or Y?".
    pub weighs_approaches: f32,
    /// Times the hand-written cues' score of the message (`prompts/detection.toml`).
    pub cue_score: f32,
    /// Cue families of `prompts/detection.toml` by name (a family fired in the message).
    pub families: BTreeMap<String, f32>,
    /// Lowercase words and word pairs (a pair is two words and one space).
    pub ngrams: BTreeMap<String, f32>,
}

/// The model file format this build reads (2: n-grams scaled by 1/sqrt(distinct n-grams
/// per message, messages by 1/sqrt(messages per conversation)).
pub const FORMAT: u32 = 2;

pub const PARTICIPANT_BUCKETS: [&str; 3] = ["1", "2", "3+"];
pub const MESSAGE_BUCKETS: [&str; 4] = ["1", "2", "3-4", "5+"];
pub const VOCAB_KEYS: [&str; 2] = ["any", "many"];
/// Pack cue hits from which vocabulary counts as "many".
pub const VOCAB_MANY: usize = 3;

pub fn participant_bucket(n: usize) -> usize {
    n.clamp(1, 3) - 1
}

pub fn message_bucket(n: usize) -> usize {
    match n {
        0 | 1 => 0,
        2 => 1,
        3 | 4 => 2,
        _ => 3,
    }
}

/// The model resolved against a cue set: family weights by family index, n-grams by hash.
#[derive(Debug, Clone)]
pub struct Model {
    pub offset: f32,
    pub bias: f32,
    pub per_message: f32,
    participants: [f32; 3],
    messages: [f32; 4],
    vocab_any: f32,
    vocab_many: f32,
    weighs: f32,
    cue_score: f32,
    /// By the cue set's family index; families the model does not know weigh 0.
    families: Vec<f32>,
    ngrams: std::sync::Arc<NgramTable>,
}

type NgramTable = HashMap<u64, f32, BuildHasherDefault<super::IdHasher>>;

/// The shipped model file and its n-gram table, parsed once per process.
static SHIPPED_MODEL: std::sync::OnceLock<(ModelFile, std::sync::Arc<NgramTable>)> =
    std::sync::OnceLock::new();

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct ModelError {
    pub file: String,
    pub message: String,
}

impl ModelFile {
    pub fn parse(file: &str, src: &str) -> Result<ModelFile, ModelError> {
        let m: ModelFile = serde_json::from_str(src).map_err(|e| ModelError {
            file: file.into(),
            message: format!("not a model file: {e}"),
        })?;
        if m.format != FORMAT {
            return Err(ModelError {
                file: file.into(),
                message: format!(
                    "model format {} (this build reads format {FORMAT})",
                    m.format
                ),
            });
        }
        Ok(m)
    }

    pub fn shipped() -> ModelFile {
        ModelFile::parse("prompts/model.json", SHIPPED).expect("the shipped model parses")
    }

    /// The shipped model resolved against `cues`; the file is parsed once per process.
    pub fn shipped_model(cues: &CompiledCues) -> Model {
        let (file, table) = SHIPPED_MODEL.get_or_init(|| {
            let file = ModelFile::shipped();
            let table = std::sync::Arc::new(file.ngram_table());
            (file, table)
        });
        file.compile_with(cues, table.clone())
    }

    fn ngram_table(&self) -> NgramTable {
        self.ngrams
            .iter()
            .map(|(k, w)| (ngram_hash(k), *w))
            .collect()
    }

    /// Resolves family names against `cues` (unknown families weigh 0).
    pub fn compile(&self, cues: &CompiledCues) -> Model {
        self.compile_with(cues, std::sync::Arc::new(self.ngram_table()))
    }

    fn compile_with(&self, cues: &CompiledCues, ngrams: std::sync::Arc<NgramTable>) -> Model {
        let bucket = |map: &BTreeMap<String, f32>, key: &str| map.get(key).copied().unwrap_or(0.0);
        Model {
            offset: self.offset,
            bias: self.bias,
            per_message: self.per_message,
            participants: PARTICIPANT_BUCKETS.map(|k| bucket(&self.participants, k)),
            messages: MESSAGE_BUCKETS.map(|k| bucket(&self.messages, k)),
            vocab_any: bucket(&self.vocab, "any"),
            vocab_many: bucket(&self.vocab, "many"),
            weighs: self.weighs_approaches,
            cue_score: self.cue_score,
            families: cues
                .families
                .iter()
                .map(|(name, _)| bucket(&self.families, name))
                .collect(),
            ngrams,
        }
    }
}

impl Model {
    /// The weight of one n-gram (0 when the model does not know it).
    pub fn ngram(&self, hash: u64) -> f32 {
        self.ngrams.get(&hash).copied().unwrap_or(0.0)
    }

    /// The weight of cue family `index`.
    pub fn family(&self, index: usize) -> f32 {
        self.families.get(index).copied().unwrap_or(0.0)
    }

    /// What a message's signals add (n-grams aside).
    pub fn signals(&self, s: &Signals) -> f32 {
        let mut sum = 0.0;
        let mut bits = s.families;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            sum += self.family(i);
            bits &= bits - 1;
        }
        if s.vocab > 0 {
            sum += self.vocab_any;
        }
        if s.vocab >= VOCAB_MANY {
            sum += self.vocab_many;
        }
        if s.weighs {
            sum += self.weighs;
        }
        sum + self.cue_score * s.cue_score
    }

    /// The score of a conversation whose messages' contributions (each including
    /// `per_message`) add up to `sum`: their sum over the square root of their count (so
    /// a long conversation is judged by how its messages read, not by how many there
    /// are), plus terms for participants and length.
    pub fn conversation(&self, sum: f32, participants: usize, messages: usize) -> f32 {
        self.offset
            + self.bias
            + sum * super::features::inv_sqrt(messages)
            + self.participants[participant_bucket(participants)]
            + self.messages[message_bucket(messages)]
    }

    /// The weight of the "X or Y?" signal.
    pub fn weighs_weight(&self) -> f32 {
        self.weighs
    }

    /// The weight of the cues' score.
    pub fn cue_weight(&self) -> f32 {
        self.cue_score
    }

    /// The weights of "any" and "many" design vocabulary.
    pub fn vocab_weights(&self) -> (f32, f32) {
        (self.vocab_any, self.vocab_many)
    }
}
