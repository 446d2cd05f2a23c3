//! Detection quality on a labeled corpus (the format of `shared/corpus/dev.jsonl`).

pub mod packs_cv;
mod plot;
pub mod train;
pub mod train_packs;
pub use plot::plot_svg;

use crate::detect::{self, ChatMessage, CompiledCues, Detector, PackRanker};
use crate::ids::{ChannelId, MessageId, UserId};
use chrono::{DateTime, Duration};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A labeled row: a text (`dev.jsonl`: a forum sentence, an issue, or a chat dialog with
/// one message a line when `n_messages` is set) or a conversation (`messages`, each
/// `"name: text"`, as in `prompts/training/`).
#[derive(Debug, Clone, Deserialize)]
pub struct Row {
    pub id: String,
    /// Rows without one get a source from the file (see [`parse`]).
    #[serde(default)]
    pub source: String,
    pub label: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub n_messages: Option<usize>,
    #[serde(default)]
    pub messages: Option<Vec<String>>,
    /// Sub-source (the repository of an issue), for grouped cross-validation.
    #[serde(default)]
    pub group: Option<String>,
    /// Conversations: the first message of the feature discussion.
    #[serde(default)]
    pub feature_from: Option<usize>,
    /// Conversations: the product domain (`community` for open-source community chat).
    #[serde(default)]
    pub domain: Option<String>,
    /// Feature conversations: the domain and integration packs that fit, best first.
    #[serde(default)]
    pub packs: Vec<String>,
    /// Feature conversations: packs a keyword might suggest that do not fit.
    #[serde(default)]
    pub not_packs: Vec<String>,
}

impl Row {
    /// The row as `(author, text)` messages in order. Conversation authors are their
    /// names; a chat dialog's lines and a single text have no names (`""`).
    pub fn lines(&self) -> Vec<(&str, &str)> {
        match &self.messages {
            Some(msgs) => msgs
                .iter()
                .map(|m| match m.split_once(": ") {
                    Some((name, text)) if !name.is_empty() && name.len() <= 40 => (name, text),
                    _ => ("", m.as_str()),
                })
                .collect(),
            None if self.n_messages.is_some() => self.text.lines().map(|l| ("", l)).collect(),
            None => vec![("", self.text.as_str())],
        }
    }
}

/// The source of rows that name none: the folder of the file (`…/design/batch1.jsonl` →
/// `design`), else the file's name without extension.
pub fn default_source(file: &str) -> String {
    let path = std::path::Path::new(file);
    path.parent()
        .and_then(|p| p.file_name())
        .or_else(|| path.file_stem())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "rows".into())
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
        let mut row: Row = serde_json::from_str(line).map_err(|e| EvalError {
            file: file.into(),
            line: i + 1,
            message: format!("not a corpus row: {e}"),
        })?;
        if row.source.is_empty() {
            row.source = default_source(file);
        }
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

/// A row as one channel's consecutive messages, 30 seconds apart; conversation authors
/// get one user id per distinct name, unnamed lines all the same one.
pub fn messages(row: &Row, index: usize) -> Vec<ChatMessage> {
    let channel = ChannelId(index as u64 + 1);
    let start = DateTime::from_timestamp(1_700_000_000, 0).expect("valid timestamp");
    let mut names: Vec<&str> = Vec::new();
    row.lines()
        .into_iter()
        .enumerate()
        .map(|(i, (name, text))| {
            let author = match names.iter().position(|n| *n == name) {
                Some(p) => p,
                None => {
                    names.push(name);
                    names.len() - 1
                }
            };
            ChatMessage {
                id: MessageId(((index as u64) << 20) + i as u64 + 1),
                channel,
                author: UserId(author as u64 + 1),
                author_is_bot: false,
                at: start + Duration::seconds(30 * i as i64),
                text: text.to_string(),
                reply_to: None,
                author_name: String::new(),
            }
        })
        .collect()
}

/// The highest window score a row reaches (chat rows fed line by line as one channel's
/// conversation, other rows as one message); `None` when no message carries intent. A
/// row prompts at threshold `t` exactly when its peak is at least `t`.
pub fn peak(
    detector: &mut Detector,
    row: &Row,
    index: usize,
    settings: &detect::Settings,
) -> Option<f32> {
    let msgs = messages(row, index);
    let peak = msgs
        .iter()
        .filter_map(|m| detector.window_score(m, settings))
        .reduce(f32::max);
    detector.forget(ChannelId(index as u64 + 1));
    peak
}

/// Every row's peak.
pub fn peaks(
    rows: &[Row],
    detector: &mut Detector,
    settings: &detect::Settings,
) -> Vec<Option<f32>> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| peak(detector, r, i, settings))
        .collect()
}

