//! Detection quality on a labeled corpus (the format of `shared/corpus/dev.jsonl`).

use crate::detect::{self, ChatMessage, CompiledCues, Detector, PackRanker};
use crate::ids::{ChannelId, MessageId, UserId};
use chrono::{DateTime, Duration};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Debug, Clone, Deserialize)]
pub struct Row {
    pub id: String,
    pub source: String,
    pub label: String,
    pub text: String,
    #[serde(default)]
    pub n_messages: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct EvalError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// Confusion counts and the figures derived from them.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Scores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub tp: u32,
    pub fp: u32,
    #[serde(rename = "fn")]
    pub fn_: u32,
    pub tn: u32,
}

impl Scores {
    fn add(&mut self, predicted: bool, actual: bool) {
        match (predicted, actual) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }

    fn finish(mut self) -> Scores {
        let ratio = |a: u32, b: u32| {
            if b == 0 {
                0.0
            } else {
                f64::from(a) / f64::from(b)
            }
        };
        self.precision = ratio(self.tp, self.tp + self.fp);
        self.recall = ratio(self.tp, self.tp + self.fn_);
        self.f1 = if self.precision + self.recall == 0.0 {
            0.0
        } else {
            2.0 * self.precision * self.recall / (self.precision + self.recall)
        };
        self
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub sources: BTreeMap<String, Scores>,
    pub pooled: Scores,
}

/// Parses JSON lines; every bad line is reported with its number.
pub fn parse(file: &str, src: &str) -> Result<Vec<Row>, EvalError> {
    let mut rows = Vec::new();
    for (i, line) in src.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row: Row = serde_json::from_str(line).map_err(|e| EvalError {
            file: file.into(),
            line: i + 1,
            message: format!("not a corpus row: {e}"),
        })?;
        if row.label != "feature" && row.label != "not_feature" {
            return Err(EvalError {
                file: file.into(),
                line: i + 1,
                message: format!("label '{}' must be 'feature' or 'not_feature'", row.label),
            });
        }
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(EvalError {
            file: file.into(),
            line: 0,
            message: "no rows".into(),
        });
    }
    Ok(rows)
}

/// Whether a row would prompt: chat rows are fed line by line as one channel's
/// conversation, other rows as a single message.
pub fn predict(
    detector: &mut Detector,
    row: &Row,
    index: usize,
    settings: &detect::Settings,
) -> bool {
    let channel = ChannelId(index as u64 + 1);
    let start = DateTime::from_timestamp(1_700_000_000, 0).expect("valid timestamp");
    let lines: Vec<&str> = if row.n_messages.is_some() {
        row.text.lines().collect()
    } else {
        vec![row.text.as_str()]
    };
    let mut fired = false;
    for (i, line) in lines.iter().enumerate() {
        let msg = ChatMessage {
            id: MessageId(((index as u64) << 20) + i as u64 + 1),
            channel,
            author: UserId(1),
            author_is_bot: false,
            at: start + Duration::seconds(30 * i as i64),
            text: (*line).to_string(),
        };
        if detector.observe(&msg, settings).is_some() {
            fired = true;
            break;
        }
    }
    detector.forget(channel);
    fired
}

/// Scores every row at `settings`.
pub fn evaluate(
    rows: &[Row],
    cues: Arc<CompiledCues>,
    ranker: Arc<PackRanker>,
    settings: &detect::Settings,
) -> Report {
    let mut detector = Detector::new(cues, ranker);
    let mut sources: BTreeMap<String, Scores> = BTreeMap::new();
    let mut pooled = Scores::default();
    for (i, row) in rows.iter().enumerate() {
        let predicted = predict(&mut detector, row, i, settings);
        let actual = row.label == "feature";
        sources
            .entry(row.source.clone())
            .or_default()
            .add(predicted, actual);
        pooled.add(predicted, actual);
    }
    Report {
        sources: sources.into_iter().map(|(k, v)| (k, v.finish())).collect(),
        pooled: pooled.finish(),
    }
}

/// The report as a table.
pub fn table(report: &Report) -> String {
    let mut out = format!(
        "{:<16} {:>9} {:>7} {:>6} {:>5} {:>5} {:>5} {:>5}\n",
        "source", "precision", "recall", "f1", "tp", "fp", "fn", "tn"
    );
    let line = |name: &str, s: &Scores| {
        format!(
            "{:<16} {:>9.3} {:>7.3} {:>6.3} {:>5} {:>5} {:>5} {:>5}\n",
            name, s.precision, s.recall, s.f1, s.tp, s.fp, s.fn_, s.tn
        )
    };
    for (name, s) in &report.sources {
        out.push_str(&line(name, s));
    }
    out.push_str(&line("pooled", &report.pooled));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_computed_from_counts() {
        let mut s = Scores::default();
        for (p, a) in [
            (true, true),
            (true, true),
            (true, false),
            (false, true),
            (false, false),
        ] {
            s.add(p, a);
        }
        let s = s.finish();
        assert_eq!((s.tp, s.fp, s.fn_, s.tn), (2, 1, 1, 1));
        assert!((s.precision - 2.0 / 3.0).abs() < 1e-9);
        assert!((s.f1 - 2.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn a_bad_row_names_its_line() {
        let e = parse(
            "c.jsonl",
            "{\"id\":\"a\",\"source\":\"s\",\"label\":\"feature\",\"text\":\"x\"}\n{oops\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 2);
        let e = parse(
            "c.jsonl",
            "{\"id\":\"a\",\"source\":\"s\",\"label\":\"maybe\",\"text\":\"x\"}\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("label 'maybe'"), "{e}");
    }
}
