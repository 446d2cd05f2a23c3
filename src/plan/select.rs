//! Which questions a discussion gets: questions are ranked, not packs. A question's score
//! comes from how well its pack fits the whole conversation, its own cues, and whether it
//! is critical; `applies_when` / `unless` keep it out where it does not apply; one question
//! of each `same_as` group is kept; the depth decides how many.

use super::{PlanError, PlanQuestion};
use crate::detect::PackMatch;
use crate::packs::{Category, PackKind, PackSet};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How many questions a checklist starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Depth {
    /// At most [`QUICK_MAX`]: the critical questions that fit best.
    Quick,
    /// [`STANDARD_MIN`]–[`STANDARD_MAX`], at least one from each core category.
    #[default]
    Standard,
    /// Every question of the fitting packs.
    Thorough,
}

pub const QUICK_MAX: usize = 7;
pub const STANDARD_MIN: usize = 8;
pub const STANDARD_MAX: usize = 12;

/// The categories a standard checklist always covers (the core packs' themes).
pub const CORE_CATEGORIES: [Category; 4] = [
    Category::DataModel,
    Category::Api,
    Category::Performance,
    Category::Errors,
];

impl Depth {
    pub const ALL: [Depth; 3] = [Depth::Quick, Depth::Standard, Depth::Thorough];

