//! Detection throughput over the corpus messages (one core), beside a naive baseline
//! that tries each cue pattern one after another. Run: `cargo bench --bench detect`.
//! Reads ../shared/corpus/dev.jsonl when present, else a small built-in sample.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use plancheck::detect::{ChatMessage, CompiledCues, Detector, PackRanker, Settings, normalize};
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

criterion_group!(benches, bench);
criterion_main!(benches);