/// Scores every row at `threshold`, given their peaks.
pub fn report_at(rows: &[Row], peaks: &[Option<f32>], threshold: f32) -> Report {
    let mut sources: BTreeMap<String, Scores> = BTreeMap::new();
    let mut pooled = Scores::default();
    for (row, peak) in rows.iter().zip(peaks) {
        let predicted = peak.is_some_and(|p| p >= threshold);
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

/// Scores every row at `settings.threshold`.
pub fn evaluate(
    rows: &[Row],
    cues: Arc<CompiledCues>,
    ranker: Arc<PackRanker>,
    settings: &detect::Settings,
) -> Report {
    let mut detector = Detector::new(cues, ranker);
    report_at(
        rows,
        &peaks(rows, &mut detector, settings),
        settings.threshold,
    )
}

/// Thresholds from 0.5 to 10 in steps of 0.25.
pub fn sweep_thresholds() -> Vec<f32> {
    (2..=40).map(|i| i as f32 * 0.25).collect()
}

/// The sweep as a table: one line per threshold and source.
pub fn sweep_table(rows: &[Row], peaks: &[Option<f32>], current: f32) -> String {
    let mut out = format!(
        "{:>9} {:<16} {:>9} {:>7} {:>6}\n",
        "threshold", "source", "precision", "recall", "f1"
    );
    for t in sweep_thresholds() {
        let r = report_at(rows, peaks, t);
        let mark = if (t - current).abs() < 1e-6 {
            " ←"
        } else {
            ""
        };
        for (name, s) in r
            .sources
            .iter()
            .map(|(n, s)| (n.as_str(), s))
            .chain([("pooled", &r.pooled)])
        {
            out.push_str(&format!(
                "{t:>9.2} {name:<16} {:>9.3} {:>7.3} {:>6.3}{mark}\n",
                s.precision, s.recall, s.f1
            ));
        }
    }
    out
}

/// A row the detector got wrong, with why.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorCase {
    pub id: String,
    pub source: String,
    pub label: String,
    pub peak: Option<f32>,
    /// The message that scored highest (or the row's first line).
    pub message: String,
    /// `+family "words" (weight)` for each feature that weighed in that message, strongest
    /// first (`-` when it spoke against a feature).
    pub evidence: Vec<String>,
}

fn explain(detector: &Detector, row: &Row, index: usize, peak: Option<f32>) -> ErrorCase {
    let msgs = messages(row, index);
    // As the detector saw it: the row's first messages open the conversation. The message
    // with the strongest own evidence is the one shown.
    let best = msgs
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let prose = detect::normalize::prose(&m.text);
            let opener = i < detect::OPENER_MESSAGES;
            let score = detector.message_score(&prose, opener);
            (m, prose, opener, score)
        })
        .max_by(|a, b| a.3.total_cmp(&b.3));
    let (message, evidence) = match best {
        Some((m, prose, opener, _)) => {
            let mut ev = detector.evidence(&prose, opener, 0);
            ev.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
            (
                m.text.clone(),
                ev.iter()
                    .map(|e| {
                        let sign = if e.weight > 0.0 { "+" } else { "-" };
                        format!("{sign}{} \"{}\" ({:+.2})", e.family, e.matched, e.weight)
                    })
                    .collect(),
            )
        }
        None => (String::new(), vec![]),
    };
    ErrorCase {
        id: row.id.clone(),
        source: row.source.clone(),
        label: row.label.clone(),
        peak,
        message,
        evidence,
    }
}

