//! What the bot posts, built to fit Discord's limits and never ping anyone.

use super::components::Component;
use crate::detect::Detection;
use crate::ids::DetectionId;
use crate::plan::{Plan, PlanQuestion, QuestionState};
use serenity::all::{ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateButton};

/// Discord's message content limit.
pub const MAX_CONTENT: usize = 2000;
/// Questions per page message (one modal answers up to five).
pub const PAGE: usize = 5;

/// No pings, ever: not users, roles, @everyone, nor the replied-to author.
pub fn no_mentions() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
        .empty_users()
        .empty_roles()
        .everyone(false)
        .replied_user(false)
}

/// Cuts `s` to at most `max` characters, marking the cut.
pub fn fit(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        s.chars().take(max.saturating_sub(1)).collect::<String>() + "…"
    }
}

/// Most messages one reply is split into; the rest is cut with a pointer to the export.
pub const MAX_PARTS: usize = 5;

/// Splits text into messages of at most `max` characters, on line breaks where possible,
/// at most [`MAX_PARTS`] of them. Never fails, never loses the fact that it cut.
pub fn split_message(text: &str, max: usize) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut len = 0;
    for line in text.split_inclusive('\n') {
        let mut line = line;
        loop {
            let n = line.chars().count();
            if len + n <= max {
                current.push_str(line);
                len += n;
                break;
            }
            if len > 0 {
                parts.push(std::mem::take(&mut current));
                len = 0;
                continue;
            }
            // A single line longer than a message: cut it on a character boundary.
            let cut = line.char_indices().nth(max).map_or(line.len(), |(i, _)| i);
            parts.push(line[..cut].to_string());
            line = &line[cut..];
        }
    }
    if !current.is_empty() || parts.is_empty() {
        parts.push(current);
    }
    if parts.len() > MAX_PARTS {
        parts.truncate(MAX_PARTS);
        let note = "\n… (cut: `/plan export` has everything)";
        let last = parts.last_mut().expect("MAX_PARTS > 0");
        *last = fit(last, max - note.chars().count()) + note;
    }
    parts
}

/// The prompts of `recent` that could not be posted, with when, where and why (the
/// latest three); "" when every prompt went out.
pub fn undelivered_report(lost: &[&crate::store::DetectionRecord]) -> String {
    if lost.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "\nUndelivered prompts: {} (Discord refused or failed every attempt to post them):",
        lost.len()
    );
    for d in lost.iter().take(3) {
        out.push_str(&format!(
            "\n- {} in <#{}> “{}”: {}",
            d.created_at.format("%Y-%m-%d %H:%M UTC"),
            d.channel.0,
            quote_user_text(&d.title),
            quote_user_text(d.undelivered.as_deref().unwrap_or(""))
        ));
    }
    out
}

/// What `/plan more` says: the questions added, and how many are left to add.
pub fn added_text(plan: &Plan, added: &[PlanQuestion]) -> String {
    let numbers: Vec<String> = added.iter().map(|q| format!("Q{}", q.number)).collect();
    format!(
        "Added {} question{} to “{}”: {}. The plan now holds {}.",
        added.len(),
        if added.len() == 1 { "" } else { "s" },
        quote_user_text(&plan.title),
        numbers.join(", "),
        plan.questions.len()
    )
}

/// Discord's limit on a thread's name.
pub const MAX_THREAD_NAME: usize = 100;

/// A thread name from a plan's title: one line of printable text (newlines, control
/// characters, bidi overrides and zero-width characters removed, runs of spaces joined),
/// `Plan N` when nothing printable is left, cut to Discord's limit.
pub fn thread_name(plan: &Plan) -> String {
    let printable: String = plan
        .title
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|c| *c == ' ' || !crate::text::is_invisible(*c))
        .collect();
    let title = printable.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() {
        return format!("Plan {}", plan.id.0);
    }
    fit(&format!("Plan: {title}"), MAX_THREAD_NAME)
}

