//! The command line (clap): parse once, then `main` dispatches.

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;
use std::path::{Path, PathBuf};

#[derive(Debug, Parser)]
#[command(
    name = "plancheck",
    version,
    propagate_version = true,
    about = "Notices feature discussions and offers backend planning questions.",
    after_help = "Exit status: 0 on success, 1 on any error, 2 on a command-line usage error.\n\
                  Environment: DISCORD_TOKEN (the bot token); PLANCHECK_CONFIG, and PLANCHECK_* \
                  variables that override the config (see config.example.toml)."
)]
pub struct Cli {
    /// Configuration file (TOML); see config.example.toml. Optional.
    #[arg(long, short, global = true, env = "PLANCHECK_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Md,
    Json,
    Csv,
    /// An architecture decision record (MADR layout, Markdown) from the plan's decisions.
    Adr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    Open,
    Closed,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the Discord bot (token from DISCORD_TOKEN).
    Run,
    /// Print the link that installs the bot with exactly the permissions it needs.
    InviteUrl {
        /// The application id (Developer Portal → General Information).
        #[arg(long, env = "DISCORD_APPLICATION_ID")]
        application_id: u64,
    },
    /// A design channel in the terminal, on the same service and database as the bot.
    Console,
    /// Run detection over chat logs and print each prompt that would fire.
    Scan {
        /// `author: text` lines (with `[time]` prefixes if any), DiscordChatExporter JSON
        /// exports, folders of such exports (one channel a file), or `-` for standard input.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// One JSON object per prompt.
        #[arg(long)]
        json: bool,
    },
    /// Precision, recall and F1 on a labeled corpus (JSON lines).
    Eval(EvalArgs),
    /// Train the detection model from the shipped conversations and the issue corpus,
    /// deterministically, into prompts/model.json, and the pack model from the
    /// conversations' pack labels into prompts/pack_model.json (compiled in at the next
    /// build).
    Train(TrainArgs),
    /// List question packs; with --check, only validate them.
    Packs {
        #[arg(long)]
        check: bool,
    },
    /// List plans in the database.
    Plans {
        #[arg(long)]
        guild: Option<u64>,
        #[arg(long)]
        channel: Option<u64>,
        #[arg(long, value_enum)]
        status: Option<StatusArg>,
    },
    /// Export a plan as Markdown, JSON, CSV or an architecture decision record (adr), or to
    /// a GitHub issue.
    Export {
        #[arg(long)]
        plan: i64,
        #[arg(long, value_enum, default_value = "md")]
        format: ExportFormat,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Open an issue for the plan in this repository (token from GITHUB_TOKEN or
        /// github.token_file), or update the one it already has there; prints its URL.
        #[arg(long, value_name = "OWNER/REPO", conflicts_with_all = ["format", "out"])]
        to_github: Option<crate::export::github::Repo>,
    },
    /// Forget a member in every server: their id and name leave plans, answers, suggested
    /// and asked quotes, feedback and watches ("former member" instead); one audit line is
    /// recorded. Forgetting again changes nothing.
    Forget {
        /// The member's Discord user id.
        #[arg(long, value_name = "ID")]
        user: u64,
    },
    /// Print a shell completion script, e.g. `plancheck completions bash >
    /// ~/.local/share/bash-completion/completions/plancheck`.
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the manual page (roff): `plancheck man > plancheck.1`.
    Man {
        /// Instead, write plancheck.1 and a page for each command (plancheck-scan.1, …) into
        /// this folder.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// The completion script for `shell`, built from these definitions.
pub fn completions(shell: Shell) -> Vec<u8> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "plancheck", &mut script);
    script
}

/// The manual page `plancheck(1)` (roff), built from these definitions.
pub fn man_page() -> std::io::Result<Vec<u8>> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page)?;
    Ok(page)
}

/// Writes `plancheck.1` and one page for each command into `dir`.
pub fn write_man_pages(dir: &Path) -> std::io::Result<()> {
    clap_mangen::generate_to(Cli::command(), dir)
}

/// `plancheck eval`: figures on a labeled corpus.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    pub file: PathBuf,
    /// Print JSON: {"sources": {NAME: {...}}, "pooled": {...}}.
    #[arg(long)]
    pub json: bool,
    /// Also print the figures across thresholds.
    #[arg(long)]
    pub sweep: bool,
    /// Draw the precision–recall curve, current threshold marked, to this SVG file.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// List the N worst false positives and misses with their evidence.
    #[arg(long, value_name = "N")]
    pub errors: Option<usize>,
    /// Score with this model file (as `plancheck train --out` writes it) instead of
    /// the one compiled in.
    #[arg(long, value_name = "MODEL.json")]
    pub model: Option<PathBuf>,
}

/// `plancheck train`: the detection model from the shipped data.
#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    /// Folder of the design conversations; every batch*.jsonl in it is read.
    #[arg(long, default_value = "prompts/training/design")]
    pub design: PathBuf,
    /// The GitHub issue corpus (read in place; only weights are written).
    #[arg(long, default_value = "../shared/corpus/issues_train.jsonl")]
    pub issues: PathBuf,
    /// Where the model goes.
    #[arg(long, default_value = "prompts/model.json")]
    pub out: PathBuf,
    /// Where the pack model goes (which domain and integration packs fit a discussion).
    #[arg(long, default_value = "prompts/pack_model.json")]
    pub packs_out: PathBuf,
    /// Print cross-validation figures of both models (each design batch file held out in turn) instead of writing them.
    #[arg(long)]
    pub cv: bool,
}
