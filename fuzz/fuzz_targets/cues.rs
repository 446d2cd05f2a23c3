//! The detection-cue loader, then a detector scoring the file's own text with what it
//! accepts.

#![no_main]

use libfuzzer_sys::fuzz_target;
use plancheck::detect::{ChatMessage, CompiledCues, Detector, PackRanker, Settings};
use plancheck::ids::{ChannelId, MessageId, UserId};
use plancheck::packs::PackSet;
use std::sync::{Arc, LazyLock};

static RANKER: LazyLock<Arc<PackRanker>> =
    LazyLock::new(|| Arc::new(PackRanker::new(&PackSet::shipped().unwrap())));

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    match CompiledCues::parse("fuzz.toml", &src) {
        Ok(cues) => {
            let mut d = Detector::new(Arc::new(cues), RANKER.clone());
            let settings = Settings {
                threshold: 0.5,
                ..Settings::default()
            };
            for (i, line) in src.lines().take(16).enumerate() {
                let msg = ChatMessage {
                    id: MessageId(i as u64 + 1),
                    channel: ChannelId(1),
                    author: UserId(i as u64 % 3),
                    author_is_bot: false,
                    at: chrono::DateTime::from_timestamp(1_700_000_000 + i as i64 * 60, 0).unwrap(),
                    text: line.to_string(),
                    reply_to: None,
                };
                let _ = d.observe(&msg, &settings);
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            assert!(
                errors
                    .iter()
                    .all(|e| e.file == "fuzz.toml" && !e.message.is_empty())
            );
        }
    }
});
