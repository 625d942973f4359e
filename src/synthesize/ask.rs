//! `insight ask`: retrieve passages under the filters, then answer from them
//! with numbered citations — with a model (passages redacted, fenced as
//! untrusted data, fitted to the context budget, citations checked) or,
//! offline, with the extractive provider, which quotes the best sentences.
//! An [`Asker`] lives for a session, so placeholders and the conversation
//! carry over between questions (the REPL's follow-ups).

use serde::Serialize;
use std::sync::Arc;
use tantivy::Term;

use super::cite::{CleaningSink, Finisher};
use super::context::{is_internal, passage_line};
use crate::embed::Embedder;
use crate::error::{Error, Result};
use crate::index::Store;
use crate::llm::extractive::{Candidate, best_sentences};
use crate::llm::prompts::Template;
use crate::llm::redact::{Redaction, Redactor};
use crate::llm::settings::WindowSource;
use crate::llm::window::{self, Memory};
use crate::llm::{
    ChatRequest, Client, LlmSettings, Message, ProviderKind, Role, RunPolicy, Sink, Usage,
    estimate_tokens,
};
use crate::retrieve::groups::person_names;
use crate::retrieve::hybrid::search_hybrid;
use crate::retrieve::query::topic_words;
use crate::retrieve::search::{implied_words, segment_words};
use crate::retrieve::{Filters, Hit, search};
use crate::text::stems;

/// Added to the question when an answer cited no passage and is asked again.
const RETRY_REMINDER: &str = "Important: cite the passages. End every sentence with the number of the passage it comes from, like [1].";

/// A previous question and its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    pub question: String,
    pub answer: String,
}

/// A passage behind an answer.
#[derive(Debug, Clone, Serialize)]
pub struct Citation {
    pub n: usize,
    pub path: String,
    pub location: String,
    pub account: Option<String>,
    pub account_name: Option<String>,
    pub segment: Option<String>,
    pub kind: Option<String>,
    pub date: Option<String>,
    pub speaker: Option<String>,
    pub doc_id: String,
    pub text: String,
}

impl Citation {
    fn of(n: usize, h: &Hit) -> Citation {
        let f = |k: &str| h.field(k).map(str::to_string);
        Citation {
            n,
            path: h.path.clone(),
            location: h.location.clone(),
            account: f("account"),
            account_name: f("account_name"),
            segment: f("segment"),
            kind: f("kind"),
            date: f("date"),
            speaker: f("speaker"),
            doc_id: h.doc_id.clone(),
            text: h.text.clone(),
        }
    }
}

/// An answer with its evidence.
#[derive(Debug, Clone)]
pub struct Answer {
    pub question: String,
    pub text: String,
    /// The passages the answer cites, by their number.
    pub citations: Vec<Citation>,
    /// Every passage given to the provider, numbered as in the prompt.
    pub passages: Vec<Citation>,
    pub provider: ProviderKind,
    pub model: Option<String>,
    pub usage: Usage,
    pub cached: bool,
    /// Citation markers that pointed at no passage sent, removed.
    pub removed_citations: Vec<String>,
    /// Citations insight attached to sentences the model left uncited.
    pub attached_citations: Vec<usize>,
    /// Passages retrieved but left out to fit the context window.
    pub dropped_for_budget: usize,
    /// Things worth telling the user.
    pub notes: Vec<String>,
}

/// Answers questions against one index with one provider.
pub struct Asker<'a> {
    store: &'a Store,
    settings: LlmSettings,
    answerer: Answerer,
    /// The local embedding model, when configured: retrieval is hybrid.
    embedder: Option<Arc<Embedder>>,
}

