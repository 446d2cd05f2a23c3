//! Anti-pattern nudges against conversations that must and must not fire them
//! (`tests/fixtures/nudges.toml`), and everyday team talk that must fire none.

#[path = "support/conversations.rs"]
mod conversations;

use plancheck::detect::normalize::prose;
use plancheck::detect::nudge::Nudges;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixtures {
    nudge: Vec<Case>,
    conversation: Vec<Conversation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    id: String,
    fires: Vec<String>,
    quiet: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Conversation {
    name: String,
    messages: Vec<String>,
    fires: Vec<String>,
}

fn fixtures() -> Fixtures {
    toml::from_str(include_str!("fixtures/nudges.toml")).unwrap()
}

fn fired(n: &Nudges, messages: &[String]) -> Vec<String> {
    let texts: Vec<String> = messages.iter().map(|m| prose(m)).collect();
    n.fired(&texts).iter().map(|n| n.id.clone()).collect()
}

#[test]
fn every_shipped_nudge_has_cases_that_must_and_must_not_fire_it() {
    let n = Nudges::shipped().unwrap();
    let f = fixtures();
    for nudge in n.iter() {
        let case = f
            .nudge
            .iter()
            .find(|c| c.id == nudge.id)
            .unwrap_or_else(|| panic!("no cases for {}", nudge.id));
        assert!(case.fires.len() >= 4, "{}: too few firing cases", nudge.id);
        assert!(case.quiet.len() >= 4, "{}: too few quiet cases", nudge.id);
    }
    for case in &f.nudge {
        assert!(
            n.get(&case.id).is_some(),
            "cases for unknown nudge {}",
            case.id
        );
    }
}

#[test]
fn each_nudge_fires_on_its_cases_and_nothing_fires_on_the_quiet_ones() {
    let n = Nudges::shipped().unwrap();
    let mut wrong = Vec::new();
    for case in fixtures().nudge {
        for text in &case.fires {
            let got = fired(&n, std::slice::from_ref(text));
            if !n.may_fire(text) {
                wrong.push(format!(
                    "{text:?}: the screen of the whole message missed it"
                ));
            }
            if got != [case.id.clone()] {
                wrong.push(format!("{text:?}: want [{}], got {got:?}", case.id));
            }
        }
        for text in &case.quiet {
            let got = fired(&n, std::slice::from_ref(text));
            if !got.is_empty() {
                wrong.push(format!("{text:?} (quiet for {}): got {got:?}", case.id));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn conversations_read_together_fire_what_they_should() {
    let n = Nudges::shipped().unwrap();
    for c in fixtures().conversation {
        assert_eq!(fired(&n, &c.messages), c.fires, "{}", c.name);
    }
}

#[test]
fn everyday_team_talk_and_feature_discussions_fire_no_nudge() {
    let n = Nudges::shipped().unwrap();
    let all = conversations::quiet()
        .into_iter()
        .chain(conversations::features());
    for c in all {
        for m in &c.messages {
            let got = fired(&n, std::slice::from_ref(m));
            assert!(got.is_empty(), "{} / {m:?}: {got:?}", c.name);
        }
    }
}

static SHIPPED: std::sync::LazyLock<Nudges> =
    std::sync::LazyLock::new(|| Nudges::shipped().unwrap());

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config {
        cases: 300,
        rng_algorithm: proptest::test_runner::RngAlgorithm::XorShift,
        ..proptest::test_runner::Config::default()
    })]

    /// Hostile Unicode around the cues (multi-byte characters at clause and sentence
    /// boundaries) never panics, and a cue said plainly after it in a new sentence fires.
    #[test]
    fn any_text_around_a_cue_is_matched_without_panicking(
        before in "[a-zé—–,:(;.!? \u{200b}\u{202e}日本]{0,40}",
        after in "[a-zé—–,:(;.!? \u{200b}日本]{0,40}",
    ) {
        let n = &*SHIPPED;
        let _ = n.fired(&[format!("{before}just put redis in front{after}")]);
        let said = format!("{before}\njust put redis in front of it");
        let ids: Vec<String> = n.fired(&[said]).iter().map(|n| n.id.clone()).collect();
        proptest::prop_assert!(ids.contains(&"cache_before_measuring".to_string()), "{ids:?}");
        // A cue that needs its sentence's end, mid-text: the whole-text screen passes it.
        let ended = format!("{before}\nwe have an N+1. {after}");
        let ids: Vec<String> = n.fired(&[ended.as_str()]).iter().map(|n| n.id.clone()).collect();
        proptest::prop_assert!(ids.contains(&"n_plus_one".to_string()), "{ids:?}");
    }
}
