//! Command-line definitions (clap derive only). Values stay as close to the
//! flags as possible; `cli::mod` turns them into library options.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::app::defaults;
use crate::llm::ProviderKind;
use crate::profile::best::RankBy;
use crate::profile::periods::PeriodSpec;
use crate::report::Format;
use crate::retrieve::{DateBound, Where};
use crate::synthesize::lens::Lens;

/// Customer research with evidence: index interviews, call notes, call logs,
/// tickets, surveys and your CRM export, then search them by segment, kind,
/// account and date.
#[derive(Debug, Parser)]
#[command(name = "insight", version, about, long_about = None, max_term_width = 100)]
#[command(
    after_help = "Start with: insight index examples/ --accounts examples/accounts.csv\n           insight search \"what slows down invoicing?\" --segment enterprise"
)]
pub struct Cli {
    /// Index folder
    #[arg(
        long,
        global = true,
        env = "INSIGHT_INDEX",
        value_name = "DIR",
        default_value = "index"
    )]
    pub index: PathBuf,

    /// Config file [default: ./insight.toml, then the user config dir]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Print only results and errors
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Say more about what is happening (repeat for more)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// When to use colours
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// `--color` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index folders and files (incremental: unchanged files are skipped)
    Index(IndexArgs),
    /// Find passages (BM25) with highlighted snippets
    Search(SearchArgs),
    /// Documents and distinct accounts per segment (or any field)
    Segments(SegmentsArgs),
    /// What the index holds: documents, passages, accounts, fields, size
    Stats(StatsArgs),
    /// Answer a question from the passages, with numbered citations
    Ask(AskArgs),
    /// Themes per segment (or any field) with evidence counts and verified quotes
    Summarize(SummarizeArgs),
    /// The Ideal Client Profile: the CRM's figures per segment joined with what customers say; best customers; leads scored
    Profile(ProfileArgs),
    /// Show which provider, model and endpoint would be used, and check that it answers
    Doctor(DoctorArgs),
    /// An interactive research session (also bare `insight` on a terminal)
    Repl(ReplArgs),
}

/// `insight index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Folders and files to index [default: the ones indexed before]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// CRM export (CSV, one row per account); remembered for later runs
    #[arg(long, value_name = "FILE")]
    pub accounts: Option<PathBuf>,

    /// Metadata for every document of this run (the document's own values win)
    #[arg(long = "meta", value_name = "KEY=VALUE", value_parser = parse_meta)]
    pub meta: Vec<(String, String)>,

    /// CSV column / JSONL key holding the text [default: text, body, content, notes, …]
    #[arg(long, value_name = "NAME")]
    pub text_column: Option<String>,

    /// Drop the index and index everything again
    #[arg(long)]
    pub rebuild: bool,

    /// Store a sentence embedding per passage for semantic search (needs [embed] model_dir or INSIGHT_EMBED_MODEL: a model folder or `builtin`; remembered)
    #[arg(long, conflicts_with = "no_embed")]
    pub embed: bool,

    /// Stop storing sentence embeddings
    #[arg(long)]
    pub no_embed: bool,

    /// Exit with 1 when any file had to be skipped
    #[arg(long)]
    pub strict: bool,

    /// Print the outcome as JSON
    #[arg(long)]
    pub json: bool,

    /// Indexing threads [default: one per core, at most 8]
    #[arg(long, value_name = "N", hide_short_help = true)]
    pub threads: Option<usize>,
}

/// Filters shared by the commands that read the index.
#[derive(Debug, Args, Default, Clone)]
pub struct FilterArgs {
    /// Only this segment (repeat for several)
    #[arg(long = "segment", value_name = "S")]
    pub segments: Vec<String>,

    /// Only this kind: interview, call, note, ticket, survey, … (repeatable)
    #[arg(long = "kind", value_name = "K")]
    pub kinds: Vec<String>,

    /// Only this account, by id or name (repeatable)
    #[arg(long = "account", value_name = "A")]
    pub accounts: Vec<String>,

    /// Only documents dated on or after this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = DateBound::since)]
    pub since: Option<DateBound>,

    /// Only documents dated on or before this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = DateBound::until)]
    pub until: Option<DateBound>,