impl<'a> Asker<'a> {
    /// Sets up the provider, the prompt and the redactor (names come from the
    /// index: speakers, our own people and CRM contact columns). With an
    /// `embedder`, retrieval is hybrid.
    pub fn new(
        store: &'a Store,
        settings: LlmSettings,
        policy: &RunPolicy,
        embedder: Option<Arc<Embedder>>,
    ) -> Result<Asker<'a>> {
        // the extractive answerer sends nothing: no client, prompt or names
        let answerer = match settings.provider {
            ProviderKind::Extractive => Answerer::Extractive,
            _ => Answerer::Model(Box::new(ModelAnswerer {
                client: Client::new(&settings, policy.cache_for(&store.dir))?
                    .remembering(Memory::for_index(&store.dir)),
                template: policy.prompts().load("ask")?,
                redactor: policy.redactor(|| person_names(store))?,
                redaction: Redaction::default(),
            })),
        };
        Ok(Asker {
            store,
            settings,
            answerer,
            embedder,
        })
    }

    /// The local embedding model, when one is configured.
    pub fn embedder(&self) -> Option<Arc<Embedder>> {
        self.embedder.clone()
    }

    /// The provider settings in use.
    pub fn settings(&self) -> &LlmSettings {
        &self.settings
    }

    /// Retrieves the passages for a question (a follow-up also searches with
    /// the previous question's words), re-ranked by meaning when an
    /// embedding model is configured.
    pub fn retrieve(
        &self,
        question: &str,
        filters: &Filters,
        limit: usize,
        history: &[Turn],
    ) -> Result<Vec<Hit>> {
        let query = match history.last() {
            Some(prev) => format!("{question} {}", prev.question),
            None => question.to_string(),
        };
        match &self.embedder {
            Some(e) => Ok(search_hybrid(self.store, e, &query, filters, limit)?.hits),
            None => Ok(search(self.store, &query, filters, limit)?.hits),
        }
    }

    /// Answers `question` from `hits`, streaming to `sink` when asked to.
    pub async fn ask(
        &mut self,
        question: &str,
        hits: &[Hit],
        filters: &Filters,
        history: &[Turn],
        stream: bool,
        sink: &mut dyn Sink,
    ) -> Result<Answer> {
        if hits.is_empty() {
            let text = format!(
                "No passage matches this question{}. Try other words, or fewer filters.",
                if filters.is_empty() {
                    String::new()
                } else {
                    format!(" under the filters ({filters})")
                }
            );
            sink.delta(&text);
            return Ok(self.empty_answer(question, text));
        }
        let model = match &mut self.answerer {
            Answerer::Extractive => {
                let answer = self.extractive(question, hits, filters)?;
                sink.delta(&answer.text);
                return Ok(answer);
            }
            Answerer::Model(m) => m,
        };
        let answer = model
            .ask(&self.settings, question, hits, history, stream, sink)
            .await;
        // the server named a smaller window than planned: fit it, once
        let (plan, served) = match &answer {
            Err(e @ Error::ContextWindow { window, .. }) => {
                match window::replan(e, self.settings.context_tokens) {
                    Some(plan) => (plan, *window),
                    None => return answer,
                }
            }
            _ => return answer,
        };
        self.settings.set_window(plan, WindowSource::Learned);
        sink.notice(&format!(
            "the model's context window is {served} tokens; asking again with the passages that fit"
        ));
        model
            .ask(&self.settings, question, hits, history, stream, sink)
            .await
    }

    fn empty_answer(&self, question: &str, text: String) -> Answer {
        Answer {
            question: question.to_string(),
            text,
            citations: Vec::new(),
            passages: Vec::new(),
            provider: self.settings.provider,
            model: self.settings.model.clone(),
            usage: Usage::default(),
            cached: false,
            removed_citations: Vec::new(),
            attached_citations: Vec::new(),
            dropped_for_budget: 0,
            notes: Vec::new(),
        }
    }

    /// The offline answer: the best sentences, quoted and grouped by account.
    fn extractive(&self, question: &str, hits: &[Hit], filters: &Filters) -> Result<Answer> {
        let searcher = self.store.searcher();
        let total = searcher.num_docs().max(1) as f32;
        let mut terms: Vec<(String, f32)> = Vec::new();
        let segments = if filters.segments.is_empty() {
            segment_words(self.store, &searcher, question)
        } else {
            Vec::new()
        };
        for w in topic_words(question, &implied_words(filters, &segments)) {
            for s in stems(&w) {
                if terms.iter().any(|(t, _)| *t == s) {
                    continue;
                }
                let df = searcher
                    .doc_freq(&Term::from_field_text(self.store.fields.text, &s))
                    .unwrap_or(0) as f32;
                let idf = crate::text::idf(total, df);
                terms.push((s, idf));
            }
        }
        let candidates: Vec<Candidate<'_>> = hits
            .iter()
            .map(|h| Candidate {
                text: &h.text,
                internal: is_internal(h),
            })
            .collect();
        let mut quotes = best_sentences(&candidates, &terms, 6, 2);
        if quotes.is_empty() {
            // the passages matched on stems the sentences split apart: quote their openings
            quotes = hits
                .iter()
                .take(3)
                .enumerate()
                .filter_map(|(i, h)| {
                    crate::text::sentences(&h.text)
                        .first()
                        .map(|s| crate::llm::extractive::Quote {
                            passage: i,
                            text: s.to_string(),
                            score: 0.0,
                        })
                })
                .collect();
        }
        // group by account, in order of each group's best quote
        let mut groups: Vec<(String, Vec<&crate::llm::extractive::Quote>)> = Vec::new();
        for q in &quotes {
            let label = account_label(&hits[q.passage]);
            match groups.iter_mut().find(|(l, _)| *l == label) {
                Some((_, qs)) => qs.push(q),
                None => groups.push((label, vec![q])),
            }
        }
        let mut numbers: Vec<usize> = Vec::new(); // passage index per citation number
        let mut text = String::from(
            "Extractive answer (no language model was used): the customers' own words that best match the question.\n",
        );
        for (label, qs) in &groups {
            text.push_str(&format!("\n{label}\n"));
            for q in qs {
                let n = match numbers.iter().position(|&p| p == q.passage) {
                    Some(i) => i + 1,
                    None => {
                        numbers.push(q.passage);
                        numbers.len()
                    }
                };
                text.push_str(&format!("  \"{}\" [{n}]\n", q.text));
            }
        }
        let citations: Vec<Citation> = numbers
            .iter()
            .enumerate()
            .map(|(i, &p)| Citation::of(i + 1, &hits[p]))
            .collect();
        Ok(Answer {
            question: question.to_string(),
            text: text.trim_end().to_string(),
            passages: citations.clone(),
            citations,
            provider: ProviderKind::Extractive,
            model: None,
            usage: Usage::default(),
            cached: false,
            removed_citations: Vec::new(),
            attached_citations: Vec::new(),
            dropped_for_budget: 0,
            notes: Vec::new(),
        })
    }
}

