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
    // Learned model (issue 9), never trained on this corpus: frminer_chat F1 0.281
    // (P 0.258), tizard_forum F1 0.614 (P 1.00) at the default threshold; below the
    // hand-tuned cues' 0.467 / 0.814, which were fitted to these rows (see the README).
    // Floors a little under the figures reached.
    assert!(chat.f1 >= 0.26, "frminer_chat F1 fell to {:.3}", chat.f1);
    assert!(
        chat.precision >= 0.23,
        "frminer_chat precision fell to {:.3}",
        chat.precision
    );
    assert!(forum.f1 >= 0.58, "tizard_forum F1 fell to {:.3}", forum.f1);
    assert!(
        forum.precision >= 0.90,
        "tizard_forum precision fell to {:.3}",
        forum.precision
    );
}

/// What `plancheck train` reads: the shipped conversations and the issue corpus beside the
/// repository (or `PLANCHECK_ISSUES_TRAIN`); without it the test fails, it never skips.
fn training_inputs() -> plancheck::eval::train::Inputs {
    let root = env!("CARGO_MANIFEST_DIR");
    let issues = std::env::var("PLANCHECK_ISSUES_TRAIN")
        .unwrap_or_else(|_| format!("{root}/../shared/corpus/issues_train.jsonl"));
    plancheck::eval::train::load(
        std::path::Path::new(&format!("{root}/prompts/training/design")),
        std::path::Path::new(&issues),
    )
    .unwrap_or_else(|e| panic!("{e}; the issue corpus must sit beside the repository"))
}

/// The shipped `prompts/model.json` is what `plancheck train` makes of the shipped inputs:
/// this retrains (a few seconds) and compares every weight, within 2e-4 (the file rounds
/// weights to 1e-4; the same inputs and seed give the same fit). Needs
/// `../shared/corpus/issues_train.jsonl` (or `PLANCHECK_ISSUES_TRAIN`); it never skips.
#[test]
fn the_shipped_model_is_what_train_produces() {
    use plancheck::detect::ModelFile;
    use plancheck::eval::train;
    let inputs = training_inputs();
    let packs = PackSet::shipped().unwrap();
    let trained = train::build(
        &inputs,
        &CompiledCues::shipped().unwrap(),
        &PackRanker::new(&packs),
        &train::Options::default(),
    )
    .unwrap();
    let shipped = ModelFile::shipped();
    assert_eq!(
        shipped.trained_on, trained.trained_on,
        "the inputs changed since the model was trained: run `plancheck train`"
    );
    let close = |a: f32, b: f32| (a - b).abs() <= 2e-4;
    for (name, a, b) in [
        ("offset", shipped.offset, trained.offset),
        ("bias", shipped.bias, trained.bias),
        ("per_message", shipped.per_message, trained.per_message),
        (
            "weighs_approaches",
            shipped.weighs_approaches,
            trained.weighs_approaches,
        ),
        ("cue_score", shipped.cue_score, trained.cue_score),
    ] {
        assert!(close(a, b), "{name}: shipped {a}, trained {b}");
    }
    for (name, a, b) in [
        ("participants", &shipped.participants, &trained.participants),
        ("messages", &shipped.messages, &trained.messages),
        ("vocab", &shipped.vocab, &trained.vocab),
        ("families", &shipped.families, &trained.families),
        ("ngrams", &shipped.ngrams, &trained.ngrams),
    ] {
        assert_eq!(
            a.keys().collect::<Vec<_>>(),
            b.keys().collect::<Vec<_>>(),
            "{name}: different features; run `plancheck train`"
        );
        for (k, w) in a {
            assert!(
                close(*w, b[k]),
                "{name} {k:?}: shipped {w}, trained {}",
                b[k]
            );
        }
    }
}

/// Cross-validated figures of the training recipe on the shipped conversations and the
/// issue corpus (each fold scored by a model that never saw it): the floors sit a little
/// under what `plancheck train --cv` prints at the default threshold, each design batch file
/// held out in turn so every figure is on another writer's conversations (design recall
/// 0.838 on 1,710 conversations; false prompts 3.6 %; community chat recall 0.829, false
/// prompts 12.7 %, with the only community-chat batch held out; issues F1 0.307).
#[test]
fn cross_validated_figures_stay_above_their_floors() {
    use plancheck::eval::train;
    let inputs = training_inputs();
    let packs = PackSet::shipped().unwrap();
    let cv = train::cross_validate(
        &inputs,
        &Arc::new(CompiledCues::shipped().unwrap()),
        &Arc::new(PackRanker::new(&packs)),
        &train::Options::default(),
    )
    .unwrap();
    let at = cv
        .at(Settings::default().threshold)
        .expect("a row at the default");
    let table = cv.table();
    assert!(at.design_recall >= 0.81, "{table}");
    assert!(at.design_false_prompts <= 0.05, "{table}");
    assert!(at.chat_recall >= 0.79, "{table}");
    assert!(at.chat_false_prompts <= 0.15, "{table}");
    assert!(at.issues.f1 >= 0.29, "{table}");
}

/// The shipped `prompts/pack_model.json` is what `plancheck train` makes of the shipped
/// design batches and pack cues: this retrains it and compares every weight within 2e-4
/// (the file rounds weights to 1e-4).
#[test]
fn the_shipped_pack_model_is_what_train_produces() {
    use plancheck::detect::packfit::PackModelFile;
    use plancheck::eval::train_packs;
    let packs = PackSet::shipped().unwrap();
    let trained = train_packs::build(&packs, &training_inputs()).unwrap();
    let shipped = PackModelFile::shipped();
    assert_eq!(
        shipped.trained_on, trained.trained_on,
        "the inputs changed since the pack model was trained: run `plancheck train`"
    );
    assert_eq!(
        shipped.packs.keys().collect::<Vec<_>>(),
        trained.packs.keys().collect::<Vec<_>>()
    );
    let close = |a: f32, b: f32| (a - b).abs() <= 2e-4;
    for (id, s) in &shipped.packs {
        let t = &trained.packs[id];
        for (name, a, b) in [
            ("bias", s.bias, t.bias),
            ("cue_score", s.cue_score, t.cue_score),
            ("cue_words", s.cue_words, t.cue_words),
        ] {
            assert!(close(a, b), "{id}.{name}: shipped {a}, trained {b}");
        }
        assert_eq!(
            s.terms.keys().collect::<Vec<_>>(),
            t.terms.keys().collect::<Vec<_>>(),
            "{id}: the words differ"
        );
        for (w, a) in &s.terms {
            assert!(
                close(*a, t.terms[w]),
                "{id} '{w}': shipped {a}, trained {}",
                t.terms[w]
            );
        }
    }
}
