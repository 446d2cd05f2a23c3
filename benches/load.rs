//! Load tool: drives the real `plancheck run` binary through the Discord stand-in of the
//! tests (`tests/fake_discord/`) and prints one line of figures.
//!
//! ```text
//! cargo bench --bench load                          # the defaults below
//! cargo bench --bench load -- --messages 20000 --bin /tmp/plancheck-old
//! ```
//!
//! Two phases, each on its own watched channels:
//! 1. `--rate` messages a second for `--seconds`: message → prompt latency (p50, p99), from
//!    the moment the stand-in sends the tipping message to the moment it receives the prompt.
//! 2. a burst of `--messages` as fast as the bot reads them off the gateway: messages a
//!    second until every prompt is stored and posted, the bot's CPU time per message, and
//!    its resident memory idle (before), at its peak, and a few seconds after.
//!
//! Each channel's messages repeat a cycle of everyday talk ending in a feature request, and
//! the cooldown is off, so detections happen all along. The same messages go through the
//! detector in this process, one at a time in order: the detections the bot stored must be
//! exactly those ("identical" in the output), at any rate.
//!
//! The tool, the stand-in and the bot share the machine: on a small one the stand-in's own
//! work (JSON, websocket) caps what can be measured.

#[path = "../tests/support/burst.rs"]
mod burst;
#[path = "../tests/fake_discord/mod.rs"]
mod fake_discord;

use burst::{expected, send, stream};
use chrono::Utc;
use fake_discord::{DISPATCH_BUFFER, Fake, GUILD, Recorded};
use plancheck::detect::Settings;
use plancheck::ids::{ChannelId, GuildId, UserId};
use plancheck::store::Store;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Messages of one channel per cycle; the last one is a feature request.
const CYCLE: usize = 20;

struct Args {
    messages: usize,
    channels: usize,
    rate: u64,
    seconds: u64,
    bin: PathBuf,
}

impl Args {
    fn parse() -> Args {
        let mut a = Args {
            messages: 100_000,
            channels: 100,
            rate: 1_000,
            seconds: 10,
            bin: PathBuf::from(env!("CARGO_BIN_EXE_plancheck")),
        };
        let mut it = std::env::args().skip(1);
        while let Some(k) = it.next() {
            let mut v = || it.next().unwrap_or_else(|| panic!("{k} needs a value"));
            match k.as_str() {
                "--messages" => a.messages = v().parse().expect("--messages N"),
                "--channels" => a.channels = v().parse().expect("--channels N"),
                "--rate" => a.rate = v().parse().expect("--rate N"),
                "--seconds" => a.seconds = v().parse().expect("--seconds N"),
                "--bin" => a.bin = PathBuf::from(v()),
                // What cargo bench passes along.
                "--bench" => {}
                other => panic!("unknown argument {other}"),
            }
        }
        a
    }
}

/// Prompts the stand-in received, per channel, with when they arrived.
#[derive(Default)]
struct Prompts {
    seen: usize,
    by_channel: HashMap<u64, Vec<Instant>>,
    total: usize,
    last: Option<Instant>,
}

impl Prompts {
    fn poll(&mut self, fake: &Fake) {
        let new = fake.requests_after(self.seen);
        self.seen += new.len();
        for r in new.iter().filter(|r| is_prompt(r)) {
            let ch: u64 = r
                .path
                .split('/')
                .nth(4)
                .and_then(|c| c.parse().ok())
                .unwrap_or(0);
            self.by_channel.entry(ch).or_default().push(r.at);
            self.total += 1;
            self.last = Some(r.at);
        }
    }