/// Neutralises mentions and masked links in text people typed before the bot repeats it.
pub fn quote_user_text(s: &str) -> String {
    s.replace('@', "@\u{200b}").replace('<', "<\u{200b}")
}

pub fn prompt_content(d: &Detection) -> String {
    let [(title_label, title), (why_label, why), (packs_label, packs)] =
        crate::plan::summary::prompt_lines(d, |s| quote_user_text(&fit(s, 80)), 8);
    fit(
        &format!("**{title_label}:** {title}\n{why_label}: {why}\n{packs_label}: {packs}"),
        MAX_CONTENT,
    )
}

pub fn prompt_buttons(id: DetectionId) -> Vec<CreateActionRow> {
    vec![CreateActionRow::Buttons(vec![
        CreateButton::new(Component::Start(id).encode())
            .label("Start checklist")
            .style(ButtonStyle::Primary),
        CreateButton::new(Component::Dismiss(id).encode())
            .label("Not a feature")
            .style(ButtonStyle::Secondary),
        CreateButton::new(Component::Mute(id).encode())
            .label("Mute this channel for 24h")
            .style(ButtonStyle::Secondary),
    ])]
}

/// Under a checklist's overview: *More questions*, unless it already holds every question
/// of its packs.
pub fn overview_buttons(plan: &Plan) -> Vec<CreateActionRow> {
    if plan.depth == crate::plan::select::Depth::Thorough {
        return Vec::new();
    }
    vec![CreateActionRow::Buttons(vec![
        CreateButton::new(Component::More(plan.id).encode())
            .label("More questions")
            .style(ButtonStyle::Secondary),
    ])]
}

pub fn overview(plan: &Plan) -> String {
    let cov = plan.coverage();
    let mut s = format!(
        "**Checklist: {}** — {} questions, {}% decided, {}\n",
        quote_user_text(&plan.title),
        cov.total,
        cov.percent(),
        plan.readiness(10)
    );
    for c in &cov.categories {
        s.push_str(&format!(
            "• {}: {}/{}\n",
            c.category.label(),
            c.answered + c.skipped,
            c.total
        ));
    }
    s.push_str("Answer with the buttons, by replying to a question message (start with Q3 when it shows several), or with `/plan answer`.");
    fit(&s, MAX_CONTENT)
}

fn question_block(plan: &Plan, q: &PlanQuestion, budget: usize) -> String {
    let state = match plan.state(&q.id) {
        QuestionState::Open => String::new(),
        QuestionState::Answered { latest, .. } => {
            format!("\n> ✅ {}", quote_user_text(&fit(&latest.text, 200)))
        }
        QuestionState::Skipped { latest } => format!(
            "\n> ⏭ skipped: {}",
            quote_user_text(&fit(&latest.text, 200))
        ),
    };
    let mark = if q.critical { " ⚠️" } else { "" };
    // The team's own question is their words; a pack's is ours.
    let text = match &q.asked {
        Some(asked) => format!(
            "“{}”{}",
            quote_user_text(&q.text),
            link(plan, asked.message)
        ),
        None => q.text.clone(),
    };
    let why = match &q.asked {
        Some(asked) => format!(
            "Asked by {} in the discussion, still open.",
            quote_user_text(&asked.author.name)
        ),
        None => q.why.clone(),
    };
    // An open question the discussion already answered shows that answer in place of
    // its *why*: a page has room for one of them per question.
    let body = match (&q.suggested, plan.is_open(&q.id)) {
        (Some(s), true) => format!(
            "💡 Already said by {}: “{}”{} — *Accept Q{}* records it",
            quote_user_text(&s.author.name),
            quote_user_text(&fit(&s.text, 160)),
            link(plan, s.message),
            q.number
        ),
        _ => format!("_{why}_"),
    };
    fit(
        &format!("**Q{}**{mark} {text}\n{body}{state}", q.number),
        budget,
    )
}

