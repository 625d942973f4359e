//! The tantivy schema: one tantivy document per passage, carrying its
//! document's metadata so every filter is a term lookup. Field handles live
//! in [`Fields`]; the text analyser is registered by [`register_tokenizers`].

use rustc_hash::FxHashMap as HashMap;
use tantivy::Index;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, JsonObjectOptions, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// Name of the analyser for passage text: words, lower-cased, accents
/// folded, English stemming.
pub const TEXT_ANALYZER: &str = "insight_en";

/// Handles to every field of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Passage text: BM25 with positions (phrases), stored for snippets.
    pub text: Field,
    /// Document id (`path` or `path#row57`): filter, group, delete.
    pub doc_id: Field,
    /// Stored path of the source file: delete a whole file at once.
    pub file: Field,
    /// Stored path, as written to output.
    pub path: Field,
    /// Human location (`L12-L18`, `00:03:12.500`, `row 57`, `line 57`).
    pub location: Field,
    /// Passage number within its document (0 marks the document's first).
    pub ordinal: Field,
    /// Whether the passage's speaker is on our side (interviewer, rep).
    pub internal: Field,
    /// Document date, for `--since` / `--until`.
    pub date: Field,
    /// Metadata, lower-cased, one JSON path per key: filters and groups.
    pub meta: Field,
    /// The document's metadata as written (JSON), stored on its first
    /// passage only.
    pub meta_raw: Field,
    /// Who said the passage, as written (transcripts).
    pub speaker: Field,
    /// The passage's sentence embedding, int8-quantised (`index --embed`).
    pub vector: Field,
}

impl Fields {
    /// Builds the schema and its field handles.
    pub fn build() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let text_indexing = TextFieldIndexing::default()
            .set_tokenizer(TEXT_ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let text = b.add_text_field(
            "text",
            TextOptions::default()
                .set_indexing_options(text_indexing)
                .set_stored(),
        );
        let doc_id = b.add_text_field("doc_id", STRING | STORED | FAST);
        let file = b.add_text_field("file", STRING);
        let path = b.add_text_field("path", STORED);
        let location = b.add_text_field("location", STORED);
        let ordinal = b.add_u64_field("ordinal", INDEXED | STORED | FAST);
        let internal = b.add_bool_field("internal", INDEXED | FAST);
        let date = b.add_date_field("date", INDEXED | FAST);
        let meta_indexing = TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false);
        let meta = b.add_json_field(
            "meta",
            JsonObjectOptions::default()
                .set_indexing_options(meta_indexing)
                .set_fast("raw"),
        );
        let meta_raw = b.add_text_field("meta_raw", STORED);
        let speaker = b.add_text_field("speaker", STORED);
        let vector = b.add_bytes_field("vector", STORED);
        let fields = Fields {
            text,
            doc_id,
            file,
            path,
            location,
            ordinal,
            internal,
            date,
            meta,
            meta_raw,
            speaker,
            vector,
        };
        (b.build(), fields)
    }

    /// Field handles of an opened index; `None` when its schema is not ours.
    pub fn of(schema: &Schema) -> Option<Fields> {
        let (expected, fields) = Fields::build();
        (schema == &expected).then_some(fields)
    }
}

/// Registers insight's analysers on an index (needed for writing and for
/// query parsing).
pub fn register_tokenizers(index: &Index) {
    index.tokenizers().register(TEXT_ANALYZER, text_analyzer());
}

/// The analyser used for passage text and for query terms: words, then
/// lower case, accents folded and English stems — remembered per word, since
/// a corpus repeats the same words millions of times.
pub fn text_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(CachedNormalizer)
        .build()
}

/// The per-word normalisation, uncached: lower case, accent folding, stem.
fn normalize_word() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Most distinct words remembered by one analyser before it starts afresh.
const CACHE_LIMIT: usize = 200_000;

/// A token filter that normalises each word once and remembers the result.
#[derive(Clone, Copy, Debug)]
pub struct CachedNormalizer;

impl TokenFilter for CachedNormalizer {
    type Tokenizer<T: Tokenizer> = CachedNormalizerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedNormalizerFilter<T> {
        CachedNormalizerFilter {
            inner: tokenizer,
            cache: HashMap::default(),
            slow: normalize_word(),
        }
    }
}

/// The tokenizer [`CachedNormalizer`] builds.
#[derive(Clone)]
pub struct CachedNormalizerFilter<T> {
    inner: T,
    cache: HashMap<String, String>,
    slow: TextAnalyzer,
}

impl<T: Tokenizer> Tokenizer for CachedNormalizerFilter<T> {
    type TokenStream<'a> = CachedNormalizerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedNormalizerStream {
            tail: self.inner.token_stream(text),
            cache: &mut self.cache,
            slow: &mut self.slow,
        }
    }
}

/// The token stream of [`CachedNormalizerFilter`].
pub struct CachedNormalizerStream<'a, T> {
    tail: T,
    cache: &'a mut HashMap<String, String>,
    slow: &'a mut TextAnalyzer,
}

impl<T: TokenStream> TokenStream for CachedNormalizerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(done) = self.cache.get(&token.text) {
            token.text.clear();
            token.text.push_str(done);
            return true;
        }
        let mut normalized = String::new();
        {
            let mut stream = self.slow.token_stream(&token.text);
            if stream.advance() {
                normalized.push_str(&stream.token().text);
            }
        }
        if self.cache.len() >= CACHE_LIMIT {
            self.cache.clear();
        }
        self.cache
            .insert(std::mem::take(&mut token.text), normalized.clone());
        token.text = normalized;
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        crate::retrieve::query::stems(text)
    }

    #[test]
    fn cached_normalisation_matches_the_plain_chain() {
        let text = "Workflows workflows WORKFLOWS approvals Café Søren running runs";
        let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build();
        let mut s = plain.token_stream(text);
        let mut want = Vec::new();
        while s.advance() {
            want.push(s.token().text.clone());
        }
        assert_eq!(tokens(text), want);
        assert_eq!(tokens("Café SØREN"), ["cafe", "soren"]);
    }
}
