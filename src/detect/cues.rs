//! The intent/other cue lists of `prompts/detection.toml`, compiled once.

use crate::packs::PackError;
use regex::{Regex, RegexSet, RegexSetBuilder};
use serde::Deserialize;
use toml::Spanned;

/// Whether a cue speaks for feature talk or for other talk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    Intent,
    Other,
}

#[derive(Debug, Clone)]
pub struct CueMeta {
    pub family: String,
    /// Index of the family in [`CompiledCues::families`].
    pub family_index: usize,
    pub polarity: Polarity,
    pub weight: f32,
    /// Counts only in a conversation's first messages (see [`super::OPENER_MESSAGES`]).
    pub opener_only: bool,
    /// An `other` cue that only cancels feature cues of the same message: it never makes
    /// the message count against the discussion.
    pub cancel_only: bool,
}

/// All cues compiled into one `RegexSet` (which ones match) plus the single regexes
/// (where they match, for evidence), built once at start-up.
#[derive(Debug, Clone)]
pub struct CompiledCues {
    pub(crate) set: RegexSet,
    pub(crate) regexes: Vec<Regex>,
    pub(crate) meta: Vec<CueMeta>,
    pub(crate) families: Vec<(String, Polarity)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    intent: Vec<RawCue>,
    #[serde(default)]
    other: Vec<RawCue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCue {
    family: String,
    pattern: Spanned<String>,
    weight: Spanned<f32>,
    #[serde(default)]
    opener_only: bool,
    #[serde(default)]
    cancel_only: bool,
}

/// The shipped detection cues.
pub const SHIPPED: &str = include_str!("../../prompts/detection.toml");

impl CompiledCues {
    pub fn shipped() -> Result<CompiledCues, Vec<PackError>> {
        CompiledCues::parse("prompts/detection.toml", SHIPPED)
    }

    pub fn parse(file: &str, src: &str) -> Result<CompiledCues, Vec<PackError>> {
        use crate::packs::{compile_cue, line_of, parse_toml};
        let raw: RawFile = parse_toml(file, src)?;
        let mut errors = Vec::new();
        let mut patterns = Vec::new();
        let mut regexes = Vec::new();
        let mut meta = Vec::new();
        let mut families: Vec<(String, Polarity)> = Vec::new();
        for (polarity, list, key) in [
            (Polarity::Intent, &raw.intent, "intent"),
            (Polarity::Other, &raw.other, "other"),
        ] {
            for (i, cue) in list.iter().enumerate() {
                let line = line_of(src, cue.pattern.span().start);
                let w = *cue.weight.get_ref();
                if cue.cancel_only && polarity == Polarity::Intent {
                    errors.push(PackError::at(
                        file,
                        line,
                        &format!("{key}[{i}].cancel_only"),
                        "only `other` cues can cancel".to_string(),
                    ));
                }
                if !w.is_finite() || w <= 0.0 || w > 10.0 {
                    errors.push(PackError::at(
                        file,
                        line_of(src, cue.weight.span().start),
                        &format!("{key}[{i}].weight"),
                        format!(
                            "weight {w} must be above 0 and at most 10 (the list decides the sign)"
                        ),
                    ));
                }
                match compile_cue(cue.pattern.get_ref()) {
                    Ok(re) => {
                        let family_index = match families
                            .iter()
                            .position(|(f, p)| f == &cue.family && *p == polarity)
                        {
                            Some(i) => i,
                            None => {
                                families.push((cue.family.clone(), polarity));
                                families.len() - 1
                            }
                        };
                        patterns.push(re.as_str().to_string());
                        regexes.push(re);
                        meta.push(CueMeta {
                            family: cue.family.clone(),
                            family_index,
                            polarity,
                            weight: w,
                            opener_only: cue.opener_only,
                            cancel_only: cue.cancel_only,
                        });
                    }
                    Err(msg) => errors.push(PackError::at(
                        file,
                        line,
                        &format!("{key}[{i}].pattern"),
                        msg,
                    )),
                }
            }
        }
        if families.len() > super::MAX_FAMILIES {
            errors.push(PackError::at(
                file,
                0,
                "family",
                format!(
                    "{} cue families; at most {} are supported",
                    families.len(),
                    super::MAX_FAMILIES
                ),
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let set = RegexSetBuilder::new(&patterns)
            .case_insensitive(true)
            .size_limit(32 * 1024 * 1024)
            .dfa_size_limit(16 * 1024 * 1024)
            .build()
            .map_err(|e| {
                vec![PackError::at(
                    file,
                    0,
                    "",
                    format!("cannot compile the cue set: {e}"),
                )]
            })?;
        Ok(CompiledCues {
            set,
            regexes,
            meta,
            families,
        })
    }

    pub fn len(&self) -> usize {
        self.meta.len()
    }

    pub fn is_empty(&self) -> bool {
        self.meta.is_empty()
    }

    /// Each cue's regex, in order, for the naive baseline in benchmarks.
    pub fn regexes(&self) -> &[Regex] {
        &self.regexes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_cues_compile() {
        let c = CompiledCues::shipped().unwrap();
        assert!(c.len() > 10);
        assert!(c.families.iter().any(|(_, p)| *p == Polarity::Other));
    }

    #[test]
    fn a_bad_cue_names_its_line_and_key() {
        let src = "[[intent]]\nfamily = \"x\"\npattern = 'a('\nweight = 1.0\n";
        let e = CompiledCues::parse("d.toml", src).unwrap_err();
        assert!(
            e[0].to_string()
                .starts_with("d.toml:3: intent[0].pattern: invalid regular expression"),
            "{}",
            e[0]
        );
    }

    #[test]
    fn a_negative_weight_is_rejected_because_the_list_sets_the_sign() {
        let src = "[[other]]\nfamily = \"x\"\npattern = 'a'\nweight = -1.0\n";
        let e = CompiledCues::parse("d.toml", src).unwrap_err();
        assert_eq!(
            e[0].to_string(),
            "d.toml:4: other[0].weight: weight -1 must be above 0 and at most 10 (the list decides the sign)"
        );
    }

    #[test]
    fn opener_only_is_read_and_a_misspelt_key_is_refused() {
        let src = "[[intent]]\nfamily = \"x\"\npattern = 'a'\nweight = 1.0\nopener_only = true\n";
        let c = CompiledCues::parse("d.toml", src).unwrap();
        assert!(c.meta[0].opener_only);
        let src = "[[intent]]\nfamily = \"x\"\npattern = 'a'\nweight = 1.0\nopener_onyl = true\n";
        let e = CompiledCues::parse("d.toml", src).unwrap_err();
        assert!(
            e[0].to_string().starts_with("d.toml:5:") && e[0].to_string().contains("opener_onyl"),
            "{}",
            e[0]
        );
    }

    #[test]
    fn cancel_only_belongs_to_other_cues() {
        let src = "[[intent]]\nfamily = \"x\"\npattern = 'a'\nweight = 1.0\ncancel_only = true\n";
        let e = CompiledCues::parse("d.toml", src).unwrap_err();
        assert_eq!(
            e[0].to_string(),
            "d.toml:3: intent[0].cancel_only: only `other` cues can cancel"
        );
        let src = "[[other]]\nfamily = \"x\"\npattern = 'a'\nweight = 1.0\ncancel_only = true\n";
        assert!(CompiledCues::parse("d.toml", src).unwrap().meta[0].cancel_only);
    }
}
