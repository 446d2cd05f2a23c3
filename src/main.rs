//! Wiring only: command line → config → telemetry → store → the chosen subcommand.

use anyhow::{Context, Result, bail};
use clap::Parser;
use plancheck::cli::{Cli, Command, EvalArgs, ExportFormat, StatusArg, TrainArgs};
use plancheck::config::Config;
use plancheck::detect::{self, CompiledCues, Detector, ModelFile, PackRanker};
use plancheck::export::Format;
use plancheck::ids::{ChannelId, GuildId, PlanId};
use plancheck::packs::PackSet;
use plancheck::plan::Status;
use plancheck::plan::compose::compose;
use plancheck::plan::said::Line;
use plancheck::service::Service;
use plancheck::store::{PlanFilter, Store, StoreError};
use plancheck::{console, eval, output, telemetry, transcript};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime starts");
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        // The reader of our output went away (`plancheck packs | head -1`): not a failure.
        Err(e) if output::is_closed_output(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn env(key: &str) -> Option<String> {
    std::env::var(key).ok()
}

fn load_packs(cfg: &Config) -> Result<Arc<PackSet>> {
    PackSet::with_overrides(cfg.packs_dir.as_deref())
        .map(Arc::new)
        .map_err(|errors| {
            let list: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
            anyhow::anyhow!(
                "{} problem(s) in question packs:\n{}",
                errors.len(),
                list.join("\n")
            )
        })
}

fn load_cues(cfg: &Config) -> Result<Arc<CompiledCues>> {
    let compiled = match &cfg.detection.cues_file {
        Some(path) => CompiledCues::parse(&path.display().to_string(), &read(path)?),
        None => CompiledCues::shipped(),
    };
    compiled.map(Arc::new).map_err(|errors| {
        let list: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
        anyhow::anyhow!("problems in detection cues:\n{}", list.join("\n"))
    })
}

/// The anti-pattern nudges, checked at start-up like the cues.
fn load_nudges() -> Result<Arc<plancheck::detect::nudge::Nudges>> {
    plancheck::detect::nudge::Nudges::shipped()
        .map(Arc::new)
        .map_err(|errors| {
            let list: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
            anyhow::anyhow!("problems in nudges:\n{}", list.join("\n"))
        })
}

/// How a subcommand opens the database: the bot and the console create it; commands that
/// only read (`plans`, `export`) never do, and say "no database at PATH" instead.
#[derive(Clone, Copy)]
enum Open {
    OrCreate,
    Existing,
}

async fn service(cfg: &Config, open: Open) -> Result<Service> {
    let packs = load_packs(cfg)?;
    let cues = load_cues(cfg)?;
    let nudges = load_nudges()?;
    let store = match open {
        Open::OrCreate => Store::open(&cfg.database).await,
        Open::Existing => Store::open_existing(&cfg.database).await,
    }
    .map_err(|e| match e {
        e @ StoreError::Missing(_) => anyhow::Error::new(e),
        e => anyhow::Error::new(e).context(format!("cannot open the database {}", cfg.database)),
    })?;
    let github = plancheck::github::GitHub::new(&cfg.github, cfg.github_token(env)?);
    Ok(Service::new(store, packs, cues, cfg.detector_defaults())
        .with_depth(cfg.checklist.depth)
        .with_nudges(nudges)
        .with_reminders(cfg.reminders.schedule(), cfg.reminders.enabled)
        .with_github(github))
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

async fn run(cli: Cli) -> Result<ExitCode> {
    let mut out = output::Stdout;
    // These describe the command line itself: no config needed (nor a broken one in the way).
    match &cli.command {
        Command::Completions { shell } => {
            out.write_all(&plancheck::cli::completions(*shell))?;
            out.flush()?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Man { dir: Some(dir) } => {
            plancheck::cli::write_man_pages(dir)
                .with_context(|| format!("cannot write manual pages in {}", dir.display()))?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Man { dir: None } => {
            out.write_all(&plancheck::cli::man_page()?)?;
            out.flush()?;
            return Ok(ExitCode::SUCCESS);
        }
        _ => {}
    }
    let cfg = Config::load(cli.config.as_deref(), env)?;
    telemetry::init(&cfg.log);
    match cli.command {
        Command::Completions { .. } | Command::Man { .. } => unreachable!("handled above"),
        Command::Run => {
            let token = cfg.token(env)?;
            let service = service(&cfg, Open::OrCreate).await?;
            plancheck::discord::run(cfg, token, service).await?;
        }
        Command::InviteUrl { application_id } => {
            writeln!(out, "{}", plancheck::discord::invite_url(application_id))?;
        }
        Command::Console => {
            let service = service(&cfg, Open::OrCreate).await?;
            // A person at a terminal gets line editing and a prompt; piped input is read
            // as plain lines.
            if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
                console::run_terminal(&service, out).await?;
            } else {
                let stdin = tokio::io::BufReader::new(tokio::io::stdin());
                console::run(&service, stdin, out).await?;
            }
            service.shutdown().await;
        }
        Command::Scan { files, json } => scan(&cfg, &files, json, &mut out)?,
        Command::Eval(args) => eval_command(&cfg, args, &mut out)?,
        Command::Train(args) => train_command(args)?,
        Command::Packs { check } => packs_command(&cfg, check, &mut out)?,
        Command::Plans {
            guild,
            channel,
            status,
        } => {
            let service = service(&cfg, Open::Existing).await?;
            let filter = PlanFilter {
                guild: guild.map(GuildId),
                channel: channel.map(ChannelId),
                status: status.map(|s| match s {
                    StatusArg::Open => Status::Open,
                    StatusArg::Closed => Status::Closed,
                }),
            };
            let plans = service.list(&filter, 1000).await?;
            if !plans.is_empty() {
                writeln!(out, "{}", plancheck::plan::summary::plan_list(&plans))?;
            }
        }
        Command::Forget { user } => {
            let service = service(&cfg, Open::Existing).await?;
            let request = plancheck::service::ForgetRequest {
                member: plancheck::ids::UserId(user),
                guild: None,
                by: None,
                at: chrono::Utc::now(),
                source: None,
            };
            let line = match service.forget(request).await {
                Ok(line) => line.expect("only a replayed interaction is skipped"),
                Err(plancheck::error::Error::User(msg)) => bail!("{msg}"),
                Err(e) => return Err(e.into()),
            };
            service.shutdown().await;
            writeln!(out, "{}", plancheck::service::forgotten_text(line.count))?;
        }
        Command::Export {
            plan,
            format,
            out: file,
            to_github,
        } => export_command(&cfg, PlanId(plan), format, file, to_github, &mut out).await?,
    }
    // Output still buffered is written now, so a failed write is reported, not lost.
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Writes through a temporary file in the same folder, so a reader never sees half a file.
/// The file gets the permissions `File::create` would give it: those of the file it
/// replaces, or for a new file read and write for all as the umask allows (a temporary
/// file on its own is private to its owner).
fn write_atomically(path: &Path, content: &str) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    if let Some(existing) = std::fs::metadata(path).ok().filter(|m| m.is_file()) {
        tmp.as_file()
            .set_permissions(existing.permissions())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    tmp.write_all(content.as_bytes())?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// A prompt `scan --json` has seen, printed when its conversation is over.
struct Pending {
    message: plancheck::ids::MessageId,
    /// Its conversation so far (before the prompt and after it).
    heard: Vec<detect::Heard>,
    /// What the line says about the prompt itself.
    head: serde_json::Value,
}

impl Pending {
    /// The line: the prompt, and the checklist its conversation would open (questions,
    /// suggested answers, the team's own questions), as the bot would compose it.
    fn finish(
        self,
        packs: &PackSet,
        ranker: &PackRanker,
        settings: &detect::Settings,
        cfg: &Config,
    ) -> Result<serde_json::Value> {
        let lines: Vec<Line> = self.heard.iter().map(Line::of).collect();
        let checklist = compose(
            packs,
            ranker,
            &lines,
            None,
            &settings.disabled_packs,
            cfg.checklist.depth,
        )?;
        let questions = &checklist.questions;
        let mut v = self.head;
        v["questions"] = questions.iter().map(|q| q.id.as_str()).collect();
        v["suggested"] = questions
            .iter()
            .filter_map(|q| {
                let s = q.suggested.as_ref()?;
                Some(serde_json::json!({"question": q.id, "text": s.text, "author": s.author.name}))
            })
            .collect();
        v["team_questions"] = questions
            .iter()
            .filter_map(|q| {
                let a = q.asked.as_ref()?;
                Some(serde_json::json!({"id": q.id, "category": q.category.as_str(), "text": a.text, "author": a.author.name}))
            })
            .collect();
        Ok(v)
    }
}

fn scan(cfg: &Config, files: &[PathBuf], json: bool, out: &mut impl Write) -> Result<()> {
    let transcripts = transcript::read_all(files, std::io::stdin().lock())?;
    let packs = load_packs(cfg)?;
    let ranker = Arc::new(PackRanker::new(&packs));
    let mut detector = Detector::new(load_cues(cfg)?, ranker.clone());
    let settings: detect::Settings = cfg.detector_defaults();
    let several = transcripts.len() > 1;
    let mut count = 0;
    // Each transcript is a channel; the detector keeps channels apart, as in the bot.
    for t in &transcripts {
        // With --json, a prompt is printed when its conversation is over (the next prompt
        // or the end of the log), with the checklist a click on *Start* would open then:
        // what was said after the prompt counts, as in the bot.
        let mut pending: Option<Pending> = None;
        for (index, (author, msg)) in t.messages.iter().enumerate() {
            let fired = detector.observe(msg, &settings);
            if let Some(p) = pending.as_mut().filter(|_| fired.is_none()) {
                p.heard = detector.prompt_conversation(msg.channel, p.message);
            }
            let Some(d) = fired else {
                continue;
            };
            count += 1;
            if json {
                if let Some(p) = pending.take() {
                    writeln!(out, "{}", p.finish(&packs, &ranker, &settings, cfg)?)?;
                }
                pending = Some(Pending {
                    message: msg.id,
                    heard: detector.prompt_conversation(msg.channel, msg.id),
                    head: serde_json::json!({
                        "file": t.file,
                        "channel": t.channel,
                        "message_index": index,
                        "score": d.score,
                        "threshold": d.threshold,
                        "evidence": d.evidence,
                        "packs": d.packs.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
                        "title": d.title,
                    }),
                });
            } else {
                let file = if several {
                    format!("{} ", t.file)
                } else {
                    String::new()
                };
                let first_line = msg.text.lines().next().unwrap_or("");
                writeln!(out, "{file}#{index} {author}: {first_line}")?;
                writeln!(out, "{}\n", console::prompt_text(&d))?;
            }
        }
        if let Some(p) = pending.take() {
            writeln!(out, "{}", p.finish(&packs, &ranker, &settings, cfg)?)?;
        }
    }
    if !json {
        let messages: usize = transcripts.iter().map(|t| t.messages.len()).sum();
        let logs = if several {
            format!(" of {} logs", transcripts.len())
        } else {
            String::new()
        };
        writeln!(out, "{count} prompt(s) in {messages} message(s){logs}.")?;
    }
    Ok(())
}

/// `plancheck eval`: the figures, and on request the sweep, the curve and the worst errors.
fn eval_command(cfg: &Config, args: EvalArgs, out: &mut impl Write) -> Result<()> {
    let EvalArgs {
        file,
        json,
        sweep,
        plot,
        errors,
        model,
    } = args;
    let name = file.display().to_string();
    let rows = eval::parse(&name, &read(&file)?)?;
    let packs = load_packs(cfg)?;
    let settings = cfg.detector_defaults();
    let cues = load_cues(cfg)?;
    let ranker = Arc::new(PackRanker::new(&packs));
    let mut detector = match model {
        Some(path) => {
            let file = ModelFile::parse(&path.display().to_string(), &read(&path)?)?;
            Detector::with_model(cues.clone(), ranker, Arc::new(file.compile(&cues)))
        }
        None => Detector::new(cues, ranker),
    };
    let peaks = eval::peaks(&rows, &mut detector, &settings);
    let report = eval::report_at(&rows, &peaks, settings.threshold);
    if json {
        writeln!(out, "{}", serde_json::to_string(&report)?)?;
    } else {
        write!(out, "{}", eval::table(&report))?;
    }
    if sweep {
        write!(
            out,
            "\n{}",
            eval::sweep_table(&rows, &peaks, settings.threshold)
        )?;
    }
    if let Some(path) = plot {
        write_atomically(&path, &eval::plot_svg(&rows, &peaks, settings.threshold))?;
        eprintln!("wrote {}", path.display());
    }
    if let Some(n) = errors {
        let (fps, misses) = eval::worst_errors(&rows, &peaks, &detector, settings.threshold, n);
        for (title, list) in [
            ("False positives (highest scores first)", fps),
            ("Misses (lowest scores first)", misses),
        ] {
            writeln!(out, "\n{title}:")?;
            for e in list {
                let score = e
                    .peak
                    .map(|p| format!("{p:.2}"))
                    .unwrap_or_else(|| "no intent".into());
                let first: String = e.message.chars().take(140).collect();
                writeln!(
                    out,
                    "  {} [{}] score {score}: {}",
                    e.id,
                    e.source,
                    first.replace('\n', " ")
                )?;
                writeln!(
                    out,
                    "    evidence: {}",
                    if e.evidence.is_empty() {
                        "none".to_string()
                    } else {
                        e.evidence.join(", ")
                    }
                )?;
            }
        }
    }
    Ok(())
}

/// `plancheck train`: the model file, or with `--cv` the cross-validation figures.
fn train_command(args: TrainArgs) -> Result<()> {
    let TrainArgs {
        design,
        issues,
        out,
        packs_out,
        cv,
    } = args;
    use plancheck::eval::train;
    let inputs = train::load(&design, &issues)?;
    // The shipped cues and packs: the model is built for them.
    let shipped = |e| anyhow::anyhow!("shipped prompts: {e:?}");
    let cues = Arc::new(CompiledCues::shipped().map_err(shipped)?);
    let packs = PackSet::shipped().map_err(shipped)?;
    let ranker = Arc::new(PackRanker::new(&packs));
    let options = train::Options::default();
    if cv {
        print!(
            "{}",
            train::cross_validate(&inputs, &cues, &ranker, &options)?.table()
        );
        print!(
            "\n{}",
            plancheck::eval::packs_cv::cross_validate(&packs, &inputs.design)?.table()
        );
    } else {
        let model = train::build(&inputs, &cues, &ranker, &options)?;
        write_atomically(&out, &train::to_json(&model))?;
        eprintln!("wrote {} ({} n-grams)", out.display(), model.ngrams.len());
        let pack_model = plancheck::eval::train_packs::build(&packs, &inputs)?;
        write_atomically(&packs_out, &pack_model.to_json())?;
        eprintln!(
            "wrote {} ({} packs, {} words and pairs)",
            packs_out.display(),
            pack_model.packs.len(),
            pack_model
                .packs
                .values()
                .map(|p| p.terms.len())
                .sum::<usize>()
        );
    }
    Ok(())
}

/// `plancheck packs`: the packs and their questions, or with `--check` what an author
/// needs to know (counts, reading, same_as groups, likely duplicates).
fn packs_command(cfg: &Config, check: bool, out: &mut impl Write) -> Result<()> {
    let packs = load_packs(cfg)?;
    load_cues(cfg)?;
    if check {
        writeln!(
            out,
            "ok: {} packs, {} questions",
            packs.len(),
            packs.question_count()
        )?;
        let (with, all) = (packs.with_reading_count(), packs.question_count());
        writeln!(
            out,
            "reading: {with} of {all} questions ({} %) link what to read",
            (with * 100).checked_div(all).unwrap_or(0)
        )?;
        let groups = packs.groups();
        writeln!(
            out,
            "\nsame_as groups ({}): a checklist holds one of each",
            groups.len()
        )?;
        for g in groups {
            writeln!(out, "  {}", g.join(" = "))?;
        }
        let dups = packs.likely_duplicates();
        writeln!(
            out,
            "\nlikely duplicates ({}): same category, most words shared; link them with same_as or reword",
            dups.len()
        )?;
        for (a, b, sim) in dups {
            writeln!(out, "  {a} ~ {b} ({:.0} % of words shared)", sim * 100.0)?;
        }
    } else {
        for p in packs.iter() {
            writeln!(
                out,
                "{} [{}] {} — {} ({})",
                p.id,
                p.kind.as_str(),
                p.name,
                p.description,
                p.source
            )?;
            for q in &p.questions {
                let mark = if q.critical { " (critical)" } else { "" };
                writeln!(out, "  {} [{}]{mark} {}", q.id, q.category.as_str(), q.text)?;
            }
        }
    }
    Ok(())
}

/// `plancheck export`: a file (or standard output) in a format, or the plan's GitHub issue.
async fn export_command(
    cfg: &Config,
    plan: PlanId,
    format: ExportFormat,
    file: Option<PathBuf>,
    to_github: Option<plancheck::export::github::Repo>,
    out: &mut impl Write,
) -> Result<()> {
    let service = service(cfg, Open::Existing).await?;
    if let Some(repo) = to_github {
        match service.export_github(plan, Some(repo)).await {
            Ok(done) => writeln!(out, "{}", done.text())?,
            Err(plancheck::error::Error::User(msg)) => bail!("{msg}"),
            Err(e) => return Err(e.into()),
        }
        return Ok(());
    }
    let format = match format {
        ExportFormat::Md => Format::Markdown,
        ExportFormat::Json => Format::Json,
        ExportFormat::Csv => Format::Csv,
        ExportFormat::Adr => Format::Adr,
    };
    let (_, content) = match service.export(plan, format).await {
        Ok(v) => v,
        Err(plancheck::error::Error::User(msg)) => bail!("{msg}"),
        Err(e) => return Err(e.into()),
    };
    match file {
        Some(path) => write_atomically(&path, &content)?,
        None => out.write_all(content.as_bytes())?,
    }
    Ok(())
}