    pub fn as_str(self) -> &'static str {
        match self {
            Depth::Quick => "quick",
            Depth::Standard => "standard",
            Depth::Thorough => "thorough",
        }
    }

    pub fn parse(s: &str) -> Option<Depth> {
        Depth::ALL
            .into_iter()
            .find(|d| d.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl std::fmt::Display for Depth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A ranked question: its id and why it ranks where it does.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub id: String,
    pub pack: String,
    pub category: Category,
    pub critical: bool,
    pub score: f32,
    /// A core question nothing in the conversation points at.
    pub generic: bool,
}

/// The packs of a checklist, with their fit: the packs a person `chosen`, as they are, or
/// every pack of `fits` (the ranker decides which fit: see [`PackRanker::rank`]); a core
/// pack's fit counts for nothing, it is there for every discussion.
///
/// [`PackRanker::rank`]: crate::detect::PackRanker::rank
pub fn fitting_packs(fits: &[PackMatch], chosen: Option<&[String]>) -> Vec<(String, f32)> {
    if let Some(chosen) = chosen.filter(|c| !c.is_empty()) {
        return chosen.iter().map(|id| (id.clone(), 2.0)).collect();
    }
    fits.iter()
        .map(|m| {
            (
                m.id.clone(),
                if m.kind == PackKind::Core {
                    0.0
                } else {
                    m.score
                },
            )
        })
        .collect()
}

/// Every question of `packs` (id, fit score) that applies to the conversation `texts`,
/// best first, one per `same_as` group.
pub fn rank(set: &PackSet, packs: &[(String, f32)], texts: &[&str]) -> Vec<Ranked> {
    let any =
        |rs: &[crate::packs::LazyRegex]| rs.iter().any(|r| texts.iter().any(|t| r.is_match(t)));
    let mut ranked: Vec<Ranked> = Vec::new();
    for (pack_id, fit) in packs {
        let Some(pack) = set.get(pack_id) else {
            continue;
        };
        // Core packs weigh 1; a domain pack more, the better it fits (capped).
        let pack_weight = if pack.kind == PackKind::Core {
            1.0
        } else {
            1.0 + (fit / 4.0).clamp(0.25, 1.5)
        };
        for q in &pack.questions {
            // With nothing said (packs named by hand), there is nothing to judge by: every
            // question of the pack applies.
            if !texts.is_empty()
                && ((!q.when.applies_when.is_empty() && !any(&q.when.applies_when))
                    || any(&q.when.unless))
            {
                continue;
            }
            let cue_hits = q
                .when
                .cues
                .iter()
                .filter(|r| texts.iter().any(|t| r.is_match(t)))
                .count()
                .min(2) as f32;
            // A core question nothing in the conversation points at is generic: it comes
            // after the questions the discussion is about, critical or not.
            let generic = pack.kind == PackKind::Core && cue_hits == 0.0 && !texts.is_empty();
            let critical = if q.critical && !generic { 0.75 } else { 0.0 };
            let score = pack_weight + cue_hits + critical - if generic { 0.5 } else { 0.0 };
            ranked.push(Ranked {
                id: q.id.clone(),
                pack: pack.id.clone(),
                category: q.category,
                critical: q.critical,
                score,
                generic,
            });
        }
    }
    // Best first; at equal score, pack then question order (stable sort).
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut seen_groups = std::collections::HashSet::new();
    ranked.retain(|r| seen_groups.insert(set.group_of(&r.id).to_string()));
    ranked
}

/// A checklist for a conversation: the packs that fit, the questions it starts with, and
/// the ones it could add later (best first).
#[derive(Debug, Clone, PartialEq)]
pub struct Checklist {
    pub packs: Vec<String>,
    pub first: Vec<Ranked>,
    pub rest: Vec<Ranked>,
}

/// The checklist of `depth` for the conversation `texts` (`fits`: its ranked packs), or
/// for the packs a person `named`; `reserved` places are kept for the team's own
/// questions (see [`choose`]).
pub fn checklist(
    set: &PackSet,
    fits: &[PackMatch],
    texts: &[&str],
    named: Option<&[String]>,
    depth: Depth,
    reserved: usize,
) -> Checklist {
    let packs = fitting_packs(fits, named);
    let non_core = packs
        .iter()
        .filter(|(id, _)| set.get(id).is_some_and(|p| p.kind != PackKind::Core))
        .count();
    let ranked = rank(set, &packs, texts);
    let (first, rest) = choose(&ranked, depth, non_core, reserved);
    Checklist {
        packs: packs.into_iter().map(|(id, _)| id).collect(),
        first,
        rest,
    }
}

/// How many questions a standard checklist starts with: 8, two more for each domain or
/// integration pack that fits, at most 12.
pub fn standard_size(non_core_packs: usize) -> usize {
    (STANDARD_MIN + 2 * non_core_packs).min(STANDARD_MAX)
}

/// Splits `ranked` into what a checklist of `depth` starts with and the rest (best first,
/// for "more questions" later). `reserved` places of a quick or standard checklist go to
/// the team's own questions, so the whole checklist keeps its size; a standard one still
/// covers every core category.
pub fn choose(
    ranked: &[Ranked],
    depth: Depth,
    non_core_packs: usize,
    reserved: usize,
) -> (Vec<Ranked>, Vec<Ranked>) {
    let mut take = vec![false; ranked.len()];
    match depth {
        Depth::Thorough => take.iter_mut().for_each(|t| *t = true),
        Depth::Quick => {
            let max = QUICK_MAX.saturating_sub(reserved);
            let mut n = 0;
            for (i, r) in ranked.iter().enumerate() {
                if r.critical && n < max {
                    take[i] = true;
                    n += 1;
                }
            }
            // A discussion with few critical questions still gets a short list.
            for t in take.iter_mut() {
                if n >= 3.min(max).min(ranked.len()) {
                    break;
                }
                if !*t {
                    *t = true;
                    n += 1;
                }
            }
        }
        Depth::Standard => {
            let size = standard_size(non_core_packs)
                .saturating_sub(reserved)
                .max(CORE_CATEGORIES.len());
            for c in CORE_CATEGORIES {
                if let Some(i) = ranked.iter().position(|r| r.category == c) {
                    take[i] = true;
                }
            }
            // Past the minimum, only what the discussion points at: a generic question
            // (nothing said points at it) waits for `/plan more`.
            let mut n = take.iter().filter(|t| **t).count();
            for (t, r) in take.iter_mut().zip(ranked) {
                if n >= size {
                    break;
                }
                if !*t && (!r.generic || n < STANDARD_MIN.saturating_sub(reserved)) {
                    *t = true;
                    n += 1;
                }
            }
        }
    }
    let (mut chosen, mut rest) = (Vec::new(), Vec::new());
    for (r, t) in ranked.iter().zip(take) {
        if t {
            chosen.push(r.clone());
        } else {
            rest.push(r.clone());
        }
    }
    (chosen, rest)
}

/// The plan snapshot of `chosen`, numbered from `first`: grouped by category (so a page
/// stays within one), critical questions that fit first within a category, then by
/// relevance (a generic critical question does not jump ahead of what was discussed).
pub fn snapshot_of(
    set: &PackSet,
    chosen: &[Ranked],
    first: u32,
) -> Result<Vec<PlanQuestion>, PlanError> {
    if chosen.is_empty() {
        return Err(PlanError::NoPacks);
    }
    let order: HashMap<&str, usize> = chosen
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let mut sorted: Vec<&Ranked> = chosen.iter().collect();
    sorted.sort_by_key(|r| {
        (
            Category::ALL.iter().position(|c| *c == r.category),
            !r.critical || r.generic,
            order[r.id.as_str()],
        )
    });
    let mut out = Vec::with_capacity(sorted.len());
    for r in sorted {
        let pack = set
            .get(&r.pack)
            .ok_or_else(|| PlanError::UnknownPack(r.pack.clone()))?;
        let Some(q) = pack.questions.iter().find(|q| q.id == r.id) else {
            continue;
        };
        out.push(PlanQuestion::of(first + out.len() as u32, &pack.id, q));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::PackRanker;
    use std::collections::BTreeSet;

    fn pick(texts: &[&str], depth: Depth) -> (Vec<Ranked>, Vec<(String, f32)>) {
        let set = PackSet::shipped().unwrap();
        let fits = PackRanker::new(&set).rank(texts.iter().copied(), &BTreeSet::new());
        let c = checklist(&set, &fits, texts, None, depth, 0);
        let packs = c.packs.into_iter().map(|p| (p, 0.0)).collect();
        (c.first, packs)
    }

    fn ranked(id: &str, category: Category, score: f32, generic: bool) -> Ranked {
        Ranked {
            id: id.into(),
            pack: "p".into(),
            category,
            critical: false,
            score,
            generic,
        }
    }

    #[test]
    fn past_the_minimum_a_standard_checklist_takes_only_what_was_discussed() {
        // Four core categories covered, six discussed questions, then generic ones.
        let mut list: Vec<Ranked> = CORE_CATEGORIES
            .iter()
            .enumerate()
            .map(|(i, c)| ranked(&format!("c{i}"), *c, 5.0, false))
            .collect();
        list.extend((0..2).map(|i| ranked(&format!("d{i}"), CORE_CATEGORIES[0], 4.0, false)));
        list.extend((0..6).map(|i| ranked(&format!("g{i}"), CORE_CATEGORIES[1], 0.5, true)));
        list.push(ranked("late", CORE_CATEGORIES[2], 0.4, false));
        // Two domain packs: a size of 12, but only 7 discussed questions.
        let (chosen, rest) = choose(&list, Depth::Standard, 2, 0);
        let ids: Vec<&str> = chosen.iter().map(|r| r.id.as_str()).collect();
        // Generic questions fill up to the minimum of 8 only; a discussed question,
        // however low, still joins after them.
        assert_eq!(chosen.len(), STANDARD_MIN + 1, "{ids:?}");
        assert!(ids.contains(&"late"), "{ids:?}");
        assert_eq!(chosen.iter().filter(|r| r.generic).count(), 2, "{ids:?}");
        assert_eq!(
            rest.len(),
            4,
            "the other generic questions wait for /plan more"
        );
        // The control: with generic questions marked discussed, the size is 12.
        let discussed: Vec<Ranked> = list
            .iter()
            .map(|r| Ranked {
                generic: false,
                ..r.clone()
            })
            .collect();
        assert_eq!(choose(&discussed, Depth::Standard, 2, 0).0.len(), 12);
    }

    #[test]
    fn one_word_does_not_bring_in_a_domain() {
        let (_, packs) = pick(
            &["a bulk export endpoint for invoices, paginated, for the finance team"],
            Depth::Standard,
        );
        let ids: Vec<&str> = packs.iter().map(|(id, _)| id.as_str()).collect();
        assert!(!ids.contains(&"payments"), "{ids:?}");
        let (_, packs) = pick(
            &[
                "customers pay the invoice by card at checkout",
                "refunds go back to the same card through stripe",
            ],
            Depth::Standard,
        );
        assert!(packs.iter().any(|(id, _)| id == "payments"), "{packs:?}");
    }

    #[test]
    fn depths_have_their_sizes_and_standard_covers_the_core_categories() {
        let texts = [
            "customers pay the invoice by card at checkout",
            "refunds go back to the same card through stripe",
            "and a webhook from stripe tells us when the charge settles",
        ];
        let (quick, _) = pick(&texts, Depth::Quick);
        assert!(quick.len() <= QUICK_MAX && !quick.is_empty());
        assert!(quick.iter().all(|q| q.critical), "{quick:?}");
        let (standard, _) = pick(&texts, Depth::Standard);
        assert!(
            (STANDARD_MIN..=STANDARD_MAX).contains(&standard.len()),
            "{}",
            standard.len()
        );
        for c in CORE_CATEGORIES {
            assert!(standard.iter().any(|q| q.category == c), "{c:?} missing");
        }
        let (thorough, _) = pick(&texts, Depth::Thorough);
        assert!(thorough.len() > standard.len());
        let groups: BTreeSet<String> = {
            let set = PackSet::shipped().unwrap();
            thorough
                .iter()
                .map(|q| set.group_of(&q.id).to_string())
                .collect()
        };
        assert_eq!(groups.len(), thorough.len(), "one question per group");
    }

    #[test]
    fn the_snapshot_groups_by_category_and_puts_critical_first() {
        let set = PackSet::shipped().unwrap();
        let texts = [
            "customers pay the invoice by card",
            "refunds through stripe",
        ];
        let (chosen, _) = pick(&texts, Depth::Thorough);
        let snap = snapshot_of(&set, &chosen, 1).unwrap();
        let numbers: Vec<u32> = snap.iter().map(|q| q.number).collect();
        assert_eq!(numbers, (1..=snap.len() as u32).collect::<Vec<_>>());
        for w in snap.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            let pos = |c: Category| Category::ALL.iter().position(|x| *x == c);
            assert!(pos(a.category) <= pos(b.category));
            if a.category == b.category {
                // Critical questions that fit first; a generic one waits its turn.
                let first = |id: &str| {
                    let r = chosen.iter().find(|r| r.id == id).unwrap();
                    r.critical && !r.generic
                };
                assert!(first(&a.id) >= first(&b.id), "{} before {}", a.id, b.id);
            }
        }
    }

    #[test]
    fn a_plural_is_not_a_second_word_and_named_packs_keep_every_question() {
        let set = PackSet::shipped().unwrap();
        let ranker = PackRanker::new(&set);
        let words = |t: &str| {
            let all = ranker.evidence([t]);
            all.iter()
                .find(|(id, _)| *id == "payments")
                .unwrap()
                .1
                .words
        };
        assert_eq!(words("refunds, refunds and a refund"), 1);
        assert_eq!(words("refunds and a chargeback"), 2, "the control");
        // One weak word, however often, does not bring in payments.
        let (_, packs) = pick(&["invoices, invoices and an invoice"], Depth::Standard);
        assert!(!packs.iter().any(|(id, _)| id == "payments"), "{packs:?}");
        let named = vec!["webhooks".to_string()];
        let all = checklist(&set, &[], &[], Some(&named), Depth::Thorough, 0);
        assert_eq!(
            all.first.len(),
            set.get("webhooks").unwrap().questions.len()
        );
    }

    #[test]
    fn depth_names_parse() {
        for d in Depth::ALL {
            assert_eq!(Depth::parse(d.as_str()), Some(d));
        }
        assert_eq!(Depth::parse(" Quick "), Some(Depth::Quick));
        assert_eq!(Depth::parse("deep"), None);
    }
}
