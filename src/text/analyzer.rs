//! The one text analyser: words, lower case, accents folded, English stems,
//! as the index stores them and as queries, themes and citations compare them.
//! [`stems`] keeps one analyser per thread instead of building one per call.

use std::cell::RefCell;

use rustc_hash::FxHashMap as HashMap;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

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

thread_local! {
    static ANALYZER: RefCell<TextAnalyzer> = RefCell::new(text_analyzer());
}

/// The stemmed, accent-folded forms of `text`'s words, as the index stores them.
pub fn stems(text: &str) -> Vec<String> {
    ANALYZER.with(|a| {
        let mut analyzer = a.borrow_mut();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        super::stems(text)
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
