//! The tantivy schema: one tantivy document per passage, carrying its
//! document's metadata so every filter is a term lookup. Field handles live
//! in [`Fields`]; the text analyser is registered by [`register_tokenizers`].

use tantivy::Index;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, JsonObjectOptions, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use crate::text::text_analyzer;

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