/// The `n` worst false positives (highest peaks among non-features) and the `n` worst
/// misses (features with the lowest peaks), each with its evidence.
pub fn worst_errors(
    rows: &[Row],
    peaks: &[Option<f32>],
    detector: &Detector,
    threshold: f32,
    n: usize,
) -> (Vec<ErrorCase>, Vec<ErrorCase>) {
    let mut fps: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].label != "feature" && peaks[i].is_some_and(|p| p >= threshold))
        .collect();
    fps.sort_by(|&a, &b| peaks[b].unwrap_or(0.0).total_cmp(&peaks[a].unwrap_or(0.0)));
    let mut misses: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].label == "feature" && !peaks[i].is_some_and(|p| p >= threshold))
        .collect();
    misses.sort_by(|&a, &b| {
        peaks[a]
            .unwrap_or(f32::MIN)
            .total_cmp(&peaks[b].unwrap_or(f32::MIN))
    });
    let take = |ids: Vec<usize>| {
        ids.into_iter()
            .take(n)
            .map(|i| explain(detector, &rows[i], i, peaks[i]))
            .collect()
    };
    (take(fps), take(misses))
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

    fn rows() -> Vec<Row> {
        parse(
            "c.jsonl",
            &[
                r#"{"id":"a","source":"forum","label":"feature","text":"It would be nice to have an option to export playlists"}"#,
                r#"{"id":"b","source":"forum","label":"not_feature","text":"I get an error when I open the file"}"#,
                r#"{"id":"c","source":"chat","label":"feature","n_messages":2,"text":"hey\nwe should add support for subtitles"}"#,
                r#"{"id":"d","source":"chat","label":"not_feature","n_messages":2,"text":"we could add a button\nthanks"}"#,
            ]
            .join("\n"),
        )
        .unwrap()
    }

    fn detector() -> Detector {
        let packs = crate::packs::PackSet::shipped().unwrap();
        Detector::new(
            Arc::new(CompiledCues::shipped().unwrap()),
            Arc::new(PackRanker::new(&packs)),
        )
    }

    #[test]
    fn a_peak_at_or_above_the_threshold_is_exactly_when_observe_prompts() {
        let rows = rows();
        let settings = detect::Settings::default();
        let base = detector();
        let peaks = peaks(&rows, &mut base.clone(), &settings);
        for t in sweep_thresholds() {
            let s = detect::Settings {
                threshold: t,
                ..settings.clone()
            };
            for (i, row) in rows.iter().enumerate() {
                let mut d = base.clone();
                let fired = messages(row, i).iter().any(|m| d.observe(m, &s).is_some());
                assert_eq!(
                    fired,
                    peaks[i].is_some_and(|p| p >= t),
                    "row {} at {t}",
                    row.id
                );
            }
        }
    }

    #[test]
    fn errors_list_false_positives_and_misses_with_evidence() {
        let rows = rows();
        let d = detector();
        let peaks = peaks(&rows, &mut detector(), &detect::Settings::default());
        // At a very low threshold the "we could add a button" chat is a false positive.
        let (fps, misses) = worst_errors(&rows, &peaks, &d, 0.5, 5);
        assert_eq!(
            fps.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
            vec!["d"]
        );
        assert!(
            fps[0].evidence.iter().any(|e| e.starts_with("+proposal")),
            "{:?}",
            fps[0].evidence
        );
        assert!(misses.is_empty());
        // At an impossible threshold every feature is missed.
        let (_, misses) = worst_errors(&rows, &peaks, &d, 100.0, 5);
        assert_eq!(misses.len(), 2);
    }

    #[test]
    fn evidence_leaves_out_opener_cues_that_came_too_late_to_count() {
        let rows = parse(
            "c.jsonl",
            r#"{"id":"e","source":"chat","label":"feature","n_messages":4,"text":"my build fails\nwhich version?\nthe latest\nis there a way to skip the lint step?"}"#,
        )
        .unwrap();
        let d = detector();
        let peaks = peaks(&rows, &mut detector(), &detect::Settings::default());
        // Scored at an impossible threshold so that the row is listed as a miss.
        let (_, misses) = worst_errors(&rows, &peaks, &d, 100.0, 5);
        assert_eq!(misses.len(), 1);
        assert!(
            !misses[0]
                .evidence
                .iter()
                .any(|e| e.contains("ask_possible")),
            "{:?}",
            misses[0].evidence
        );
    }

    #[test]
    fn the_plot_is_an_svg_with_a_curve_and_a_mark_per_source() {
        let rows = rows();
        let peaks = peaks(&rows, &mut detector(), &detect::Settings::default());
        let svg = plot_svg(&rows, &peaks, 3.0);
        assert!(svg.starts_with("<svg"));
        assert!(svg.trim_end().ends_with("</svg>"));
        // One thick curve and one dot per source; the thin polylines are the axes and grid.
        let curves = svg
            .split("<polyline")
            .skip(1)
            .filter(|p| p.split('>').next().unwrap().contains("stroke-width=\"2\""))
            .count();
        assert_eq!(curves, 3, "chat, forum, pooled");
        assert_eq!(svg.matches("<circle").count(), 3);
        for label in ["recall", "precision", "pooled (F1"] {
            assert!(svg.contains(label), "{label}");
        }
    }

    #[test]
    fn the_sweep_marks_the_current_threshold() {
        let rows = rows();
        let peaks = peaks(&rows, &mut detector(), &detect::Settings::default());
        let t = sweep_table(&rows, &peaks, 3.0);
        assert_eq!(t.matches('←').count(), 3);
        assert_eq!(t.lines().count(), 1 + 3 * sweep_thresholds().len());
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