/// ` ([message](…))`, a jump to what was said, when the plan is on Discord.
fn link(plan: &Plan, m: crate::ids::MessageId) -> String {
    plan.message_link(m)
        .map(|l| format!(" ([message](<{l}>))"))
        .unwrap_or_default()
}

/// Pages of at most [`PAGE`] questions of one category, each within the content limit and
/// headed by its category.
pub fn pages(plan: &Plan) -> Vec<(String, u32, u32)> {
    plan.questions
        .chunk_by(|a, b| a.category == b.category)
        .flat_map(|group| group.chunks(PAGE))
        .map(|chunk| {
            let heading = format!("__**{}**__\n", chunk[0].category.label());
            let budget = (MAX_CONTENT - heading.len()) / chunk.len() - 4;
            let body: Vec<String> = chunk
                .iter()
                .map(|q| question_block(plan, q, budget))
                .collect();
            (
                fit(&format!("{heading}{}", body.join("\n\n")), MAX_CONTENT),
                chunk[0].number,
                chunk[chunk.len() - 1].number,
            )
        })
        .collect()
}

pub fn page_buttons(plan: &Plan, first: u32, last: u32) -> Vec<CreateActionRow> {
    let label = if first == last {
        format!("Answer Q{first}")
    } else {
        format!("Answer Q{first}–Q{last}")
    };
    let mut rows = vec![CreateActionRow::Buttons(vec![
        CreateButton::new(
            Component::Answer {
                plan: plan.id,
                first,
                last,
            }
            .encode(),
        )
        .label(label)
        .style(ButtonStyle::Primary),
    ])];
    // One *Accept* per open question with a suggested answer (a page holds at most
    // [`PAGE`] questions: one row of buttons).
    let accept: Vec<CreateButton> = plan
        .questions
        .iter()
        .filter(|q| (first..=last).contains(&q.number))
        .filter(|q| q.suggested.is_some() && plan.is_open(&q.id))
        .take(PAGE)
        .map(|q| {
            CreateButton::new(
                Component::Accept {
                    plan: plan.id,
                    number: q.number,
                }
                .encode(),
            )
            .label(format!("Accept Q{}", q.number))
            .style(ButtonStyle::Success)
        })
        .collect();
    if !accept.is_empty() {
        rows.push(CreateActionRow::Buttons(accept));
    }
    // One *Why Q3?* per pack question (the team's own questions have no *why* to add):
    // at most [`PAGE`] buttons, one row, so a page has at most three rows.
    let why: Vec<CreateButton> = plan
        .questions
        .iter()
        .filter(|q| (first..=last).contains(&q.number) && q.asked.is_none())
        .take(PAGE)
        .map(|q| {
            CreateButton::new(
                Component::Why {
                    plan: plan.id,
                    number: q.number,
                }
                .encode(),
            )
            .label(format!("Why Q{}?", q.number))
            .style(ButtonStyle::Secondary)
        })
        .collect();
    if !why.is_empty() {
        rows.push(CreateActionRow::Buttons(why));
    }
    rows
}

/// *Mark Q3 as decision* under a recorded answer: one button per question of `numbers`
/// answered now and not yet a decision, at most [`PAGE`] (one row; none when none fits).
pub fn decide_buttons(plan: &Plan, numbers: &[u32]) -> Vec<CreateActionRow> {
    let buttons: Vec<CreateButton> = plan
        .questions
        .iter()
        .filter(|q| numbers.contains(&q.number))
        .filter(|q| plan.check_decide(q).is_ok())
        .take(PAGE)
        .map(|q| {
            CreateButton::new(
                Component::Decide {
                    plan: plan.id,
                    number: q.number,
                }
                .encode(),
            )
            .label(format!("Mark Q{} as decision", q.number))
            .style(ButtonStyle::Secondary)
        })
        .collect();
    if buttons.is_empty() {
        Vec::new()
    } else {
        vec![CreateActionRow::Buttons(buttons)]
    }
}