    /// Waits until `want` prompts arrived in `channels`, or nothing arrived for `stall`.
    async fn wait(&mut self, fake: &Fake, channels: &BTreeSet<u64>, want: usize, stall: Duration) {
        let mut progress = Instant::now();
        loop {
            let before = self.total;
            self.poll(fake);
            if self.total != before {
                progress = Instant::now();
            }
            let got: usize = channels
                .iter()
                .map(|c| self.by_channel.get(c).map_or(0, Vec::len))
                .sum();
            if got >= want || progress.elapsed() > stall {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

fn is_prompt(r: &Recorded) -> bool {
    r.method == "POST"
        && r.path.ends_with("/messages")
        && r.status < 300
        && r.body["content"]
            .as_str()
            .is_some_and(|c| c.contains("Sounds like a new feature"))
}

/// `(resident, peak resident)` of `pid` in MB, from /proc.
fn rss_mb(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// CPU time (user + system) of `pid` so far.
fn cpu(pid: u32, ticks_per_second: f64) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|v| v.parse().unwrap_or(0.0))
        .collect();
    let ticks = f.get(11).copied().unwrap_or(0.0) + f.get(12).copied().unwrap_or(0.0);
    Duration::from_secs_f64(ticks / ticks_per_second)
}

fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

fn spawn_bot(bin: &Path, fake: &Fake, db: &Path, log: &Path) -> Child {
    Command::new(bin)
        .arg("run")
        .env("DISCORD_TOKEN", "load.token.value")
        .env("PLANCHECK_REST_PROXY", fake.url())
        .env("PLANCHECK_DATABASE", db)
        .env("PLANCHECK_LOG", "warn")
        .env("PLANCHECK_DETECTION_COOLDOWN_MINUTES", "0")
        .env_remove("PLANCHECK_CONFIG")
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("http_proxy")
        .env_remove("https_proxy")
        .env_remove("ALL_PROXY")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).expect("a log file"))
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()))
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1e3
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = Args::parse();
    let settings = Settings {
        cooldown_minutes: 0,
        ..Settings::default()
    };
    let paced_count = (args.rate * args.seconds) as usize;
    let paced = stream(
        610_000_000_000_000_000,
        args.channels,
        paced_count,
        510_000_000_000_000_000,
        CYCLE,
    );
    let burst = stream(
        620_000_000_000_000_000,
        args.channels,
        args.messages,
        520_000_000_000_000_000,
        CYCLE,
    );
    let paced_expected = expected(&paced, &settings);
    let burst_expected = expected(&burst, &settings);

    let fake = Fake::start().await;
    fake.forget_dispatches();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("load.db");
    let store = Store::open(&db).await.unwrap();
    let watched: BTreeSet<u64> = paced.iter().chain(&burst).map(|m| m.channel).collect();
    for c in &watched {
        store
            .watch(GuildId(GUILD), ChannelId(*c), UserId(1), Utc::now())
            .await
            .unwrap();
    }
    store.close().await;
    let log = dir.path().join("bot.log");
    let mut bot = spawn_bot(&args.bin, &fake, &db, &log);
    let pid = bot.id();
    fake.wait_for("command registration", |r| {
        r.iter()
            .any(|r| r.method == "PUT" && r.path.ends_with("/commands"))
    })
    .await;
    // Idle: connected, nothing to do for a while.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (idle_rss, _) = rss_mb(pid);

    let mut prompts = Prompts::default();
    // Phase 1: a fixed rate.
    let paced_channels: BTreeSet<u64> = paced.iter().map(|m| m.channel).collect();
    let mut sent_at = HashMap::with_capacity(paced.len());
    let start = tokio::time::Instant::now();
    let step = Duration::from_secs_f64(1.0 / args.rate as f64);
    for (i, m) in paced.iter().enumerate() {
        tokio::time::sleep_until(start + step * i as u32).await;
        sent_at.insert(m.id, Instant::now());
        send(&fake, m);
    }
    prompts
        .wait(
            &fake,
            &paced_channels,
            paced_expected.len(),
            Duration::from_secs(10),
        )
        .await;
    let mut latencies = Vec::new();
    let mut per_channel: HashMap<u64, Vec<u64>> = HashMap::new();
    for (ch, id) in &paced_expected {
        per_channel.entry(*ch).or_default().push(*id);
    }
    for (ch, ids) in &per_channel {
        let arrived = prompts.by_channel.get(ch).cloned().unwrap_or_default();
        for (id, at) in ids.iter().zip(arrived) {
            latencies.push(at.saturating_duration_since(sent_at[id]));
        }
    }
    latencies.sort();

    // Phase 2: a burst, as fast as the bot reads.
    let burst_channels: BTreeSet<u64> = burst.iter().map(|m| m.channel).collect();
    let ticks = clock_ticks();
    let cpu_before = cpu(pid, ticks);
    let sampling = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let sampling = sampling.clone();
        tokio::spawn(async move {
            let mut peak: f64 = 0.0;
            while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(rss_mb(pid).0);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            peak
        })
    };
    let t0 = Instant::now();
    for m in &burst {
        while fake.backlog() > DISPATCH_BUFFER / 2 {
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        send(&fake, m);
    }
    let sent_in = t0.elapsed();
    prompts
        .wait(
            &fake,
            &burst_channels,
            burst_expected.len(),
            Duration::from_secs(10),
        )
        .await;
    let done = prompts.last.unwrap_or_else(Instant::now);
    let elapsed = done.saturating_duration_since(t0).max(sent_in);
    let cpu_used = cpu(pid, ticks).saturating_sub(cpu_before);
    sampling.store(false, std::sync::atomic::Ordering::Relaxed);
    let peak = sampler.await.unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (after_rss, hwm) = rss_mb(pid);

    // The detections stored, against the in-order run.
    let store = Store::open(&db).await.unwrap();
    let stored: BTreeSet<(u64, u64)> = store
        .recent_detections(GuildId(GUILD), u32::MAX)
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.channel.0, d.message_id.0))
        .collect();
    store.close().await;
    let want: BTreeSet<(u64, u64)> = paced_expected
        .iter()
        .chain(&burst_expected)
        .copied()
        .collect();
    let identical = stored == want;
    let _ = bot.kill();
    let _ = bot.wait();
    let log = std::fs::read_to_string(&log).unwrap_or_default();
    let warnings: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("WARN") || l.contains("ERROR"))
        .collect();
    // The first warnings, and the last (after shedding, the lanes log their totals).
    for w in warnings
        .iter()
        .take(2)
        .chain(warnings.last().filter(|_| warnings.len() > 2))
    {
        eprintln!("bot: {w}");
    }
    let warnings = warnings.len();

    println!(
        "load: burst {n} msgs/{c} channels: {rate:.0} msg/s, {cpu:.1} µs CPU/msg | at {r}/s: p50 {p50:.2} ms, p99 {p99:.2} ms ({lat} prompts) | RSS idle {idle:.1} MB, burst peak {peak:.1} MB (high-water {hwm:.1}), 3 s after {after:.1} MB | detections {stored}/{expected} stored, {same} | {warnings} warnings logged",
        n = burst.len(),
        c = args.channels,
        rate = burst.len() as f64 / elapsed.as_secs_f64(),
        cpu = cpu_used.as_secs_f64() * 1e6 / burst.len() as f64,
        r = args.rate,
        p50 = percentile(&latencies, 0.50),
        p99 = percentile(&latencies, 0.99),
        lat = latencies.len(),
        idle = idle_rss,
        after = after_rss,
        stored = stored.len(),
        expected = want.len(),
        same = if identical {
            "identical to an in-order run"
        } else {
            "DIFFERENT from an in-order run"
        },
    );
}
