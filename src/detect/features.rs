//! What the detection model sees in one message: its word n-grams (hashed), the cue
//! families that fired, how much design vocabulary (pack cues) it uses, and whether it
//! weighs two approaches ("one row per seat or a counter per section?"). Shared by the
//! detector (hot path) and by training, so both see exactly the same features.

use super::cues::{CompiledCues, Polarity};
use super::rank::PackRanker;

/// A word of prose: where it is (byte range) and its hash (lowercased; digits-only words
/// all hash as `0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    pub hash: u64,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x100_0000_01b3;

/// The hash of a word as [`words`] computes it (the word must already be lowercase).
pub fn word_hash(word: &str) -> u64 {
    word_hash_bytes(word.as_bytes())
}

/// FNV-1a over bytes.
pub fn word_hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = FNV_OFFSET;
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(FNV_PRIME);
    }
    h
}

/// The hash of the word pair `a b`.
pub fn pair_hash(a: u64, b: u64) -> u64 {
    (a.rotate_left(23) ^ b.wrapping_mul(0x9e37_79b9_7f4a_7c15)).wrapping_mul(FNV_PRIME)
}

/// The hash of an n-gram as written in the model file: one word, or two joined by a space.
pub fn ngram_hash(ngram: &str) -> u64 {
    match ngram.split_once(' ') {
        Some((a, b)) => pair_hash(word_hash(a), word_hash(b)),
        None => word_hash(ngram),
    }
}

/// Splits prose into words (letters, digits and inner apostrophes), appending to `out`.
pub fn words(prose: &str, out: &mut Vec<Word>) {
    each_word(prose, |w| out.push(w));
}

/// Calls `f` with each word of prose, in order (see [`words`]). Walks bytes and decodes a
/// character only where one starts with a non-ASCII byte: most chat is ASCII, and this
/// runs for every message.
fn each_word(prose: &str, mut f: impl FnMut(Word)) {
    let bytes = prose.as_bytes();
    let mut start = None;
    let mut i = 0;
    while i < bytes.len() {
        let (word_char, len) = word_char_at(prose, i);
        match (start, word_char) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                emit_word(prose, s, i, &mut f);
                start = None;
            }
            _ => {}
        }
        i += len;
    }
    if let Some(s) = start {
        emit_word(prose, s, prose.len(), &mut f);
    }
}

/// Whether the character at byte `i` (a character boundary) belongs to a word (a letter,
/// digit or apostrophe), and its length in bytes.
fn word_char_at(prose: &str, i: usize) -> (bool, usize) {
    let b = prose.as_bytes()[i];
    if b.is_ascii() {
        return (b.is_ascii_alphanumeric() || b == b'\'', 1);
    }
    let c = prose[i..]
        .chars()
        .next()
        .expect("i is a character boundary");
    (c.is_alphanumeric(), c.len_utf8())
}

/// The word in `prose[start..end]` (a run of word characters) without its outer
/// apostrophes, passed to `f` unless nothing is left.
fn emit_word(prose: &str, start: usize, end: usize, f: &mut impl FnMut(Word)) {
    let run = &prose[start..end];
    let w = run.trim_matches('\'');
    if !w.is_empty() {
        let start = start + (run.len() - run.trim_start_matches('\'').len());
        f(Word {
            start,
            end: start + w.len(),
            hash: hash_lower(w),
        });
    }
}

/// Lowercase form of a word, as in the model file.
pub fn lower_word(w: &str) -> String {
    if w.bytes().all(|b| b.is_ascii_digit()) {
        "0".to_string()
    } else {
        w.to_lowercase()
    }
}