/// *Why this matters* for question `q`, for the button and `/plan why`: the question's
/// *why*, what a good answer names and its reading as links that do not unfurl.
pub fn why_text(q: &PlanQuestion) -> String {
    use crate::plan::summary;
    let links = summary::reading_text(q, |r| format!("[{}](<{}>)", r.title, r.url));
    // The links stay whole (at most 3 of ~400 characters); a long *why* is what gets cut.
    let room = MAX_CONTENT.saturating_sub(links.chars().count() + 1);
    let head = fit(&quote_user_text(&summary::why_text(q)), room);
    fit(&format!("{head}\n{links}"), MAX_CONTENT)
}

/// A close refused: what is open, and how to close anyway.
pub fn not_ready_text(plan: &Plan) -> String {
    fit(
        &format!(
            "Plan {} is {}, so it stays open. Answer or skip them (a skip needs a reason), or close it anyway: it will be marked closed unready.",
            plan.id,
            plan.readiness(10)
        ),
        MAX_CONTENT,
    )
}

/// *Close anyway* under a refused close.
pub fn close_anyway_button(plan: &Plan) -> Vec<CreateActionRow> {
    vec![CreateActionRow::Buttons(vec![
        CreateButton::new(Component::CloseAnyway(plan.id).encode())
            .label("Close anyway")
            .style(ButtonStyle::Danger),
    ])]
}

/// What a close did, as a reply.
pub fn closing_text(closing: &crate::service::Closing) -> String {
    use crate::service::Closing;
    match closing {
        Closing::Closed(p) if p.closed_unready() => format!(
            "Plan {} closed unready ({}). Exports say so; `/plan export` still works here.",
            p.id,
            p.readiness(10)
        ),
        Closing::Closed(p) => format!(
            "Plan {} closed, ready: {}% decided. `/plan export` still works here.",
            p.id,
            p.coverage().percent()
        ),
        Closing::AlreadyClosed(p) => format!("Plan {} is already closed.", p.id),
        Closing::NotReady(p) => not_ready_text(p),
    }
}

/// The page of `plan` holding question `number`: its text and buttons as they are now.
pub fn page_of(plan: &Plan, number: u32) -> Option<(String, Vec<CreateActionRow>)> {
    pages(plan)
        .into_iter()
        .find(|(_, first, last)| (*first..=*last).contains(&number))
        .map(|(text, first, last)| (text, page_buttons(plan, first, last)))
}

