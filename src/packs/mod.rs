//! Question packs: the product's knowledge, kept as data in `prompts/packs/`.

mod lazy;
mod load;
mod model;
pub mod reading;
mod shipped;

pub use lazy::LazyRegex;
pub use load::{PackError, parse_pack};
pub(crate) use load::{compile_cue, line_of, parse_toml, toml_message};
pub use model::{Category, Cue, Pack, PackKind, Question, Reading, When};

/// Pack ids as people type them: `payments, webhooks` → `["payments", "webhooks"]`.
pub fn parse_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

use std::collections::HashMap;
use std::path::Path;

/// Compiles pack cues into one case-insensitive set.
fn cue_set<'a>(
    patterns: impl IntoIterator<Item = &'a str>,
) -> Result<regex::RegexSet, regex::Error> {
    regex::RegexSetBuilder::new(patterns)
        .case_insensitive(true)
        .size_limit(64 * 1024 * 1024)
        .dfa_size_limit(16 * 1024 * 1024)
        .build()
}

/// All packs in force, shipped ones overridden by a server's own by id.
#[derive(Debug, Clone)]
pub struct PackSet {
    packs: Vec<Pack>,
    by_id: HashMap<String, usize>,
    cues: regex::RegexSet,
    /// Question id → its `same_as` group (the smallest id of the group), for questions
    /// that share one.
    groups: HashMap<String, String>,
}

impl PackSet {
    /// Builds a set, rejecting duplicate pack ids and question ids across packs.
    pub fn new(packs: Vec<Pack>) -> Result<PackSet, Vec<PackError>> {
        let mut errors = Vec::new();
        let mut by_id = HashMap::new();
        // question id → (file, line) of its first definition
        let mut question_owner: HashMap<&str, (&str, usize)> = HashMap::new();
        for (i, pack) in packs.iter().enumerate() {
            if let Some(&first) = by_id.get(&pack.id) {
                let first: &Pack = &packs[first];
                errors.push(PackError::at(
                    &pack.source,
                    pack.id_line,
                    "id",
                    format!(
                        "duplicate pack id '{}' (also in {}:{})",
                        pack.id, first.source, first.id_line
                    ),
                ));
                continue;
            }
            by_id.insert(pack.id.clone(), i);
            for (k, q) in pack.questions.iter().enumerate() {
                let line = pack.question_lines.get(k).copied().unwrap_or(0);
                if let Some((file, first_line)) = question_owner.get(q.id.as_str()) {
                    errors.push(PackError::at(
                        &pack.source,
                        line,
                        &format!("questions[{k}].id"),
                        format!(
                            "duplicate question id '{}' (also in {file}:{first_line})",
                            q.id
                        ),
                    ));
                } else {
                    question_owner.insert(&q.id, (&pack.source, line));
                }
            }
        }
        let groups = same_as_groups(&packs, &mut errors);
        // Every cue of every pack, compiled once into one set for ranking (in pack order,
        // cue order). Compiling it here makes a server's oversized packs fail at load.
        let patterns: Vec<&str> = packs
            .iter()
            .flat_map(|p| p.cues.iter().map(|c| c.regex.as_str()))
            .collect();
        let cues = match cue_set(patterns) {
            Ok(set) => Some(set),
            Err(e) => {
                errors.push(PackError::at(
                    "packs",
                    0,
                    "cues",
                    format!("all pack cues together do not compile: {e}"),
                ));
                None
            }
        };
        match cues {
            Some(cues) if errors.is_empty() => Ok(PackSet {
                packs,
                by_id,
                cues,
                groups,
            }),
            _ => Err(errors),
        }
    }

    /// All cues of all packs as one set, in pack order then cue order.
    pub fn cue_set(&self) -> &regex::RegexSet {
        &self.cues
    }

    /// The packs shipped inside the binary.
    pub fn shipped() -> Result<PackSet, Vec<PackError>> {
        PackSet::new(shipped::load_all()?)
    }