/// The hash of a word as its lowercase form (see [`lower_word`]), in one pass over an
/// ASCII word.
fn hash_lower(w: &str) -> u64 {
    let mut h = FNV_OFFSET;
    let mut digits = true;
    for b in w.bytes() {
        if !b.is_ascii() {
            return word_hash(&w.to_lowercase());
        }
        digits &= b.is_ascii_digit();
        h = (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(FNV_PRIME);
    }
    if digits { word_hash("0") } else { h }
}

/// The n-grams of a message: each word and each pair of neighbouring words, as
/// `(hash, start, end)` (byte range in the prose, for evidence), in order of appearance.
pub fn ngrams(prose: &str, scratch: &mut Vec<Word>, out: &mut Vec<(u64, usize, usize)>) {
    scratch.clear();
    words(prose, scratch);
    for (i, w) in scratch.iter().enumerate() {
        out.push((w.hash, w.start, w.end));
        if let Some(next) = scratch.get(i + 1) {
            out.push((pair_hash(w.hash, next.hash), w.start, next.end));
        }
    }
}

/// The hashes of a message's n-grams (see [`ngrams`]) without where they are, in no
/// particular order: what scoring needs (with [`distinct_hashes`]), without the words'
/// positions that only evidence uses.
pub fn ngram_hashes(prose: &str, out: &mut Vec<u64>) {
    let mut previous = None;
    each_word(prose, |w| {
        out.push(w.hash);
        if let Some(p) = previous {
            out.push(pair_hash(p, w.hash));
        }
        previous = Some(w.hash);
    });
}

/// Like [`dedup_ngrams`] for bare hashes: keeps each once, in ascending order (the order
/// [`dedup_ngrams`] leaves, so weights add up to the very same sum), and returns the
/// scale `1/sqrt(distinct n-grams)`.
pub fn distinct_hashes(hashes: &mut Vec<u64>) -> f32 {
    hashes.sort_unstable();
    hashes.dedup();
    inv_sqrt(hashes.len())
}

/// Keeps one occurrence of each n-gram, the first (a message counts an n-gram once, as in
/// training), in hash order, and returns the scale every n-gram weight of the message is
/// multiplied by: `1/sqrt(distinct n-grams)`, so a long message does not outvote a short
/// one by length.
pub fn dedup_ngrams(grams: &mut Vec<(u64, usize, usize)>) -> f32 {
    grams.sort_unstable_by_key(|&(hash, start, _)| (hash, start));
    grams.dedup_by_key(|g| g.0);
    inv_sqrt(grams.len())
}

/// `1/sqrt(n)` (0 for none): how distinct n-grams scale in a message, and messages in a
/// conversation.
pub fn inv_sqrt(n: usize) -> f32 {
    if n == 0 { 0.0 } else { 1.0 / (n as f32).sqrt() }
}

/// Words too common to explain anything on their own.
const FUNCTION_WORDS: &[&str] = &[
    "a", "about", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "been", "but",
    "by", "can", "could", "did", "do", "does", "for", "from", "get", "got", "had", "has", "have",
    "he", "her", "his", "how", "i", "i'm", "if", "in", "into", "is", "it", "it's", "its", "just",
    "like", "me", "might", "more", "most", "my", "no", "not", "now", "of", "on", "one", "or",
    "our", "out", "per", "should", "so", "some", "such", "than", "that", "the", "their", "them",
    "then", "there", "these", "they", "this", "those", "to", "too", "up", "us", "very", "was",
    "we", "we'd", "we'll", "were", "what", "when", "where", "which", "who", "why", "will", "with",
    "would", "you", "your",
];

/// Whether an n-gram as written explains something to a reader: a pair of words not both
/// function words, or a single word of four letters or more that is not one.
pub fn is_telling(ngram: &str) -> bool {
    let words: Vec<String> = ngram.split_whitespace().map(lower_word).collect();
    let function = |w: &String| FUNCTION_WORDS.contains(&w.as_str()) || w == "0";
    match words.as_slice() {
        [w] => w.chars().count() >= 4 && !function(w),
        [] => false,
        many => !many.iter().all(function),
    }
}

/// The features of one message besides its n-grams.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Signals {
    /// Bit `i` set when cue family `i` (of [`CompiledCues`]) fired.
    pub families: u64,
    /// The hand-written cues' verdict on the message: the strongest feature cue of each
    /// family that fired, minus the strongest cue of each other-talk family, kept within
    /// [`CUE_FLOOR`, `CUE_CAP`] (the score the cue-only detector added up).
    pub cue_score: f32,
    /// How many pack cues matched (design vocabulary).
    pub vocab: usize,
    /// A question that weighs two approaches ("X or Y?").
    pub weighs: bool,
}

