//! Running the requests: concurrently, within the token budget, each
//! asked once more when its reply cannot be used.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;

use futures_util::StreamExt;

use super::reply::check;
use super::{Job, Naming, Plan, Progress, REMINDER};
use crate::error::Result;
use crate::llm::prompts::Template;
use crate::llm::redact::Redaction;
use crate::llm::{ChatRequest, Client, NoSink, estimate_tokens};
use crate::synthesize::summarize::RunStats;

/// Everything a run needs.
pub struct Namer<'a> {
    pub client: &'a Client,
    pub template: &'a Template,
    pub redaction: &'a Redaction,
    pub concurrency: usize,
    pub max_tokens_total: Option<u64>,
}

/// Shared state of a run (single-threaded: futures interleave, no threads).
#[derive(Default)]
struct State {
    used: Cell<u64>,
    stopped: Cell<bool>,
    stats: RefCell<RunStats>,
}

/// How one job ended.
enum Outcome {
    Named(Naming),
    /// The reply could not be used, twice: why.
    Unusable(String),
    /// The token budget stopped it before it was sent.
    NotSent,
}

impl Namer<'_> {
    /// Names every job; returns each job's naming (`None`: keep insight's
    /// title) and the run's statistics. A context-length error stops the
    /// run with [`Error::ContextWindow`], for the caller to plan again.
    pub async fn run(
        &self,
        plan: &Plan,
        progress: &dyn Progress,
    ) -> Result<(Vec<Option<Naming>>, RunStats)> {
        let state = State::default();
        progress.start(plan.jobs.len());
        let results: Vec<(usize, Result<Outcome>)> =
            futures_util::stream::iter(plan.jobs.iter().enumerate())
                .map(|(k, job)| {
                    let state = &state;
                    async move { (k, self.name(state, job, &plan.common, progress).await) }
                })
                .buffer_unordered(self.concurrency.max(1))
                .collect()
                .await;
        let mut namings: Vec<Option<Naming>> = vec![None; plan.jobs.len()];
        let mut failures: Vec<(usize, String)> = Vec::new();
        for (k, r) in results {
            match r? {
                Outcome::Named(n) => namings[k] = Some(n),
                Outcome::Unusable(why) => failures.push((k, why)),
                Outcome::NotSent => {}
            }
        }
        let mut stats = state.stats.into_inner();
        failures.sort();
        for (k, why) in failures {
            let job = &plan.jobs[k];
            stats.skipped.push(format!(
                "{}: the model's answer for \"{}\" could not be used ({why}); kept insight's title",
                job.label, job.offline_title
            ));
        }
        stats.incomplete = state.stopped.get();
        Ok((namings, stats))
    }

    /// One theme: ask, check, ask once more if the answer is unusable.
    async fn name(
        &self,
        state: &State,
        job: &Job,
        common: &BTreeSet<String>,
        progress: &dyn Progress,
    ) -> Result<Outcome> {
        let Some(first) = self.call(state, &job.request, progress).await? else {
            return Ok(Outcome::NotSent);
        };
        let why = match check(&first, job, self.template, self.redaction, common) {
            Ok(n) => return Ok(Outcome::Named(n)),
            Err(why) => why,
        };
        let mut again = job.request.clone();
        if let Some(last) = again.messages.last_mut() {
            last.content.push_str("\n\n");
            last.content.push_str(REMINDER);
        }
        let Some(second) = self.call(state, &again, progress).await? else {
            return Ok(Outcome::NotSent);
        };
        Ok(
            match check(&second, job, self.template, self.redaction, common) {
                Ok(n) => Outcome::Named(n),
                Err(_) => Outcome::Unusable(why),
            },
        )
    }

    /// Sends one request within the budget; `None` when the budget stops it.
    async fn call(
        &self,
        state: &State,
        req: &ChatRequest,
        progress: &dyn Progress,
    ) -> Result<Option<String>> {
        if !self.client.is_cached(req) {
            if let Some(max) = self.max_tokens_total {
                let est = req
                    .messages
                    .iter()
                    .map(|m| estimate_tokens(&m.content) as u64)
                    .sum::<u64>()
                    + estimate_tokens(&req.system) as u64
                    + req.max_tokens as u64;
                if state.stopped.get() || state.used.get() + est > max {
                    state.stopped.set(true);
                    return Ok(None);
                }
            }
        }
        let resp = self.client.chat(req, false, &mut NoSink).await?;
        let tokens = if resp.cached {
            0
        } else {
            resp.usage.prompt_tokens + resp.usage.completion_tokens
        };
        state.used.set(state.used.get() + tokens);
        {
            let mut s = state.stats.borrow_mut();
            if resp.cached {
                s.cache_hits += 1;
            } else {
                s.requests += 1;
                s.usage += resp.usage;
            }
        }
        progress.done(tokens, resp.cached);
        Ok(Some(resp.text))
    }
}
