//! The built-in static embedding model: a table of one vector per WordPiece
//! token, distilled from all-MiniLM-L6-v2 by the Model2Vec method
//! (`bench/distill_static.py`), compiled into the binary with
//! `include_bytes!` from `src/embed/builtin/`. A text's vector is the mean
//! of its tokens' rows, L2-normalised: no transformer runs, so it embeds tens
//! of thousands of sentences a second and needs no download.
//!
//! This module owns the table format (documented in `distill_static.py`
//! and checked here), its lazy parsing (once per process, on first use, so
//! `insight --version` never pays for it), tokenisation (the model's own
//! tokenizer, without `[CLS]`/`[SEP]`, `[UNK]` dropped, at most
//! [`MAX_TOKENS`] kept — as model2vec) and pooling. Text with no known
//! token (empty, only unknown characters) gets the zero vector, which is
//! similar to nothing (cosine 0).
//!
//! A folder holding a table in the same format (`static.i8` and
//! `tokenizer.json`) loads the same way ([`StaticModel::from_dir`]); the
//! distillation script writes one, which is how tables of other sizes are
//! compared without rebuilding insight.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use tokenizers::Tokenizer;

use crate::error::{Error, Result};

/// The built-in table (see `bench/distill_static.py` for the format).
static BUILTIN_TABLE: &[u8] = include_bytes!("builtin/static.i8");
/// The tokenizer the table's rows are indexed by.
static BUILTIN_TOKENIZER: &[u8] = include_bytes!("builtin/tokenizer.json");

/// File names of a static model folder.
pub const TABLE_FILE: &str = "static.i8";
pub const TOKENIZER_FILE: &str = "tokenizer.json";

/// What the index records for vectors of the built-in model starts so.
pub const BUILTIN_PREFIX: &str = "builtin:";

/// Tokens of a text that count (model2vec's default `max_length`).
pub const MAX_TOKENS: usize = 512;

const MAGIC: &[u8; 8] = b"INSTATIC";
const VERSION: u32 = 1;
const HEADER: usize = 64;
/// Texts per parallel task when embedding many.
const PAR_CHUNK: usize = 64;

/// A parsed table with its tokenizer.
pub struct StaticModel {
    tokenizer: Tokenizer,
    /// Per-row scales, then the int8 rows (`rows × dims`), after the header.
    bytes: Cow<'static, [u8]>,
    rows: usize,
    dims: usize,
    unk: Option<u32>,
    name: String,
    crc: u32,
    /// The folder it was read from; `None` for the built-in one.
    dir: Option<PathBuf>,
    identity: String,
}

impl std::fmt::Debug for StaticModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaticModel")
            .field("identity", &self.identity)
            .field("rows", &self.rows)
            .field("dims", &self.dims)
            .finish()
    }
}

/// The header fields of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub rows: usize,
    pub dims: usize,
    pub name: String,
    /// CRC-32 (zlib) of everything after the header, as the script wrote it.
    pub crc: u32,
}

/// Reads and checks the header of `bytes` (a table file).
pub fn parse_header(bytes: &[u8]) -> std::result::Result<Header, String> {
    let head = bytes
        .get(..HEADER)
        .ok_or_else(|| format!("{} bytes, shorter than the header", bytes.len()))?;
    if &head[..8] != MAGIC {
        return Err("not a static embedding table (bad magic)".into());
    }
    let u32_at = |at: usize| {
        let mut b = [0u8; 4];
        b.copy_from_slice(&head[at..at + 4]);
        u32::from_le_bytes(b)
    };
    let version = u32_at(8);
    if version != VERSION {
        return Err(format!(
            "table format version {version}, this insight reads {VERSION}"
        ));
    }
    let (rows, dims) = (u32_at(12) as usize, u32_at(16) as usize);
    let name_bytes = &head[24..56];
    let end = name_bytes.iter().position(|&b| b == 0).unwrap_or(32);
    let name = std::str::from_utf8(&name_bytes[..end])
        .map_err(|_| "the table's name is not UTF-8".to_string())?
        .to_string();
    let want = rows
        .checked_mul(dims + 4)
        .and_then(|n| n.checked_add(HEADER))
        .ok_or_else(|| "impossible table size".to_string())?;
    if rows == 0 || dims == 0 || bytes.len() != want {
        return Err(format!(
            "{} bytes where {rows} rows of {dims} dimensions take {want}",
            bytes.len()
        ));
    }
    Ok(Header {
        rows,
        dims,
        name,
        crc: u32_at(56),
    })
}

