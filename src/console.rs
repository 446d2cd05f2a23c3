//! `plancheck console`: a design channel in the terminal. Same service and database as
//! the bot; type messages, see prompts, answer, export.

use crate::detect::{ChatMessage, Detection};
use crate::error::Error;
use crate::export::Format;
use crate::ids::{ChannelId, DetectionId, GuildId, MessageId, PlanId, UserId};
use crate::plan::summary;
use crate::plan::{Author, Plan};
use crate::service::{Act, Closing, Place, Service};
use crate::store::PlanFilter;
use chrono::Utc;
use std::collections::HashMap;
use std::io::Write;
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

/// The console's server and channel ids.
pub const GUILD: GuildId = GuildId(0);
pub const CHANNEL: ChannelId = ChannelId(1);
/// Where the console's prompts and plans live.
const HERE: Place = Place {
    guild: GUILD,
    channel: CHANNEL,
};

const HELP: &str = "\
Type a message (\"name: text\" to speak as someone else). Commands:
  /start [DEPTH]              open a checklist from the last prompt
                              (DEPTH: quick, standard or thorough)
  /dismiss                    the last prompt was not a feature
  /plan start TITLE [| packs] [| DEPTH]
                              start a plan by hand (packs: comma-separated ids;
                              without them, what fits the conversation so far)
  /plan more [N]              add the next N best questions (default 5)
  /plan status | next | questions | list
  /plan answer Q TEXT         answer (or revise) question Q (Q3, 3 or its id)
  /plan accept Q              take question Q's suggested answer (what was said)
  /plan decide Q [TEXT]       mark Q's answer as a decision (with TEXT: record TEXT
                              as the answer, as a decision)
  /plan why Q                 why question Q matters, a good answer, what to read
  /plan skip Q REASON         skip question Q with a reason
  /plan reopen Q              reopen question Q
  /plan export [md|json|csv|adr]
                              print the summary (adr: a decision record)
  /plan close [force]         close the plan (force: even with critical questions open)
  /nudge off ID               a note was not helpful: silence that nudge here
  /plan snooze [DAYS]         pause the plan's reminders (default 3 days; 0 resumes)
  /quit";

struct Session<'a, W: Write> {
    service: &'a Service,
    out: W,
    next_id: u64,
    users: HashMap<String, UserId>,
    last_prompt: Option<DetectionId>,
    plan: Option<PlanId>,
}

/// Runs the console on piped input until end of input or `/quit`: plain lines, no prompt.
pub async fn run<R: AsyncBufRead + Unpin, W: Write>(
    service: &Service,
    input: R,
    out: W,
) -> anyhow::Result<()> {
    session(service, &mut input.lines(), out).await
}

/// Runs the console on a terminal: line editing and history (↑ ↓, Ctrl-R) with a prompt
/// that names the current plan. Ctrl-C clears the line; Ctrl-D or `/quit` leaves.
pub async fn run_terminal<W: Write>(service: &Service, out: W) -> anyhow::Result<()> {
    let config = rustyline::Config::builder()
        .auto_add_history(true)
        .max_history_size(1000)?
        .build();
    let editor = rustyline::DefaultEditor::with_config(config)?;
    let mut terminal = Terminal {
        editor: Some(editor),
    };
    session(service, &mut terminal, out).await
}

/// Where the console's lines come from.
trait LineSource {
    /// The next line, or `None` at the end of input; `prompt` is shown where a person types.
    async fn next_line(&mut self, prompt: &str) -> anyhow::Result<Option<String>>;
}

impl<R: AsyncBufRead + Unpin> LineSource for tokio::io::Lines<R> {
    async fn next_line(&mut self, _prompt: &str) -> anyhow::Result<Option<String>> {
        Ok(tokio::io::Lines::next_line(self).await?)
    }
}

/// A person at a terminal, through rustyline.
struct Terminal {
    /// Lent to the blocking thread while it reads a line.
    editor: Option<rustyline::DefaultEditor>,
}

