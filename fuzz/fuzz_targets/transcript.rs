//! Chat logs (plain and DiscordChatExporter JSON), then the detector over what they hold,
//! as `plancheck scan` does.

#![no_main]

use libfuzzer_sys::fuzz_target;
use plancheck::detect::{CompiledCues, Detector, PackRanker, Settings};
use plancheck::packs::PackSet;
use std::sync::{Arc, LazyLock};

static DETECTOR: LazyLock<Detector> = LazyLock::new(|| {
    let packs = PackSet::shipped().unwrap();
    Detector::new(
        Arc::new(CompiledCues::shipped().unwrap()),
        Arc::new(PackRanker::new(&packs)),
    )
});

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    let Ok(t) = plancheck::transcript::parse("fuzz.txt", &src) else {
        return;
    };
    let mut d = DETECTOR.clone();
    let settings = Settings {
        threshold: 0.5,
        ..Settings::default()
    };
    for (_, m) in &t.messages {
        if let Some(det) = d.observe(m, &settings) {
            assert!(!det.title.is_empty() && det.title.chars().count() <= 80);
        }
    }
});
