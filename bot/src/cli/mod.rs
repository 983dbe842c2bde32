//! The command line: one subcommand per thing an operator or developer does with loket.
//!
//! `clap` derive definitions live here together with the dispatch; each command's work is
//! in its own file. Commands print for people by default and JSON lines with `--json`.
//! Errors are reported once, in `main`, with their cause chain and a non-zero exit code.

mod accounts;
mod announcements;
mod ask;
mod bench;
mod bench_broadcast;
mod bench_telegram;
mod deliveries;
mod eval;
mod ingest;
mod open311_clients;
mod purge;
mod serve;
mod standards;
mod stats;
mod unanswered;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// loket: answers citizens' questions about public services from the agencies'
/// service standards (Standar Pelayanan) and forwards their complaints to the officers
/// in charge.
#[derive(Debug, Parser)]
///
/// Run without a command in a terminal to open the local chat console.
#[command(name = "loket", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

/// Where the decrees are read from.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct StandardsDir {
    /// Directory of service-standard decrees (.txt/.md/.html text conversions).
    #[arg(
        long = "dir",
        env = "LOKET_STANDARDS_DIR",
        default_value = "knowledge/standards",
        value_name = "PATH"
    )]
    pub(crate) path: PathBuf,
}

/// The deployment aliases file, for the commands that answer questions offline.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct AliasesFile {
    /// Deployment aliases (TSV: phrase<TAB>service_id), as `loket serve` uses them.
    #[arg(long = "aliases", env = "LOKET_ALIASES", value_name = "FILE")]
    pub(crate) file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List every service parsed from the decrees (title, duration, fee), or JSON lines.
    Standards {
        #[command(flatten)]
        dir: StandardsDir,
        /// Print one JSON object per service instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Answer a question as a citizen would see it (no QUESTION: one per stdin line).
    Ask {
        /// The question, e.g. "syarat surat ahli waris apa aja".
        question: Option<String>,
        /// Print the answer as one JSON object (per line).
        #[arg(long)]
        json: bool,
        /// Stdin lines are the messages of one conversation, each answered with the context of
        /// the previous ones; a blank line starts a new conversation.
        #[arg(long, conflicts_with = "question")]
        conversation: bool,
        #[command(flatten)]
        dir: StandardsDir,
        #[command(flatten)]
        aliases: AliasesFile,
    },
    /// Chat with loket in the terminal, exactly as on Telegram (no token needed).
    Chat {
        #[command(flatten)]
        dir: StandardsDir,
        #[command(flatten)]
        aliases: AliasesFile,
    },
    /// Measure answer accuracy on the labelled question sets and conversations (all of
    /// knowledge/eval/ as one table, or the files given).
    Eval {
        /// One question set (TSV: question, expected service id, expected aspect, note).
        #[arg(long, value_name = "FILE")]
        questions: Option<PathBuf>,
        /// One conversation set (TSV: conversation, turn, message, service, aspect, status, note).
        #[arg(long, value_name = "FILE")]
        conversations: Option<PathBuf>,
        /// Decrees indexed together with the standards directory (e.g. a new layout).
        #[arg(long, value_name = "PATH")]
        with: Option<PathBuf>,
        /// Also list every miss (of the sets meant for tuning, or of the files given).
        #[arg(long)]
        misses: bool,
        /// Also run the test parts of the blind sets (read them only at the end of a round).
        #[arg(long = "final")]
        final_: bool,
        #[command(flatten)]
        dir: StandardsDir,
    },
    /// Run the HTTP API, the forwarding worker and the Telegram bot until SIGTERM/Ctrl-C.
    Serve {
        /// Run without the Telegram bot (HTTP API and workers only; no token needed).
        #[arg(long)]
        no_telegram: bool,
        /// Receive Telegram updates by webhook at this public HTTPS URL instead of long
        /// polling (needed to run several processes). Overrides telegram.webhook.url
        /// (LOKET_WEBHOOK_URL); the secret is telegram.webhook.secret (LOKET_WEBHOOK_SECRET,
        /// generated when unset).
        #[arg(long, value_name = "URL", conflicts_with = "no_telegram")]
        webhook: Option<reqwest::Url>,
        /// Local address the webhook server listens on (behind the TLS proxy). Overrides
        /// telegram.webhook.address (LOKET_WEBHOOK_ADDR, default 0.0.0.0:8443).
        #[arg(long, value_name = "ADDR")]
        webhook_addr: Option<std::net::SocketAddr>,
    },
    /// Inspect and requeue failed complaint deliveries (dead letters).
    Deliveries {
        /// List deliveries that failed for good.
        #[arg(long)]
        failed: bool,
        /// How many to list.
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[command(subcommand)]
        action: Option<DeliveriesAction>,
    },
    /// Store the decrees as versioned standards and report new, changed and removed services.
    Ingest {
        #[command(flatten)]
        dir: StandardsDir,
        /// Show the changes without storing anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// Preview, write and send announcements to subscribers.
    Announcements {
        #[command(subcommand)]
        action: AnnouncementsAction,
    },
    /// Web-console accounts: add (prints a one-time password link), list, disable, reset.
    Accounts {
        #[command(subcommand)]
        action: AccountsAction,
    },
    /// Run the benchmarks and print a Markdown table (use a release build).
    Bench {
        /// Questions to time (the evaluation set by default).
        #[arg(long, default_value = "knowledge/eval/questions.tsv", value_name = "FILE")]
        questions: PathBuf,
        /// How many times each question is answered for the latency figures.
        #[arg(long, default_value_t = 50)]
        rounds: usize,
        /// Run one section only.
        #[arg(long, value_enum, value_name = "SECTION")]
        only: Option<bench::Section>,
        /// PostgreSQL server for the intake bench (it creates and drops a scratch database there).
        #[arg(
            long,
            env = "LOKET_BENCH_DATABASE_URL",
            default_value = bench::DEFAULT_BENCH_DATABASE_URL,
            value_name = "URL",
            hide_env_values = true
        )]
        database_url: String,
        /// Complaints filed (and forwarded) per backend in the intake bench.
        #[arg(long, default_value_t = 2000)]
        complaints: usize,
        /// Questions sent in the Telegram bench (and in the web chat bench, per backend).
        #[arg(long, default_value_t = 1000)]
        messages: usize,
        /// Subscribers (messages) in the broadcast bench; at 30/s, 300 take ten seconds.
        #[arg(long, default_value_t = 300)]
        broadcast: usize,
        #[command(flatten)]
        dir: StandardsDir,
    },
    /// Intake-only keys of Open311 client applications: create (prints the key once), list, revoke.
    #[command(name = "open311-clients")]
    Open311Clients {
        #[command(subcommand)]
        action: Open311ClientsAction,
    },
    /// Erase the citizen's identity and contact from complaints closed before DATE (UU 27/2022),
    /// keeping the anonymous record and its events; prints the counts. Safe to run again.
    Purge {
        /// Local date, YYYY-MM-DD: complaints closed for good (ditolak, ditutup, bukan_wewenang)
        /// whose last change was before this day.
        #[arg(long, value_name = "DATE", value_parser = purge::parse_date)]
        closed_before: chrono::NaiveDate,
        /// Print the counts as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Operational figures from the database: complaints, overdue, queues, subscribers, broadcasts.
    Stats {
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// How many of the newest announcements to show with their progress.
        #[arg(long, default_value_t = 5)]
        announcements: u32,
    },
    /// The most frequent questions loket refused or answered with a choice list (Telegram, kept
    /// 90 days), with what it offered: candidates for deployment aliases.
    Unanswered {
        /// How far back: 24h, 7d, 90d, 2w.
        #[arg(long, default_value = "7d", value_name = "PERIOD", value_parser = unanswered::parse_period)]
        since: i64,
        /// How many questions to list.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Print one JSON object per question instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum AnnouncementsAction {
    /// The newest announcements with their status and progress.
    List {
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// The text as subscribers will read it, its buttons and its progress.
    Show { id: i64 },
    /// Write a free-text draft to every subscriber, or to one agency's subscribers.
    New {
        /// Only subscribers of this agency (and those subscribed to all agencies).
        #[arg(long, value_name = "NAME")]
        agency: Option<String>,
        /// Only subscribers of this regency or city, as the decrees name it ("Kabupaten
        /// Pasuruan"; with --agency, subscribers of either).
        #[arg(long, value_name = "NAME")]
        regency: Option<String>,
        /// The text, in Indonesian, as citizens will read it.
        text: String,
    },
    /// Approve and send now, with a progress line; run again to resume after an interruption.
    Send {
        id: i64,
        #[command(flatten)]
        dir: StandardsDir,
    },
    /// Sent / pending / failed / blocked counts.
    Status { id: i64 },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum RoleArg {
    /// Works the complaints of its handlers.
    Officer,
    /// Sees every handler of one agency, with the SLA figures.
    Supervisor,
    /// Announcements, dead letters, unanswered questions, accounts.
    Administrator,
}

impl From<RoleArg> for crate::storage::AccountRole {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Officer => Self::Officer,
            RoleArg::Supervisor => Self::Supervisor,
            RoleArg::Administrator => Self::Administrator,
        }
    }
}

#[derive(Debug, Subcommand)]
enum AccountsAction {
    /// Create an account and print its one-time link to set the password.
    Add {
        /// Login name: 3-64 of a-z, 0-9, '.', '-', '_'.
        username: String,
        /// The person's name as shown in the console.
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// A handler id from the handlers file (officers; repeat for several).
        #[arg(long = "handler", value_name = "ID")]
        handlers: Vec<String>,
        /// The agency whose handlers a supervisor oversees (as in the handlers file's `agencies`).
        #[arg(long, value_name = "NAME")]
        agency: Option<String>,
    },
    /// Every account: role, state (active, awaiting-password, disabled), scope.
    List {
        /// One JSON object per account.
        #[arg(long)]
        json: bool,
    },
    /// Lock an account out and end its sessions at once.
    Disable { username: String },
    /// Clear the password, end the sessions, enable the account and print a new setup link.
    Reset { username: String },
}

#[derive(Debug, Subcommand)]
enum Open311ClientsAction {
    /// Register a client application and print its new key (shown once; only its hash is kept).
    Create {
        /// Short id, 1-64 of a-z, 0-9, '-', '_' (e.g. portal-kota); recorded on its complaints.
        id: String,
        /// Who runs the client, e.g. "Portal Pengaduan Kota Pasuruan".
        #[arg(long)]
        name: String,
        /// Complaints it may file per rolling hour (429 beyond).
        #[arg(long, default_value_t = 60)]
        per_hour: u32,
    },
    /// Every client: active or revoked, limit, complaints filed, last filed.
    List {
        /// One JSON object per client.
        #[arg(long)]
        json: bool,
    },
    /// Stop a client's key at once.
    Revoke { id: String },
}

#[derive(Debug, Subcommand)]
enum DeliveriesAction {
    /// Put a failed delivery back in the queue.
    Requeue {
        /// Delivery id (from `loket deliveries --failed`).
        id: String,
    },
}

/// Parses the decrees and builds the answer engine; files that fail are reported on stderr.
pub(crate) fn load_engine(dir: &std::path::Path) -> anyhow::Result<loket_knowledge::answer::Engine> {
    Ok(loket_knowledge::answer::Engine::build(parse_documents(dir)?)?)
}

/// [`load_engine`] with the deployment aliases file, when one is given (checked first).
fn load_engine_with_aliases(
    dir: &std::path::Path,
    aliases: Option<&std::path::Path>,
) -> anyhow::Result<loket_knowledge::answer::Engine> {
    crate::learning::aliases::build_engine(parse_documents(dir)?, aliases)
}

/// Parses a standards directory; files that fail are named on stderr and skipped.
pub(crate) fn parse_documents(dir: &std::path::Path) -> anyhow::Result<Vec<loket_knowledge::document::Document>> {
    use anyhow::Context;
    let report = loket_knowledge::parse::parse_dir(dir).with_context(|| {
        format!(
            "cannot read the standards directory {} (run from the repository root, or pass --dir / set LOKET_STANDARDS_DIR)",
            dir.display()
        )
    })?;
    for (path, error) in &report.failures {
        eprintln!("warning: skipped {}: {error}", path.display());
    }
    Ok(report.documents)
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;
    let Some(command) = cli.command else {
        if std::io::stdin().is_terminal() {
            let dir = std::env::var_os("LOKET_STANDARDS_DIR")
                .map_or_else(|| PathBuf::from("knowledge/standards"), PathBuf::from);
            let aliases = std::env::var_os("LOKET_ALIASES")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from);
            ask::run_chat(load_engine_with_aliases(&dir, aliases.as_deref())?)?;
        } else {
            <Cli as clap::CommandFactory>::command().print_help()?;
        }
        return Ok(ExitCode::SUCCESS);
    };
    match command {
        Command::Standards { dir, json } => standards::run(&dir.path, json),
        Command::Ask {
            question,
            json,
            conversation,
            dir,
            aliases,
        } => {
            let engine = load_engine_with_aliases(&dir.path, aliases.file.as_deref())?;
            ask::run_ask(&engine, question, json, conversation)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Chat { dir, aliases } => {
            ask::run_chat(load_engine_with_aliases(&dir.path, aliases.file.as_deref())?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval {
            questions,
            conversations,
            with,
            misses,
            final_,
            dir,
        } => eval::run_eval(&eval::EvalRequest {
            standards: dir.path,
            questions,
            conversations,
            extra: with,
            misses,
            final_,
        }),
        Command::Serve {
            no_telegram,
            webhook,
            webhook_addr,
        } => {
            serve::run(no_telegram, webhook, webhook_addr)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Deliveries { failed, limit, action } => {
            match action {
                Some(DeliveriesAction::Requeue { id }) => deliveries::requeue(&id)?,
                None if failed => deliveries::list_failed(limit)?,
                None => anyhow::bail!("say what to do: `loket deliveries --failed` or `loket deliveries requeue ID`"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Ingest { dir, dry_run } => ingest::run(&dir.path, dry_run),
        Command::Announcements { action } => {
            match action {
                AnnouncementsAction::List { limit } => announcements::list(limit)?,
                AnnouncementsAction::Show { id } => announcements::show(id)?,
                AnnouncementsAction::New { agency, regency, text } => {
                    announcements::new(agency.as_deref(), regency.as_deref(), &text)?
                }
                AnnouncementsAction::Send { id, dir } => announcements::send(id, Some(dir.path))?,
                AnnouncementsAction::Status { id } => announcements::status(id)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            questions,
            rounds,
            only,
            database_url,
            complaints,
            messages,
            broadcast,
            dir,
        } => {
            bench::run_bench(&bench::BenchOptions {
                dir: dir.path,
                questions,
                rounds,
                only,
                database_url,
                complaints,
                messages,
                broadcast,
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Accounts { action } => {
            match action {
                AccountsAction::Add {
                    username,
                    name,
                    role,
                    handlers,
                    agency,
                } => accounts::add(&username, &name, role.into(), &handlers, agency.as_deref())?,
                AccountsAction::List { json } => accounts::list(json)?,
                AccountsAction::Disable { username } => accounts::disable(&username)?,
                AccountsAction::Reset { username } => accounts::reset(&username)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Open311Clients { action } => {
            match action {
                Open311ClientsAction::Create { id, name, per_hour } => open311_clients::create(&id, &name, per_hour)?,
                Open311ClientsAction::List { json } => open311_clients::list(json)?,
                Open311ClientsAction::Revoke { id } => open311_clients::revoke(&id)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Purge { closed_before, json } => {
            purge::run(closed_before, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Stats { json, announcements } => {
            stats::run(json, announcements)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Unanswered { since, limit, json } => {
            unanswered::run(since, limit, json)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