    /// Shipped packs, with the `.toml` files of `dir` added or replacing shipped ones by id.
    pub fn with_overrides(dir: Option<&Path>) -> Result<PackSet, Vec<PackError>> {
        let mut packs = shipped::load_all()?;
        if let Some(dir) = dir {
            for pack in load::load_dir(dir)? {
                match packs.iter_mut().find(|p| p.id == pack.id) {
                    Some(slot) => *slot = pack,
                    None => packs.push(pack),
                }
            }
        }
        PackSet::new(packs)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Pack> {
        self.packs.iter()
    }

    pub fn len(&self) -> usize {
        self.packs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.packs.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Pack> {
        self.by_id.get(id).map(|&i| &self.packs[i])
    }

    /// The packs always offered.
    pub fn core(&self) -> impl Iterator<Item = &Pack> {
        self.packs.iter().filter(|p| p.kind == PackKind::Core)
    }

    /// How many questions link some reading (`packs --check` reports the share).
    pub fn with_reading_count(&self) -> usize {
        self.iter()
            .flat_map(|p| &p.questions)
            .filter(|q| !q.reading.is_empty())
            .count()
    }

    pub fn question_count(&self) -> usize {
        self.packs.iter().map(|p| p.questions.len()).sum()
    }

    /// The `same_as` group of a question: questions of one group ask the same thing. A
    /// question in no group is its own.
    pub fn group_of<'a>(&'a self, question: &'a str) -> &'a str {
        self.groups.get(question).map_or(question, String::as_str)
    }

    /// Pairs of questions of one category, in different `same_as` groups, that share most
    /// of their words (Jaccard ≥ [`DUPLICATE_SIMILARITY`] over words of four letters or
    /// more): candidates for a `same_as` link. Most similar first.
    pub fn likely_duplicates(&self) -> Vec<(&str, &str, f32)> {
        let all: Vec<(&Question, std::collections::BTreeSet<String>)> = self
            .packs
            .iter()
            .flat_map(|p| p.questions.iter())
            .map(|q| (q, content_words(&q.text)))
            .collect();
        let mut out = Vec::new();
        for (i, (a, wa)) in all.iter().enumerate() {
            for (b, wb) in &all[i + 1..] {
                if a.category != b.category || self.group_of(&a.id) == self.group_of(&b.id) {
                    continue;
                }
                let shared = wa.intersection(wb).count() as f32;
                let union = wa.union(wb).count() as f32;
                if union > 0.0 && shared / union >= DUPLICATE_SIMILARITY {
                    out.push((a.id.as_str(), b.id.as_str(), shared / union));
                }
            }
        }
        out.sort_by(|x, y| y.2.total_cmp(&x.2));
        out
    }

    /// Every group of two or more questions, each sorted, in id order.
    pub fn groups(&self) -> Vec<Vec<&str>> {
        let mut by_group: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
        for (q, g) in &self.groups {
            by_group.entry(g.as_str()).or_default().push(q.as_str());
        }
        by_group
            .into_values()
            .map(|mut v| {
                v.sort_unstable();
                v
            })
            .collect()
    }
}

/// Questions sharing at least this share of their words are flagged by `packs --check`.
pub const DUPLICATE_SIMILARITY: f32 = 0.5;

/// Lowercased words of four letters or more (a crude stand-in for content words).
fn content_words(text: &str) -> std::collections::BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4)
        .map(str::to_lowercase)
        .collect()
}

