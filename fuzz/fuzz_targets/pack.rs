//! The pack loader, then the pack set and ranker built from what it accepts.

#![no_main]

use libfuzzer_sys::fuzz_target;
use plancheck::detect::PackRanker;
use plancheck::packs::{PackSet, parse_pack};
use std::collections::BTreeSet;

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    match parse_pack("fuzz.toml", &src) {
        Ok(pack) => {
            assert!(!pack.questions.is_empty());
            if let Ok(set) = PackSet::new(vec![pack]) {
                let _ = PackRanker::new(&set).rank([src.as_ref()], &BTreeSet::new());
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