    /// Only documents whose field has this value; KEY!=VALUE excludes (repeatable)
    #[arg(long = "where", value_name = "KEY=VALUE", value_parser = parse_where)]
    pub wheres: Vec<Where>,
}

/// `insight search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// A question or keywords; tantivy syntax works too ("exact phrase", AND, OR, -word, field:value)
    #[arg(value_name = "QUERY", required = true, num_args = 1..)]
    pub query: Vec<String>,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Number of passages to show
    #[arg(short = 'n', long, value_name = "N", default_value_t = defaults::SEARCH_LIMIT)]
    pub limit: usize,

    /// Re-rank by meaning with the local embedding model ([embed] model_dir or INSIGHT_EMBED_MODEL: a model folder or `builtin`)
    #[arg(long)]
    pub semantic: bool,

    /// Print results as JSON
    #[arg(long)]
    pub json: bool,
}

/// LLM choices shared by `ask`, `summarize` and `doctor`.
#[derive(Debug, Args, Default, Clone)]
pub struct LlmArgs {
    /// openai (any OpenAI-compatible server), anthropic, or extractive (offline, no model)
    #[arg(long, value_name = "P", value_parser = parse_provider)]
    pub provider: Option<ProviderKind>,

    /// Model name [default: gpt-4o-mini / claude-3-5-haiku-latest]
    #[arg(long, value_name = "M")]
    pub model: Option<String>,

    /// Provider endpoint; for openai it includes the version, e.g. http://127.0.0.1:8080/v1
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,

    /// The model's context window in tokens [default: asked of the server, else 8192]
    #[arg(long, value_name = "N")]
    pub context_tokens: Option<usize>,

    /// Do not read or write the response cache
    #[arg(long)]
    pub no_cache: bool,

    /// Send personal data to the provider as it is (redaction is on by default)
    #[arg(long)]
    pub no_redact: bool,
}

/// `insight ask`.
#[derive(Debug, Args)]
pub struct AskArgs {
    /// The question
    #[arg(value_name = "QUESTION", required = true, num_args = 1..)]
    pub question: Vec<String>,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Passages to retrieve (those that do not fit the model's context are dropped)
    #[arg(short = 'n', long, value_name = "N", default_value_t = defaults::ASK_LIMIT)]
    pub limit: usize,

    /// Print the answer and its citations as JSON
    #[arg(long)]
    pub json: bool,

    /// Wait for the whole answer instead of streaming it
    #[arg(long, conflicts_with = "stream")]
    pub no_stream: bool,

    /// Stream even when stdout is not a terminal (with --json: stream the request, print JSON at the end)
    #[arg(long)]
    pub stream: bool,

    #[command(flatten)]
    pub llm: LlmArgs,
}

/// `insight summarize`.
#[derive(Debug, Args)]
pub struct SummarizeArgs {
    /// Field to group by: segment, industry, plan, kind, region, …
    #[arg(long, value_name = "FIELD", default_value = defaults::GROUP_BY)]
    pub by: String,

    /// pains, objections (reasons not to buy or to leave), triggers (why they bought), success (outcomes they value)
    #[arg(long, value_name = "L", default_value = "pains", value_parser = parse_lens)]
    pub lens: Lens,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Themes per group
    #[arg(long, value_name = "N", default_value_t = defaults::TOP_THEMES)]
    pub top: usize,

    /// md, json, csv or html
    #[arg(long, value_name = "F", default_value = "md", value_parser = parse_format)]
    pub format: Format,

    /// Write the report to this file instead of stdout
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Also compare the themes across groups: shared or specific to one
    #[arg(long)]
    pub compare: bool,

    /// Show the groups, passages, chunks and estimated tokens (and cost) without calling the model
    #[arg(long)]
    pub dry_run: bool,

    /// Stop before the model's tokens would exceed N (resume later from the cache)
    #[arg(long, value_name = "N")]
    pub max_tokens_total: Option<u64>,

    /// No longer used: the model names insight's own themes and reads no passages in bulk (accepted so scripts keep working)
    #[arg(long, value_name = "N", hide = true)]
    pub max_passages: Option<usize>,