/// Joins questions linked by `same_as` into groups (named by their smallest id); a link to
/// an unknown question is an error naming the file and line.
fn same_as_groups(packs: &[Pack], errors: &mut Vec<PackError>) -> HashMap<String, String> {
    let known: std::collections::HashSet<&str> = packs
        .iter()
        .flat_map(|p| p.questions.iter().map(|q| q.id.as_str()))
        .collect();
    let mut parent: HashMap<String, String> = HashMap::new();
    fn root(parent: &HashMap<String, String>, mut id: String) -> String {
        while let Some(p) = parent.get(&id) {
            if *p == id {
                break;
            }
            id = p.clone();
        }
        id
    }
    for pack in packs {
        for (k, q) in pack.questions.iter().enumerate() {
            let Some(other) = &q.same_as else { continue };
            if !known.contains(other.as_str()) {
                errors.push(PackError::at(
                    &pack.source,
                    pack.question_lines.get(k).copied().unwrap_or(0),
                    &format!("questions[{k}].same_as"),
                    format!("unknown question '{other}'"),
                ));
                continue;
            }
            let (a, b) = (root(&parent, q.id.clone()), root(&parent, other.clone()));
            let (small, large) = if a <= b { (a, b) } else { (b, a) };
            parent.insert(large, small.clone());
            parent.entry(small.clone()).or_insert(small);
        }
    }
    let ids: Vec<String> = parent.keys().cloned().collect();
    ids.into_iter()
        .map(|id| {
            let r = root(&parent, id.clone());
            (id, r)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_shipped_questions_link_their_reading_and_every_link_is_https() {
        let set = PackSet::shipped().unwrap();
        let questions: Vec<&Question> = set.iter().flat_map(|p| &p.questions).collect();
        let with = questions.iter().filter(|q| !q.reading.is_empty()).count();
        assert!(
            with * 100 >= questions.len() * 60,
            "{with} of {} shipped questions have reading; at least 60 % should",
            questions.len()
        );
        for q in &questions {
            assert!(q.reading.len() <= 2, "{}: one or two links", q.id);
            for r in &q.reading {
                assert!(r.url.starts_with("https://"), "{}: {}", q.id, r.url);
                assert_eq!(reading::parse_url(&r.url).as_deref(), Ok(r.url.as_str()));
            }
        }
    }

    #[test]
    fn every_shipped_pack_loads() {
        let set = PackSet::shipped().expect("shipped packs are valid");
        assert!(set.len() >= 15, "only {} packs", set.len());
        assert!(
            set.question_count() >= 120,
            "only {} questions",
            set.question_count()
        );
        let core: Vec<_> = set.core().map(|p| p.id.as_str()).collect();
        for id in ["data_model", "api", "performance", "errors"] {
            assert!(core.contains(&id), "core pack {id} missing: {core:?}");
        }
    }

    #[test]
    fn every_non_core_pack_has_cues_and_a_critical_question_is_not_everything() {
        let set = PackSet::shipped().unwrap();
        for p in set.iter() {
            if p.kind != PackKind::Core {
                assert!(!p.cues.is_empty(), "{} has no cues", p.id);
            }
            let critical = p.questions.iter().filter(|q| q.critical).count();
            assert!(
                critical < p.questions.len(),
                "{}: every question is critical",
                p.id
            );
        }
    }

    #[test]
    fn every_file_in_prompts_packs_is_shipped() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts/packs");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        on_disk.sort();
        let mut shipped: Vec<String> = shipped::FILES.iter().map(|(n, _)| n.to_string()).collect();
        shipped.sort();
        assert_eq!(on_disk, shipped);
    }

    #[test]
    fn a_question_id_used_by_two_packs_names_both_files_and_lines() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("mine.toml"),
            "id = \"mine\"\nname = \"Mine\"\ndescription = \"d\"\nkind = \"domain\"\n\
             [[questions]]\nid = \"payments.pci\"\ncategory = \"errors\"\ntext = \"Q?\"\nwhy = \"w\"\n",
        )
        .unwrap();
        let errors = PackSet::with_overrides(Some(dir.path())).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        let e = errors[0].to_string();
        assert!(
            e.contains("mine.toml:6: questions[0].id: duplicate question id 'payments.pci'"),
            "{e}"
        );
        assert!(e.contains("also in prompts/packs/payments.toml:"), "{e}");
    }

    #[test]
    fn same_as_links_form_groups_and_an_unknown_target_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let pack = |same: &str| {
            format!(
                "id = \"mine\"\nname = \"Mine\"\ndescription = \"d\"\nkind = \"domain\"\n\
                 [[questions]]\nid = \"mine.retries\"\ncategory = \"errors\"\ntext = \"Q?\"\nwhy = \"w\"\nsame_as = \"{same}\"\n"
            )
        };
        std::fs::write(dir.path().join("mine.toml"), pack("errors.retries")).unwrap();
        let set = PackSet::with_overrides(Some(dir.path())).unwrap();
        assert_eq!(set.group_of("mine.retries"), set.group_of("errors.retries"));
        assert_ne!(
            set.group_of("mine.retries"),
            set.group_of("errors.timeouts")
        );
        assert!(set.groups().iter().any(|g| g.contains(&"mine.retries")));

        std::fs::write(dir.path().join("mine.toml"), pack("errors.nope")).unwrap();
        let errors = PackSet::with_overrides(Some(dir.path())).unwrap_err();
        let e = errors[0].to_string();
        assert!(
            e.contains("mine.toml:6: questions[0].same_as: unknown question 'errors.nope'"),
            "{e}"
        );
    }

    #[test]
    fn near_identical_questions_of_one_category_are_flagged_unless_linked() {
        let dir = tempfile::tempdir().unwrap();
        let pack = |same: &str| {
            format!(
                "id = \"mine\"\nname = \"Mine\"\ndescription = \"d\"\nkind = \"domain\"\n\
                 [[questions]]\nid = \"mine.retries\"\ncategory = \"errors\"\n\
                 text = \"When a client retries after a timeout, which idempotency key prevents a duplicate charge?\"\nwhy = \"w\"\n{same}"
            )
        };
        std::fs::write(
            dir.path().join("a.toml"),
            pack("")
                .replace("mine", "twin")
                .replace("duplicate", "second"),
        )
        .unwrap();
        std::fs::write(dir.path().join("b.toml"), pack("")).unwrap();
        let set = PackSet::with_overrides(Some(dir.path())).unwrap();
        assert!(
            set.likely_duplicates()
                .iter()
                .any(|(a, b, _)| [*a, *b].contains(&"twin.retries")
                    && [*a, *b].contains(&"mine.retries")),
            "{:?}",
            set.likely_duplicates()
        );
        std::fs::write(
            dir.path().join("b.toml"),
            pack("same_as = \"twin.retries\"\n"),
        )
        .unwrap();
        let set = PackSet::with_overrides(Some(dir.path())).unwrap();
        assert!(
            !set.likely_duplicates()
                .iter()
                .any(|(a, b, _)| [*a, *b].contains(&"twin.retries")
                    && [*a, *b].contains(&"mine.retries"))
        );
    }

    #[test]
    fn a_servers_pack_overrides_a_shipped_one_by_id_and_adds_new_ones() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("payments.toml"),
            "id = \"payments\"\nname = \"Our payments\"\ndescription = \"d\"\nkind = \"domain\"\n\
             [[cues]]\npattern = 'stripe'\nweight = 2.0\n\
             [[questions]]\nid = \"ours.refunds\"\ncategory = \"errors\"\ntext = \"Who approves refunds?\"\nwhy = \"Money leaves.\"\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("extra.toml"),
            "id = \"extra\"\nname = \"Extra\"\ndescription = \"d\"\nkind = \"integration\"\n\
             [[questions]]\nid = \"extra.one\"\ncategory = \"operations\"\ntext = \"Who is on call?\"\nwhy = \"Pages go nowhere.\"\n",
        )
        .unwrap();
        let base = PackSet::shipped().unwrap();
        let set = PackSet::with_overrides(Some(dir.path())).unwrap();
        assert_eq!(set.len(), base.len() + 1);
        assert_eq!(set.get("payments").unwrap().name, "Our payments");
        assert_eq!(set.get("payments").unwrap().questions.len(), 1);
        assert!(set.get("extra").is_some());
    }
}