/// Most one message's cue score can be: one enthusiastic line is not a discussion.
pub const CUE_CAP: f32 = 4.0;
/// Least one message's cue score can be: one stack trace does not erase a discussion.
pub const CUE_FLOOR: f32 = -1.0;

/// The cue families that fire in `prose` (each once) and the cues' score (see
/// [`Signals::cue_score`]); `opener_only` cues count only when the message opens its
/// conversation.
pub fn families(cues: &CompiledCues, prose: &str, opener: bool) -> (u64, f32) {
    // Most chat matches no cue: `is_match` can stop at the first hit, `matches` cannot.
    if !cues.set.is_match(prose) {
        return (0, 0.0);
    }
    let mut bits = 0u64;
    let (mut intent, mut other, mut cancel) = (0.0, 0.0, 0.0);
    for (family, idx) in strongest_cues(cues, prose, opener) {
        bits |= 1 << family;
        let m = &cues.meta[idx];
        match m.polarity {
            Polarity::Intent => intent += m.weight,
            Polarity::Other if m.cancel_only => cancel += m.weight,
            Polarity::Other => other += m.weight,
        }
    }
    let score: f32 = intent - other - f32::min(cancel, intent);
    (bits, score.clamp(CUE_FLOOR, CUE_CAP))
}

/// For each cue family that fires in `prose`, its strongest cue: `(family, cue index)`,
/// families in the order they first matched; `opener_only` cues only when the message
/// opens its conversation.
pub fn strongest_cues(cues: &CompiledCues, prose: &str, opener: bool) -> Vec<(usize, usize)> {
    let mut best: Vec<(usize, usize)> = Vec::new();
    for idx in cues.set.matches(prose).iter() {
        let m = &cues.meta[idx];
        if m.opener_only && !opener {
            continue;
        }
        match best.iter_mut().find(|(f, _)| *f == m.family_index) {
            Some(slot) if cues.meta[slot.1].weight < m.weight => slot.1 = idx,
            Some(_) => {}
            None => best.push((m.family_index, idx)),
        }
    }
    best
}

/// The signals of one message.
pub fn signals(cues: &CompiledCues, ranker: &PackRanker, prose: &str, opener: bool) -> Signals {
    let (families, cue_score) = families(cues, prose, opener);
    Signals {
        families,
        cue_score,
        vocab: ranker.cue_hits(prose),
        weighs: weighs_approaches(prose),
    }
}

/// True when a question sets two options side by side: a sentence ending in `?` with
/// `or`, `vs` or `versus` between words ("monthly or on demand?").
pub fn weighs_approaches(prose: &str) -> bool {
    prose.contains('?') && approach_question(prose).is_some()
}

/// The first question of `prose` that weighs two approaches (see [`weighs_approaches`]).
pub fn approach_question(prose: &str) -> Option<&str> {
    let mut start = 0;
    for (i, c) in prose.char_indices() {
        if matches!(c, '.' | '!' | '\n' | '?') {
            if c == '?' && has_or(&prose[start..i]) {
                return Some(&prose[start..=i]);
            }
            start = i + 1;
        }
    }
    None
}