    #[command(flatten)]
    pub llm: LlmArgs,
}

/// `insight profile`.
#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// Column of the accounts file to group by: segment, industry, plan, region, …
    #[arg(long, value_name = "FIELD", default_value = defaults::GROUP_BY)]
    pub by: String,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Themes shown per lens and group
    #[arg(long, value_name = "N", default_value_t = defaults::PROFILE_TOP)]
    pub top: usize,

    /// Best customers are the top accounts by arr, nps, retention or a numeric column [default: nps, else arr, else retention]
    #[arg(long, value_name = "METRIC", value_parser = parse_rank_by)]
    pub rank_by: Option<RankBy>,

    /// How many best customers [default: the top quartile]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub top_accounts: Option<u64>,

    /// Best customers a trait or theme needs to count as a finding [default: 2, or [profile] min_support]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub min_support: Option<u64>,

    /// What changed between two periods: month, quarter, year, or START..END,START..END
    #[arg(long, value_name = "PERIOD", value_parser = parse_period)]
    pub compare_period: Option<PeriodSpec>,

    /// Score the leads of this CSV against the profile (prints CSV, or JSON with --json)
    #[arg(long, value_name = "FILE")]
    pub prospects: Option<PathBuf>,

    /// md, json or html (with --prospects: csv or json) [default: md; csv with --prospects]
    #[arg(long, value_name = "F", value_parser = parse_format)]
    pub format: Option<Format>,

    /// Print JSON (same as --format json)
    #[arg(long)]
    pub json: bool,

    /// Write the report to this file instead of stdout
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub llm: LlmArgs,
}

/// `insight repl`.
#[derive(Debug, Args, Default)]
pub struct ReplArgs {
    #[command(flatten)]
    pub filters: FilterArgs,

    #[command(flatten)]
    pub llm: LlmArgs,
}

/// `insight doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Print as JSON
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub llm: LlmArgs,
}

/// `insight segments`.
#[derive(Debug, Args)]
pub struct SegmentsArgs {
    /// Field to group by: segment, industry, plan, kind, account, region, …
    #[arg(long, value_name = "FIELD", default_value = defaults::GROUP_BY)]
    pub by: String,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Print groups as JSON
    #[arg(long)]
    pub json: bool,
}

/// `insight stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

fn parse_meta(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() && !v.trim().is_empty() => {
            Ok((k.trim().to_string(), v.trim().to_string()))
        }
        _ => Err(format!("`{s}` is not KEY=VALUE")),
    }
}

fn parse_lens(s: &str) -> Result<Lens, String> {
    s.parse()
}

fn parse_rank_by(s: &str) -> Result<RankBy, String> {
    s.parse()
}

fn parse_period(s: &str) -> Result<PeriodSpec, String> {
    s.parse()
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

fn parse_provider(s: &str) -> Result<ProviderKind, String> {
    s.parse()
}

fn parse_where(s: &str) -> Result<Where, String> {
    s.parse()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn filters_and_meta_parse() {
        let cli = Cli::try_parse_from([
            "insight",
            "search",
            "sso",
            "okta",
            "--segment",
            "enterprise",
            "--segment",
            "smb",
            "--where",
            "plan=plus",
            "--since",
            "2026-01-01",
            "-n",
            "3",
        ])
        .unwrap();
        let Some(Command::Search(s)) = cli.command else {
            panic!()
        };
        assert_eq!(s.query, ["sso", "okta"]);
        assert_eq!(s.filters.segments, ["enterprise", "smb"]);
        assert_eq!(s.filters.wheres[0].key, "plan");
        assert_eq!(s.limit, 3);
        assert!(Cli::try_parse_from(["insight", "search", "x", "--since", "soon"]).is_err());
        assert!(Cli::try_parse_from(["insight", "index", "--meta", "novalue"]).is_err());
        let cli =
            Cli::try_parse_from(["insight", "index", "d", "--meta", "source=crm export"]).unwrap();
        let Some(Command::Index(i)) = cli.command else {
            panic!()
        };
        assert_eq!(i.meta, [("source".to_string(), "crm export".to_string())]);
    }
}