impl StaticModel {
    /// The built-in model, parsed on first use and shared afterwards.
    pub fn builtin() -> Result<Arc<StaticModel>> {
        static BUILTIN: OnceLock<std::result::Result<Arc<StaticModel>, String>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                StaticModel::from_parts(Cow::Borrowed(BUILTIN_TABLE), BUILTIN_TOKENIZER, None)
                    .map(Arc::new)
            })
            .clone()
            .map_err(|message| Error::Embed {
                path: PathBuf::from("builtin"),
                message,
            })
    }

    /// A table in `dir` (`static.i8`, `tokenizer.json`), as the distillation
    /// script writes it.
    pub fn from_dir(dir: &Path) -> Result<StaticModel> {
        let table_path = dir.join(TABLE_FILE);
        let tok_path = dir.join(TOKENIZER_FILE);
        let table = std::fs::read(&table_path).map_err(|e| Error::io(&table_path, e))?;
        let tok = std::fs::read(&tok_path).map_err(|e| Error::io(&tok_path, e))?;
        StaticModel::from_parts(Cow::Owned(table), &tok, Some(crate::files::absolute(dir))).map_err(
            |message| Error::Embed {
                path: dir.to_path_buf(),
                message,
            },
        )
    }

    fn from_parts(
        bytes: Cow<'static, [u8]>,
        tokenizer: &[u8],
        dir: Option<PathBuf>,
    ) -> std::result::Result<StaticModel, String> {
        let header = parse_header(&bytes)?;
        let tokenizer = Tokenizer::from_bytes(tokenizer)
            .map_err(|e| format!("tokenizer.json cannot be read ({e})"))?;
        let vocab = tokenizer.get_vocab_size(true);
        if vocab > header.rows {
            return Err(format!(
                "the tokenizer has {vocab} tokens, the table {} rows",
                header.rows
            ));
        }
        let unk = tokenizer.token_to_id("[UNK]");
        let identity = match &dir {
            None => format!("{BUILTIN_PREFIX}{}@{:08x}", header.name, header.crc),
            Some(d) => d.to_string_lossy().into_owned(),
        };
        Ok(StaticModel {
            tokenizer,
            bytes,
            rows: header.rows,
            dims: header.dims,
            unk,
            name: header.name,
            crc: header.crc,
            dir,
            identity,
        })
    }

    /// Length of a vector.
    pub fn dim(&self) -> usize {
        self.dims
    }

    /// The table's name (from its header).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the index records for this model's vectors: `builtin:NAME@CRC`
    /// for the built-in table (so that another table is another model), the
    /// folder for one read from disk.
    pub fn identity(&self) -> &str {
        &self.identity
    }

    /// The folder it was read from; `None` for the built-in one.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The CRC-32 its header records for the rows.
    pub fn crc(&self) -> u32 {
        self.crc
    }

    /// Token ids of `text` that have a row: no special tokens added,
    /// `[UNK]` dropped, at most [`MAX_TOKENS`].
    pub fn token_ids(&self, text: &str) -> Result<Vec<u32>> {
        let enc = self
            .tokenizer
            .encode_fast(text, false)
            .map_err(|e| Error::Embed {
                path: self.dir.clone().unwrap_or_else(|| PathBuf::from("builtin")),
                message: format!("tokenizing failed ({e})"),
            })?;
        let mut ids: Vec<u32> = enc
            .get_ids()
            .iter()
            .copied()
            .filter(|&id| Some(id) != self.unk && (id as usize) < self.rows)
            .collect();
        ids.truncate(MAX_TOKENS);
        Ok(ids)
    }

    /// The unit vector of `text`; zeros when it has no known token.
    pub fn embed_one(&self, text: &str) -> Result<Vec<f32>> {
        let ids = self.token_ids(text)?;
        Ok(self.pool(&ids))
    }

    /// Unit vectors for `texts`, in order (spread over the cores).
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        if texts.len() <= PAR_CHUNK {
            return texts.iter().map(|t| self.embed_one(t)).collect();
        }
        let chunks: Vec<Result<Vec<Vec<f32>>>> = texts
            .par_chunks(PAR_CHUNK)
            .map(|chunk| chunk.iter().map(|t| self.embed_one(t)).collect())
            .collect();
        let mut out = Vec::with_capacity(texts.len());
        for c in chunks {
            out.extend(c?);
        }
        Ok(out)
    }

    /// Mean of the rows of `ids`, L2-normalised (the mean's scale does not
    /// survive normalisation, so the sum is normalised directly).
    fn pool(&self, ids: &[u32]) -> Vec<f32> {
        let mut sum = vec![0f32; self.dims];
        let body = &self.bytes[HEADER..];
        let (scales, rows) = body.split_at(self.rows * 4);
        for &id in ids {
            let i = id as usize;
            let s = f32::from_le_bytes([
                scales[i * 4],
                scales[i * 4 + 1],
                scales[i * 4 + 2],
                scales[i * 4 + 3],
            ]);
            let row = &rows[i * self.dims..(i + 1) * self.dims];
            for (acc, &b) in sum.iter_mut().zip(row) {
                *acc += s * f32::from(b as i8);
            }
        }
        let norm = sum.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm > 1e-12 {
            sum.iter_mut().for_each(|x| *x /= norm);
        } else {
            sum.iter_mut().for_each(|x| *x = 0.0);
        }
        sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embed::vector::cosine;

    fn model() -> Arc<StaticModel> {
        StaticModel::builtin().expect("the built-in table parses")
    }

    /// zlib's CRC-32, bit by bit (only the test needs it).
    fn crc32(bytes: &[u8]) -> u32 {
        let mut table = [0u32; 256];
        for (n, slot) in table.iter_mut().enumerate() {
            let mut c = n as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            *slot = c;
        }
        !bytes.iter().fold(!0u32, |c, &b| {
            table[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8)
        })
    }

    #[test]
    fn the_builtin_table_parses_and_its_header_is_true() {
        let h = parse_header(BUILTIN_TABLE).unwrap();
        assert_eq!(h.rows, 30522);
        assert!(h.dims == 256 || h.dims == 128, "{}", h.dims);
        assert_eq!(
            crc32(&BUILTIN_TABLE[HEADER..]),
            h.crc,
            "the CRC names the rows"
        );
        let m = model();
        assert_eq!(m.dim(), h.dims);
        assert_eq!(
            m.identity(),
            format!("builtin:minilm-l6-static-v1@{:08x}", h.crc)
        );
        assert!(m.dir().is_none());
    }

    #[test]
    fn bad_tables_are_refused() {
        assert!(parse_header(b"short").is_err());
        let mut bad = BUILTIN_TABLE[..HEADER].to_vec();
        assert!(parse_header(&bad).unwrap_err().contains("bytes where"));
        bad[0] = b'X';
        assert!(parse_header(&bad).unwrap_err().contains("magic"));
        let mut v2 = BUILTIN_TABLE[..HEADER].to_vec();
        v2[8] = 2;
        assert!(parse_header(&v2).unwrap_err().contains("version"));
    }

    #[test]
    fn tokens_are_wordpieces_without_special_or_unknown_ones() {
        let m = model();
        let ids = m.token_ids("The sync stopped").unwrap();
        assert_eq!(ids.len(), 3, "{ids:?}");
        assert!(!ids.contains(&101) && !ids.contains(&102));
        // a character the vocabulary lacks is [UNK], dropped
        assert!(m.token_ids("\u{1F9FF}").unwrap().is_empty());
        let long = "word ".repeat(2000);
        assert_eq!(m.token_ids(&long).unwrap().len(), MAX_TOKENS);
    }

    #[test]
    fn vectors_are_unit_or_zero() {
        let m = model();
        let v = m
            .embed_one("Invoices are duplicated after every sync")
            .unwrap();
        let n: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((n - 1.0).abs() < 1e-4, "{n}");
        for empty in ["", "   ", "\u{1F9FF}\u{1F9FF}"] {
            let z = m.embed_one(empty).unwrap();
            assert_eq!(z.len(), m.dim());
            assert!(z.iter().all(|&x| x == 0.0), "{empty:?}");
        }
    }

    #[test]
    fn similar_complaints_are_closer_than_different_ones() {
        let m = model();
        let v = m
            .embed(&[
                "the sync stopped working",
                "syncing fails every day",
                "the price is too high",
            ])
            .unwrap();
        assert!(
            cosine(&v[0], &v[1]) > cosine(&v[0], &v[2]) + 0.05,
            "{} vs {}",
            cosine(&v[0], &v[1]),
            cosine(&v[0], &v[2])
        );
        let v = m
            .embed(&[
                "we have to create every new user by hand",
                "provisioning accounts manually takes hours",
                "the mobile app crashes when I log my hours",
            ])
            .unwrap();
        assert!(cosine(&v[0], &v[1]) > cosine(&v[0], &v[2]));
    }

    #[test]
    fn embedding_is_deterministic_and_batch_independent() {
        let m = model();
        let texts: Vec<String> = (0..300)
            .map(|i| format!("customer {i} says the export to csv is broken"))
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let batched = m.embed(&refs).unwrap();
        assert_eq!(batched.len(), 300);
        for (i, t) in refs.iter().enumerate().step_by(37) {
            assert_eq!(batched[i], m.embed_one(t).unwrap());
        }
        assert_eq!(m.embed(&refs).unwrap(), batched);
    }

    #[test]
    fn a_table_folder_loads_like_the_builtin_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(TABLE_FILE), BUILTIN_TABLE).unwrap();
        std::fs::write(dir.path().join(TOKENIZER_FILE), BUILTIN_TOKENIZER).unwrap();
        let m = StaticModel::from_dir(dir.path()).unwrap();
        let t = "payments do not match their invoices";
        assert_eq!(m.embed_one(t).unwrap(), model().embed_one(t).unwrap());
        assert!(!m.identity().starts_with(BUILTIN_PREFIX));
        assert!(m.dir().is_some());
    }
}
