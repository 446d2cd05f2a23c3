//! Keeps detection quality on the development corpus from regressing. The floors sit a
//! little under the figures reached (see the README); raise them when detection improves.
//! The corpus is `../shared/corpus/dev.jsonl`, beside the repository as on CI, or the file
//! named by `PLANCHECK_DEV_CORPUS`. Without it this test fails: it never skips.

use plancheck::detect::{CompiledCues, Detector, PackRanker, Settings};
use plancheck::eval;
use plancheck::packs::PackSet;
use std::sync::Arc;

#[test]
fn dev_corpus_figures_stay_above_their_floors() {
    let path = std::env::var("PLANCHECK_DEV_CORPUS").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/dev.jsonl").to_string()
    });
    let src = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{path}: {e}; the development corpus must sit beside the repository (or set PLANCHECK_DEV_CORPUS)")
    });
    let rows = eval::parse(&path, &src).unwrap();
    let packs = PackSet::shipped().unwrap();
    let mut detector = Detector::new(
        Arc::new(CompiledCues::shipped().unwrap()),
        Arc::new(PackRanker::new(&packs)),
    );
    let settings = Settings::default();
    let peaks = eval::peaks(&rows, &mut detector, &settings);
    let report = eval::report_at(&rows, &peaks, settings.threshold);
    let chat = report.sources["frminer_chat"];
    let forum = report.sources["tizard_forum"];
    assert!(chat.f1 >= 0.45, "frminer_chat F1 fell to {:.3}", chat.f1);
    assert!(
        chat.precision >= 0.47,
        "frminer_chat precision fell to {:.3}",
        chat.precision
    );
    assert!(forum.f1 >= 0.80, "tizard_forum F1 fell to {:.3}", forum.f1);
    assert!(
        forum.precision >= 0.95,
        "tizard_forum precision fell to {:.3}",
        forum.precision
    );
}