fn account_label(h: &Hit) -> String {
    let seg = h
        .field("segment")
        .map(|s| format!(", {s}"))
        .unwrap_or_default();
    match (h.field("account_name"), h.field("account")) {
        (Some(name), Some(id)) => format!("{name} ({id}{seg})"),
        (None, Some(id)) => format!(
            "{id}{}",
            h.field("segment")
                .map(|s| format!(" ({s})"))
                .unwrap_or_default()
        ),
        _ => format!(
            "{}{}",
            h.path,
            h.field("segment")
                .map(|s| format!(" ({s})"))
                .unwrap_or_default()
        ),
    }
}
/// Who answers: insight's own extractive answerer, or a model (its client,
/// prompt and redaction). [`Asker::ask`] branches on it once.
enum Answerer {
    Extractive,
    Model(Box<ModelAnswerer>),
}

/// A model answering: the client, the `ask` prompt, and the redaction of
/// what is sent (the same placeholders throughout a conversation).
struct ModelAnswerer {
    client: Client,
    template: Template,
    redactor: Redactor,
    redaction: Redaction,
}

impl ModelAnswerer {
    async fn ask(
        &mut self,
        settings: &LlmSettings,
        question: &str,
        hits: &[Hit],
        history: &[Turn],
        stream: bool,
        sink: &mut dyn Sink,
    ) -> Result<Answer> {
        let today = time::OffsetDateTime::now_utc().date().to_string();
        let red_question = self.redactor.redact(question, &mut self.redaction);
        // the fixed part of the prompt, then as many passages as fit
        let (system, user_empty) = self.template.render(&[
            ("question", &red_question),
            ("passages", ""),
            ("today", &today),
        ]);
        // room for the answer, a safety margin and the retry's reminder
        let budget = settings
            .context_tokens
            .saturating_sub(settings.max_output_tokens + 64 + estimate_tokens(RETRY_REMINDER));
        let mut messages: Vec<Message> = Vec::new();
        let fixed = estimate_tokens(&system) + estimate_tokens(&user_empty);
        let mut history_tokens = 0;
        for turn in history.iter().rev() {
            let q = self.redactor.redact(&turn.question, &mut self.redaction);
            let a = self.redactor.redact(&turn.answer, &mut self.redaction);
            let cost = estimate_tokens(&q) + estimate_tokens(&a) + 8;
            if fixed + history_tokens + cost > budget / 3 {
                break;
            }
            history_tokens += cost;
            messages.insert(
                0,
                Message {
                    role: Role::Assistant,
                    content: a,
                },
            );
            messages.insert(
                0,
                Message {
                    role: Role::User,
                    content: q,
                },
            );
        }
        let mut used: Vec<&Hit> = Vec::new();
        let mut blocks: Vec<String> = Vec::new();
        let mut spent = fixed + history_tokens;
        for h in hits {
            let block = passage_line(
                used.len() + 1,
                h,
                is_internal(h),
                &self.redactor,
                &mut self.redaction,
            );
            let cost = estimate_tokens(&block) + 1;
            if spent + cost > budget {
                continue; // a later, shorter passage may still fit
            }
            spent += cost;
            used.push(h);
            blocks.push(block);
        }
        if used.is_empty() {
            // even one passage is too long for this context: send the best one alone
            used.push(&hits[0]);
            blocks.push(passage_line(
                1,
                &hits[0],
                is_internal(&hits[0]),
                &self.redactor,
                &mut self.redaction,
            ));
        }
        let (system, user) = self.template.render(&[
            ("question", &red_question),
            ("passages", &blocks.join("\n\n")),
            ("today", &today),
        ]);
        messages.push(Message {
            role: Role::User,
            content: user,
        });
        let mut request = ChatRequest {
            system,
            messages,
            max_tokens: settings.max_output_tokens,
            temperature: settings.temperature,
            json_schema: None,
        };
        let client = &self.client;
        let texts: Vec<&str> = used.iter().map(|h| h.text.as_str()).collect();
        let finisher = Finisher::new(&self.redaction, &texts);
        let mut cleaner = CleaningSink::new(sink, &finisher);
        let mut notes = Vec::new();
        let first = client.chat(&request, stream, &mut cleaner).await?;
        let mut usage = first.usage;
        let mut finished = cleaner.flush();
        let mut response = first;
        if finished.all_cited().is_empty() && !finished.text.trim().is_empty() {
            // unusable: retried once, insisting on citations
            cleaner.notice("the answer cited no passage; asking the model once more");
            cleaner.restart();
            if let Some(last) = request.messages.last_mut() {
                last.content.push_str("\n\n");
                last.content.push_str(RETRY_REMINDER);
            }
            response = client.chat(&request, stream, &mut cleaner).await?;
            usage += response.usage;
            finished = cleaner.flush();
            if finished.all_cited().is_empty() {
                notes.push(
                    "the model cited no passage; check the passages below yourself".to_string(),
                );
            }
        }
        if !finished.removed.is_empty() {
            notes.push(format!(
                "removed {} citation(s) to passages that were not sent: {}",
                finished.removed.len(),
                finished.removed.join(" ")
            ));
        }
        if !finished.attached.is_empty() {
            notes.push(format!(
                "insight attached {} citation(s) to sentences the model left uncited, by matching their words to the passages",
                finished.attached.len()
            ));
        }
        let cited = finished.all_cited();
        let passages: Vec<Citation> = used
            .iter()
            .enumerate()
            .map(|(i, h)| Citation::of(i + 1, h))
            .collect();
        let citations = passages
            .iter()
            .filter(|c| cited.contains(&c.n))
            .cloned()
            .collect();
        Ok(Answer {
            question: question.to_string(),
            text: finished.text.trim().to_string(),
            citations,
            passages,
            provider: settings.provider,
            model: response.model.or_else(|| settings.model.clone()),
            usage,
            cached: response.cached,
            removed_citations: finished.removed,
            attached_citations: finished.attached.into_iter().collect(),
            dropped_for_budget: hits.len() - used.len(),
            notes,
        })
    }
}