fn has_or(sentence: &str) -> bool {
    let mut it = sentence.split_whitespace().peekable();
    let mut before = false;
    while let Some(w) = it.next() {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        if before
            && (w.eq_ignore_ascii_case("or")
                || w.eq_ignore_ascii_case("vs")
                || w.eq_ignore_ascii_case("versus"))
            && it.peek().is_some()
        {
            return true;
        }
        before = !w.is_empty();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(prose: &str) -> Vec<&str> {
        let mut w = Vec::new();
        words(prose, &mut w);
        w.iter().map(|w| &prose[w.start..w.end]).collect()
    }

    #[test]
    fn words_keep_inner_apostrophes_and_drop_punctuation() {
        assert_eq!(
            texts("Let's add 'SAML', ok? café—naïve"),
            vec!["Let's", "add", "SAML", "ok", "café", "naïve"]
        );
    }

    /// Words as a plain walk over characters finds them (what [`words`] did before it
    /// walked bytes): the oracle for the faster walk.
    fn words_by_chars(prose: &str) -> Vec<Word> {
        let mut out = Vec::new();
        let mut start = None;
        let word_char = |c: char| c.is_alphanumeric() || c == '\'';
        for (i, c) in prose.char_indices().chain([(prose.len(), ' ')]) {
            match (start, word_char(c)) {
                (None, true) => start = Some(i),
                (Some(s), false) => {
                    let w = prose[s..i].trim_matches('\'');
                    if !w.is_empty() {
                        let s = s + prose[s..i].find(|c| c != '\'').unwrap_or(0);
                        out.push(Word {
                            start: s,
                            end: s + w.len(),
                            hash: word_hash(&lower_word(w)),
                        });
                    }
                    start = None;
                }
                _ => {}
            }
        }
        out
    }

    fn scoring_hashes(prose: &str) -> (Vec<u64>, f32) {
        let mut hashes = Vec::new();
        ngram_hashes(prose, &mut hashes);
        let scale = distinct_hashes(&mut hashes);
        (hashes, scale)
    }

    fn evidence_hashes(prose: &str) -> (Vec<u64>, f32) {
        let (mut scratch, mut grams) = (Vec::new(), Vec::new());
        ngrams(prose, &mut scratch, &mut grams);
        let scale = dedup_ngrams(&mut grams);
        (grams.iter().map(|g| g.0).collect(), scale)
    }

    #[test]
    fn words_and_ngram_hashes_agree_with_the_plain_walk() {
        for prose in [
            "",
            "'",
            "''a''",
            "Let's add 'SAML', ok? café—naïve 2024 v2",
            "ÜNÏCODE straße ǅ 日本語 ١٢٣ 😀 don't' 'tis",
            "a b a b a",
            "we should\nadd\tit",
        ] {
            let mut w = Vec::new();
            words(prose, &mut w);
            assert_eq!(w, words_by_chars(prose), "{prose:?}");
            assert_eq!(scoring_hashes(prose), evidence_hashes(prose), "{prose:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_splits_and_hashes_as_the_plain_walk_does(prose in "(?s).{0,40}") {
            let mut w = Vec::new();
            words(&prose, &mut w);
            proptest::prop_assert_eq!(w, words_by_chars(&prose));
            proptest::prop_assert_eq!(scoring_hashes(&prose), evidence_hashes(&prose));
        }

        #[test]
        fn chat_like_text_splits_as_the_plain_walk_does(prose in "[a-zA-Z0-9' .,?!é’😀-]{0,60}") {
            let mut w = Vec::new();
            words(&prose, &mut w);
            proptest::prop_assert_eq!(w, words_by_chars(&prose));
            proptest::prop_assert_eq!(scoring_hashes(&prose), evidence_hashes(&prose));
        }
    }

    #[test]
    fn hashes_ignore_case_and_numbers_hash_alike() {
        let mut a = Vec::new();
        words("SAML 2024", &mut a);
        assert_eq!(a[0].hash, word_hash("saml"));
        assert_eq!(a[1].hash, word_hash("0"));
        let mut b = Vec::new();
        words("Ünïcode", &mut b);
        assert_eq!(b[0].hash, word_hash("ünïcode"));
    }

    #[test]
    fn a_pair_in_the_model_file_hashes_like_the_pair_in_text() {
        let mut scratch = Vec::new();
        let mut out = Vec::new();
        ngrams("We should", &mut scratch, &mut out);
        assert_eq!(out[1].0, ngram_hash("we should"));
        assert_eq!(out.len(), 3);
    }

    #[test]
    fn function_words_alone_do_not_explain_a_detection() {
        assert!(!is_telling("would"));
        assert!(!is_telling("would be"));
        assert!(!is_telling("a"));
        assert!(!is_telling("api"));
        assert!(is_telling("tenant"));
        assert!(is_telling("option to"));
        assert!(is_telling("Webhooks"));
    }

    #[test]
    fn a_question_between_two_options_weighs_approaches() {
        assert!(weighs_approaches(
            "one row per seat or a counter per section?"
        ));
        assert!(weighs_approaches("ok. monthly vs on demand? thoughts"));
        assert!(!weighs_approaches("is it down? or is it me"));
        assert!(!weighs_approaches("retry or give up."));
        assert!(!weighs_approaches("or?"));
    }
}