/// For admins: what the bot lacks in `channel` and what that costs, or that all is well.
pub fn access_report(channel: u64, gaps: &[crate::discord::permissions::Gap]) -> String {
    if gaps.is_empty() {
        return format!("I have the permissions I need in <#{channel}>.");
    }
    let mut out = String::new();
    for gap in gaps {
        let names: Vec<String> = gap.missing.iter().map(|n| format!("**{n}**")).collect();
        out.push_str(&format!(
            "⚠ In <#{channel}> I lack {}: {}.\n",
            names.join(" and "),
            gap.effect
        ));
    }
    out.push_str(
        "Grant them to my role in the channel's settings (Edit Channel → Permissions); `/plancheck status` checks again.",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{AnswerEvent, Author, EventKind};

    fn titled(title: &str) -> Plan {
        let mut p = crate::plan::tests::sample_plan();
        p.title = title.to_string();
        p
    }

    #[test]
    fn why_keeps_its_links_whole_within_the_limit_and_neutralises_the_question() {
        let mut q = crate::plan::tests::sample_plan().questions[0].clone();
        q.text = "who pays, <@123> or @everyone?".into();
        q.why = "w".repeat(400);
        q.hint = Some("h".repeat(400));
        let link = crate::packs::Reading {
            title: "t".repeat(100),
            url: format!("https://example.com/{}", "u".repeat(280)),
        };
        q.reading = vec![link.clone(), link.clone(), link.clone()];
        let text = why_text(&q);
        assert!(text.chars().count() <= MAX_CONTENT);
        let whole = format!("- [{}](<{}>)", link.title, link.url);
        assert_eq!(text.matches(&whole).count(), 3, "{text}");
        assert!(
            !text.contains("<@1") && !text.contains("@everyone"),
            "{text}"
        );
        // Control: short, it is not cut.
        q.why = "short".into();
        q.reading.truncate(1);
        assert!(!why_text(&q).contains('…'), "{}", why_text(&q));
    }

    #[test]
    fn thread_names_are_one_printable_line_within_the_limit() {
        let p = titled("Refunds\nfor\r\tcards \u{202e}txt.exe\u{202c} \u{0007}now");
        assert_eq!(thread_name(&p), "Plan: Refunds for cards txt.exe now");
        let long = titled(&"x".repeat(300));
        assert_eq!(thread_name(&long).chars().count(), MAX_THREAD_NAME);
        let id = p.id.0;
        for empty in ["\u{200b}\u{200b}", "\n\r\u{202e}", "   "] {
            assert_eq!(
                thread_name(&titled(empty)),
                format!("Plan {id}"),
                "{empty:?}"
            );
        }
    }

    #[test]
    fn every_page_fits_even_with_maximal_answers() {
        let mut plan = crate::plan::tests::sample_plan();
        for q in plan.questions.clone() {
            plan.events.push(AnswerEvent {
                question_id: q.id.clone(),
                kind: EventKind::Answer,
                text: "@everyone ".repeat(400),
                author: Author {
                    id: crate::ids::UserId(1),
                    name: "a".into(),
                },
                at: chrono::Utc::now(),
                source: None,
                said_in: None,
                decision: None,
            });
        }
        let pages = pages(&plan);
        assert!(pages.len() >= plan.questions.len().div_ceil(PAGE));
        let covered: u32 = pages.iter().map(|(_, f, l)| l - f + 1).sum();
        assert_eq!(
            covered as usize,
            plan.questions.len(),
            "every question is on exactly one page"
        );
        for (text, first, last) in &pages {
            let cats: std::collections::BTreeSet<_> = plan
                .questions
                .iter()
                .filter(|q| q.number >= *first && q.number <= *last)
                .map(|q| q.category)
                .collect();
            assert_eq!(cats.len(), 1, "a page holds one category");
            assert!(text.starts_with("__**"), "a page is headed by its category");
            assert!(text.chars().count() <= MAX_CONTENT);
            assert!(last - first < PAGE as u32);
            assert!(!text.contains("@everyone"));
        }
        assert!(overview(&plan).chars().count() <= MAX_CONTENT);
    }

    #[test]
    fn long_replies_split_on_lines_within_the_limit() {
        let line = "x".repeat(99) + "\n"; // 100 characters
        let text = line.repeat(45); // 4500 characters
        let parts = split_message(&text, MAX_CONTENT);
        assert_eq!(parts.len(), 3);
        assert!(parts.iter().all(|p| p.chars().count() <= MAX_CONTENT));
        assert_eq!(parts.concat(), text, "nothing lost");
        assert_eq!(
            parts[0].chars().count(),
            MAX_CONTENT,
            "filled to the limit exactly"
        );
    }

    #[test]
    fn a_line_longer_than_a_message_is_cut_and_too_many_parts_are_capped() {
        let parts = split_message(&"é".repeat(4001), MAX_CONTENT);
        assert_eq!(
            parts.iter().map(|p| p.chars().count()).collect::<Vec<_>>(),
            vec![2000, 2000, 1]
        );
        let huge = split_message(&"y".repeat(20_000), MAX_CONTENT);
        assert_eq!(huge.len(), MAX_PARTS);
        assert!(huge.last().unwrap().ends_with("has everything)"));
        assert!(huge.iter().all(|p| p.chars().count() <= MAX_CONTENT));
        assert_eq!(split_message("", MAX_CONTENT), vec![String::new()]);
    }

    #[test]
    fn fit_cuts_on_characters_not_bytes() {
        assert_eq!(fit("ééé", 2), "é…");
        assert_eq!(fit("abc", 3), "abc");
    }
}