impl LineSource for Terminal {
    async fn next_line(&mut self, prompt: &str) -> anyhow::Result<Option<String>> {
        use rustyline::error::ReadlineError;
        let Some(mut editor) = self.editor.take() else {
            anyhow::bail!("the line editor failed earlier");
        };
        let prompt = prompt.to_string();
        // rustyline blocks while the person types: read on a blocking thread.
        let (editor, line) = tokio::task::spawn_blocking(move || {
            let line = editor.readline(&prompt);
            (editor, line)
        })
        .await?;
        self.editor = Some(editor);
        match line {
            Ok(line) => Ok(Some(line)),
            Err(ReadlineError::Interrupted) => Ok(Some(String::new())),
            Err(ReadlineError::Eof) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

async fn session<W: Write>(
    service: &Service,
    input: &mut impl LineSource,
    out: W,
) -> anyhow::Result<()> {
    let mut s = Session {
        service,
        out,
        // Ids unique across console sessions on the same database.
        next_id: (Utc::now().timestamp_millis() as u64) << 10,
        users: HashMap::new(),
        last_prompt: None,
        plan: service.open_plan_in(CHANNEL).await?,
    };
    writeln!(
        s.out,
        "plancheck console: a design channel in your terminal. /help lists commands."
    )?;
    s.out.flush()?;
    while let Some(line) = input.next_line(&s.prompt()).await? {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line == "/quit" || line == "/exit" {
            break;
        }
        match s.handle(line).await {
            Ok(()) => {}
            Err(Error::User(msg) | Error::Refused(msg)) => writeln!(s.out, "! {msg}")?,
            Err(Error::Fault(msg)) => {
                writeln!(s.out, "! internal fault, nothing was changed: {msg}")?
            }
            // The console's operator is also the one who reads the log: show the cause.
            Err(e @ Error::Transport { .. }) => writeln!(s.out, "! {e}")?,
            Err(e @ Error::Internal(_)) => return Err(e.into()),
        }
        s.out.flush()?;
    }
    Ok(())
}

impl<W: Write> Session<'_, W> {
    /// What a person at a terminal sees before typing: the plan their commands go to.
    fn prompt(&self) -> String {
        match self.plan {
            Some(plan) => format!("plan {plan}> "),
            None => "> ".to_string(),
        }
    }

    fn id(&mut self) -> MessageId {
        self.next_id += 1;
        MessageId(self.next_id)
    }

    fn author(&mut self, name: &str) -> Author {
        let next = self.users.len() as u64 + 1;
        let id = *self.users.entry(name.to_string()).or_insert(UserId(next));
        Author {
            id,
            name: name.to_string(),
        }
    }

    fn act(&mut self) -> Act {
        Act {
            author: self.author("you"),
            at: Utc::now(),
            source: self.id(),
        }
    }

    fn plan_id(&self) -> Result<PlanId, Error> {
        self.plan
            .ok_or_else(|| Error::user("no plan yet: /start after a prompt, or /plan start TITLE"))
    }

    fn say(&mut self, text: impl AsRef<str>) -> Result<(), Error> {
        writeln!(self.out, "{}", text.as_ref())
            .map_err(|e| Error::user(format!("cannot write: {e}")))
    }

    async fn handle(&mut self, line: &str) -> Result<(), Error> {
        if let Some(cmd) = line.strip_prefix('/') {
            return self.command(cmd).await;
        }
        let (name, text) = match crate::transcript::split_author(line) {
            Some((n, t)) => (n.to_string(), t.to_string()),
            None => ("you".to_string(), line.to_string()),
        };
        let author = self.author(&name);
        let msg = ChatMessage {
            id: self.id(),
            channel: CHANNEL,
            author: author.id,
            author_is_bot: false,
            at: Utc::now(),
            text,
            reply_to: None,
            author_name: author.name.clone(),
        };
        if let Some(said) = self.service.nudge_message(GUILD, &msg).await? {
            self.say(nudge_text(&said.nudge))?;
        }
        if let Some(prompt) = self.service.observe(GUILD, &msg, false).await? {
            self.last_prompt = Some(prompt.id);
            let text = prompt_text(&prompt.detection);
            self.say(text)?;
            if let Some(n) = &prompt.nudge {
                self.say(nudge_text(n))?;
            }
        }
        Ok(())
    }

    async fn command(&mut self, cmd: &str) -> Result<(), Error> {
        let (head, rest) = cmd.split_once(' ').unwrap_or((cmd, ""));
        let rest = rest.trim();
        match head {
            "help" => self.say(HELP),
            "start" => {
                let id = self
                    .last_prompt
                    .ok_or_else(|| Error::user("no prompt to start from yet"))?;
                let depth = parse_depth(rest)?;
                let act = self.act();
                let (plan, _) = self
                    .service
                    .start_from_detection(id, HERE, &act, depth)
                    .await?;
                self.opened(&plan)
            }
            "dismiss" => {
                let id = self
                    .last_prompt
                    .take()
                    .ok_or_else(|| Error::user("no prompt to dismiss"))?;
                let act = self.act();
                self.service.dismiss(id, HERE, &act).await?;
                self.say("Noted: not a feature. Thanks, this tunes detection for this server.")
            }
            "plan" => self.plan_command(rest).await,
            "nudge" => {
                let id = rest
                    .strip_prefix("off")
                    .map(str::trim)
                    .filter(|id| !id.is_empty())
                    .ok_or_else(|| Error::user("usage: /nudge off ID"))?;
                let act = self.act();
                let (n, _) = self
                    .service
                    .silence_nudge(GUILD, id, act.author.id, act.at)
                    .await?;
                self.say(format!("Notes about “{}” are off here.", n.name))
            }
            other => Err(Error::user(format!(
                "unknown command /{other}; /help lists commands"
            ))),
        }
    }

    async fn plan_command(&mut self, args: &str) -> Result<(), Error> {
        let (sub, rest) = args.split_once(' ').unwrap_or((args, ""));
        let rest = rest.trim();
        match sub {
            "start" => {
                // `/plan start TITLE [| packs] [| depth]`
                let mut parts = rest.splitn(3, '|').map(str::trim);
                let title = parts.next().unwrap_or("");
                let packs = parts.next().map(crate::packs::parse_list);
                let depth = parse_depth(parts.next().unwrap_or(""))?;
                let act = self.act();
                let (plan, _) = self
                    .service
                    .start_plan(GUILD, CHANNEL, title, packs, depth, &act)
                    .await?;
                self.opened(&plan)
            }
            "more" => {
                let count = match rest {
                    "" => 5,
                    n => n
                        .parse()
                        .map_err(|_| Error::user(format!("'{n}' is not a number of questions")))?,
                };
                let plan = self.service.plan(self.plan_id()?).await?;
                let (plan, added) = self.service.more(&plan, count).await?;
                let lines: Vec<String> = added.iter().map(summary::question_line).collect();
                self.say(format!(
                    "Added {} question(s); the plan now holds {}.\n{}",
                    added.len(),
                    plan.questions.len(),
                    lines.join("\n")
                ))
            }
            "status" => {
                let plan = self.service.plan(self.plan_id()?).await?;
                self.say(summary::status(&plan))
            }
            "next" => {
                let plan = self.service.plan(self.plan_id()?).await?;
                match plan.next_open() {
                    Some(q) => {
                        let text = format!("{}\n  why: {}", summary::question_line(q), q.why);
                        self.say(text)
                    }
                    None => self.say("Every question is answered or skipped."),
                }
            }
            "questions" => {
                let plan = self.service.plan(self.plan_id()?).await?;
                let lines: Vec<String> = plan
                    .questions
                    .iter()
                    .map(|q| {
                        format!(
                            "{} — {}",
                            summary::question_line(q),
                            summary::state_line(&plan, q)
                        )
                    })
                    .collect();
                self.say(lines.join("\n"))
            }
            "answer" | "skip" => {
                let (q, text) = rest
                    .split_once(' ')
                    .ok_or_else(|| Error::user(format!("usage: /plan {sub} Q TEXT")))?;
                let plan = self.plan_id()?;
                let act = self.act();
                let change = if sub == "answer" {
                    self.service.answer(plan, q, text, &act).await?
                } else {
                    self.service.skip(plan, q, text, &act).await?
                };
                let verb = if sub == "answer" {
                    "Recorded"
                } else {
                    "Skipped"
                };
                self.say(summary::recorded_text(verb, &change.plan, &change.question))
            }
            "accept" => {
                let plan = self.plan_id()?;
                let act = self.act();
                let change = self.service.accept(plan, rest, &act).await?;
                self.say(summary::accepted_text(&change.plan, &change.question))
            }
            "why" => {
                let p = self.service.plan(self.plan_id()?).await?;
                let q = p.question(rest)?;
                let links = summary::reading_text(q, |r| format!("{}: {}", r.title, r.url));
                let text = format!("{}\n{links}", summary::why_text(q));
                self.say(text)
            }
            "reopen" => {
                let plan = self.plan_id()?;
                let act = self.act();
                let change = self.service.reopen(plan, rest, &act).await?;
                self.say(summary::recorded_text(
                    "Reopened",
                    &change.plan,
                    &change.question,
                ))
            }
            "decide" => {
                let (q, text) = rest.split_once(' ').unwrap_or((rest, ""));
                if q.is_empty() {
                    return Err(Error::user("usage: /plan decide Q [TEXT]"));
                }
                let plan = self.plan_id()?;
                let act = self.act();
                let change = self.service.decide(plan, q, Some(text), &act).await?;
                let text = summary::decided_text(&change.plan, &change.question);
                self.say(text)
            }
            "export" => {
                let format = if rest.is_empty() {
                    Format::Markdown
                } else {
                    Format::parse(rest).ok_or_else(|| {
                        Error::user(format!("unknown format '{rest}'; use md, json, csv or adr"))
                    })?
                };
                let (_, content) = self.service.export(self.plan_id()?, format).await?;
                self.say(content)
            }
            "close" => {
                let plan = self.plan_id()?;
                let force = match rest {
                    "" => false,
                    "force" => true,
                    other => {
                        return Err(Error::user(format!(
                            "unknown option '{other}'; use /plan close or /plan close force"
                        )));
                    }
                };
                let text = match self.service.close(plan, Utc::now(), force).await? {
                    Closing::Closed(p) if p.closed_unready() => format!(
                        "Plan {plan} closed unready ({}); exports say so.",
                        p.readiness(5)
                    ),
                    Closing::Closed(_) => format!("Plan {plan} closed, ready."),
                    Closing::AlreadyClosed(_) => format!("Plan {plan} is already closed."),
                    Closing::NotReady(p) => format!(
                        "Plan {plan} is {}, so it stays open. Answer or skip them, or close it anyway with /plan close force.",
                        p.readiness(5)
                    ),
                };
                self.say(text)
            }
            "snooze" => {
                let days = match rest {
                    "" => crate::plan::remind::SNOOZE_DAYS,
                    n => n.parse().map_err(|_| {
                        Error::user(format!(
                            "'{n}' is not a number of days; use /plan snooze [days]"
                        ))
                    })?,
                };
                let plan = self.service.plan(self.plan_id()?).await?;
                let until = self.service.snooze(&plan, days, Utc::now()).await?;
                self.say(summary::snoozed_text(&plan, until))
            }
            "list" => {
                let plans = self
                    .service
                    .list(
                        &PlanFilter {
                            guild: Some(GUILD),
                            ..Default::default()
                        },
                        20,
                    )
                    .await?;
                self.say(summary::plan_list(&plans))
            }
            "" => Err(Error::user(
                "usage: /plan start|status|next|questions|answer|accept|decide|why|skip|reopen|export|close|snooze|list",
            )),
            other => Err(Error::user(format!(
                "unknown /plan command '{other}'; /help lists commands"
            ))),
        }
    }

    fn opened(&mut self, plan: &Plan) -> Result<(), Error> {
        self.plan = Some(plan.id);
        let mut text = format!(
            "Checklist started: plan {} \"{}\" — {} questions from {}.\n",
            plan.id,
            plan.title,
            plan.questions.len(),
            plan.packs.join(", ")
        );
        for q in &plan.questions {
            text.push_str(&summary::question_line(q));
            text.push('\n');
            if let Some(s) = summary::suggestion_line(plan, q) {
                text.push_str(&format!("    {s}\n"));
            }
        }
        text.push_str("Answer with /plan answer Q TEXT.");
        self.say(text)
    }
}

/// The prompt as plain text.
pub fn prompt_text(d: &Detection) -> String {
    let lines: Vec<String> = crate::plan::summary::prompt_lines(d, str::to_string, usize::MAX)
        .iter()
        .map(|(label, text)| format!("{label}: {text}"))
        .collect();
    format!(
        "── plancheck ──\n{}\n→ /start to open the checklist, /dismiss if this is not a feature",
        lines.join("\n")
    )
}

/// `quick`, `standard`, `thorough` or nothing (the default).
fn parse_depth(s: &str) -> Result<Option<crate::plan::select::Depth>, Error> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    crate::plan::select::Depth::parse(s)
        .map(Some)
        .ok_or_else(|| {
            Error::user(format!(
                "'{}' is not a depth: quick, standard or thorough",
                s.trim()
            ))
        })
}

/// A note as the console shows it: the line the bot posts, and how to silence it.
fn nudge_text(n: &crate::detect::nudge::Nudge) -> String {
    format!("{}\n  (not helpful? /nudge off {})", n.line(), n.id)
}
