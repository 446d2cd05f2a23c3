//! Detection throughput over the corpus messages (one core), beside a naive baseline
//! that tries each cue pattern one after another, and the stages of scoring a message.
//! Run: `cargo bench --bench detect` (`-- stage` for the stages alone).
//! Reads ../shared/corpus/dev.jsonl when present, else a small built-in sample.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use plancheck::detect::{
    ChatMessage, CompiledCues, Detector, ModelFile, PackRanker, Settings, features, normalize,
};
use plancheck::ids::{ChannelId, MessageId, UserId};
use plancheck::packs::PackSet;
use std::hint::black_box;
use std::sync::Arc;

fn messages() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/dev.jsonl");
    match std::fs::read_to_string(path) {
        Ok(src) => src
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .flat_map(|v| {
                v["text"]
                    .as_str()
                    .unwrap_or("")
                    .lines()
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect(),
        Err(_) => [
            "we should add refunds for card payments",
            "I get an error when I open the file",
            "thanks!",
            "it would be nice to have an option to export playlists",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    }
}

fn bench(c: &mut Criterion) {
    let texts = messages();
    let packs = PackSet::shipped().unwrap();
    let cues = Arc::new(CompiledCues::shipped().unwrap());
    let ranker = Arc::new(PackRanker::new(&packs));
    let settings = Settings::default();
    let mut group = c.benchmark_group("detect");
    group.throughput(Throughput::Elements(texts.len() as u64));
    let msgs: Vec<ChatMessage> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| ChatMessage {
            id: MessageId(i as u64 + 1),
            channel: ChannelId(i as u64 % 64),
            author: UserId(1),
            author_is_bot: false,
            at: chrono::DateTime::from_timestamp(1_700_000_000 + i as i64 * 30, 0).unwrap(),
            text: t.clone(),
            reply_to: None,
            author_name: String::new(),
        })
        .collect();
    group.bench_function("detector_observe", |b| {
        b.iter(|| {
            let mut d = Detector::new(cues.clone(), ranker.clone());
            let mut fired = 0;
            for m in &msgs {
                fired += d.observe(m, &settings).is_some() as usize;
            }
            black_box(fired)
        })
    });
    group.bench_function("naive_each_pattern", |b| {
        b.iter(|| {
            let mut hits = 0;
            for t in &texts {
                let p = normalize::prose(t);
                for re in cues.regexes() {
                    hits += re.is_match(&p) as usize;
                }
            }
            black_box(hits)
        })
    });
    group.finish();
}

/// The stages of scoring one message, each over all corpus messages: where
/// `detector_observe` spends its time (the two `RegexSet` scans dominate).
fn stages(c: &mut Criterion) {
    let texts = messages();
    let prose: Vec<String> = texts.iter().map(|t| normalize::prose(t)).collect();
    let packs = PackSet::shipped().unwrap();
    let cues = CompiledCues::shipped().unwrap();
    let ranker = PackRanker::new(&packs);
    let model = ModelFile::shipped_model(&cues);
    let mut g = c.benchmark_group("stage");
    g.throughput(Throughput::Elements(texts.len() as u64));
    g.bench_function("normalize", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| normalize::prose(t).len())
                .sum::<usize>()
        })
    });
    g.bench_function("ngram_hashes", |b| {
        let mut hashes = Vec::new();
        b.iter(|| {
            let mut distinct = 0;
            for p in &prose {
                hashes.clear();
                features::ngram_hashes(p, &mut hashes);
                features::distinct_hashes(&mut hashes);
                distinct += hashes.len();
            }
            distinct
        })
    });
    g.bench_function("ngram_weights", |b| {
        let mut hashes = Vec::new();
        b.iter(|| {
            let mut sum = 0.0;
            for p in &prose {
                hashes.clear();
                features::ngram_hashes(p, &mut hashes);
                let scale = features::distinct_hashes(&mut hashes);
                sum += scale * hashes.iter().map(|&h| model.ngram(h)).sum::<f32>();
            }
            sum
        })
    });
    g.bench_function("cue_families", |b| {
        b.iter(|| {
            prose
                .iter()
                .map(|p| features::families(&cues, p, true).0)
                .fold(0, |a, f| a | f)
        })
    });
    g.bench_function("pack_cue_hits", |b| {
        b.iter(|| prose.iter().map(|p| ranker.cue_hits(p)).sum::<usize>())
    });
    g.bench_function("weighs_approaches", |b| {
        b.iter(|| {
            prose
                .iter()
                .filter(|p| features::weighs_approaches(p))
                .count()
        })
    });
    g.finish();
}

criterion_group!(benches, bench, stages);
criterion_main!(benches);
