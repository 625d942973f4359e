//! A sentence-transformers BERT model (all-MiniLM-L6-v2, bge-small-en-v1.5,
//! …) run on the CPU with candle: WordPiece tokens, the encoder, mean pooling
//! over the attention mask, L2 normalisation — the same vectors the Python
//! library gives.

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

use crate::error::{Error, Result};

/// Most texts per forward pass.
const BATCH: usize = 32;
/// Padded tokens per forward pass, roughly (estimated from lengths): short
/// sentences go 32 at a time, passages a handful, so that little time goes
/// into padding. (Larger batches measured slower: 69 against 87 sentences/s.)
const BATCH_TOKENS: usize = 1024;
/// Longest input in tokens (what all-MiniLM-L6-v2 was trained with).
const MAX_TOKENS: usize = 256;

/// A loaded transformer.
pub struct Transformer {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
    dim: usize,
    dir: PathBuf,
}

impl std::fmt::Debug for Transformer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transformer")
            .field("dir", &self.dir)
            .field("dim", &self.dim)
            .finish()
    }
}

impl Transformer {
    /// Loads the model in `dir` (`config.json`, `tokenizer.json`,
    /// `model.safetensors`).
    pub fn load(dir: &Path) -> Result<Transformer> {
        let fail = |message: String| Error::Embed {
            path: dir.to_path_buf(),
            message,
        };
        if !dir.is_dir() {
            return Err(fail("not a folder".into()));
        }
        let file = |name: &str| {
            let p = dir.join(name);
            if p.is_file() {
                Ok(p)
            } else {
                Err(fail(format!("{name} is missing")))
            }
        };
        let (config_path, tokenizer_path, weights) = (
            file("config.json")?,
            file("tokenizer.json")?,
            file("model.safetensors")?,
        );
        let text = std::fs::read_to_string(&config_path).map_err(|e| Error::io(&config_path, e))?;
        let config: Config = serde_json::from_str(&text)
            .map_err(|e| fail(format!("config.json is not a BERT configuration ({e})")))?;
        let mut tokenizer = Tokenizer::from_file(&tokenizer_path)
            .map_err(|e| fail(format!("tokenizer.json cannot be read ({e})")))?;
        tokenizer.with_padding(Some(PaddingParams {
            strategy: PaddingStrategy::BatchLongest,
            ..Default::default()
        }));
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS,
                ..Default::default()
            }))
            .map_err(|e| fail(format!("tokenizer.json: {e}")))?;
        let device = Device::Cpu;
        // read, not memory-mapped: the crate forbids `unsafe`, and 90 MB read
        // in one go costs a few tens of milliseconds
        let bytes = std::fs::read(&weights).map_err(|e| Error::io(&weights, e))?;
        let vb = VarBuilder::from_buffered_safetensors(bytes, DType::F32, &device)
            .map_err(|e| fail(format!("model.safetensors cannot be read ({e})")))?;
        let model = BertModel::load(vb, &config).map_err(|e| {
            fail(format!(
                "model.safetensors does not match config.json ({e})"
            ))
        })?;
        Ok(Transformer {
            model,
            tokenizer,
            device,
            dim: config.hidden_size,
            dir: crate::files::absolute(dir),
        })
    }

    /// Length of a vector.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The model folder, absolute and normalised (how the index records it).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Unit vectors for `texts`, in order. Texts are batched by length so
    /// that little time goes into padding.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        // shortest first, so a batch's last text is its longest
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| texts[i].len());
        let tokens = |i: usize| texts[i].len() / 4 + 2;
        let mut chunks: Vec<&[usize]> = Vec::new();
        let mut start = 0;
        for end in 1..=order.len() {
            let full = end == order.len()
                || end - start == BATCH
                || (end - start + 1) * tokens(order[end]) > BATCH_TOKENS;
            if full {
                chunks.push(&order[start..end]);
                start = end;
            }
        }
        // one batch at a time: candle spreads each operation over the cores
        // itself, and batches side by side only made its threads wait on
        // each other (73 against 87 sentences/s on 2 cores)
        let mut out: Vec<Vec<f32>> = vec![Vec::new(); texts.len()];
        for chunk in chunks {
            let batch: Vec<&str> = chunk.iter().map(|&i| texts[i]).collect();
            for (&i, v) in chunk.iter().zip(self.embed_batch(&batch)?) {
                out[i] = v;
            }
        }
        Ok(out)
    }

    /// One unit vector.
    pub fn embed_one(&self, text: &str) -> Result<Vec<f32>> {
        Ok(self.embed_batch(&[text])?.pop().unwrap_or_default())
    }

    fn embed_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let fail = |message: String| Error::Embed {
            path: self.dir.clone(),
            message,
        };
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| fail(format!("tokenizing failed ({e})")))?;
        let rows = encodings.len();
        let len = encodings.first().map_or(0, |e| e.get_ids().len());
        if rows == 0 || len == 0 {
            return Ok(vec![vec![0.0; self.dim]; rows]);
        }
        let mut ids = Vec::with_capacity(rows * len);
        let mut mask = Vec::with_capacity(rows * len);
        for e in &encodings {
            ids.extend_from_slice(e.get_ids());
            mask.extend_from_slice(e.get_attention_mask());
        }
        let run = || -> candle_core::Result<Vec<Vec<f32>>> {
            let ids = Tensor::from_vec(ids, (rows, len), &self.device)?;
            let mask = Tensor::from_vec(mask, (rows, len), &self.device)?;
            let types = ids.zeros_like()?;
            let hidden = self.model.forward(&ids, &types, Some(&mask))?;
            // mean over the real tokens, then unit length
            let m = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
            let summed = hidden.broadcast_mul(&m)?.sum(1)?;
            let mean = summed.broadcast_div(&m.sum(1)?.clamp(1e-9, f64::MAX)?)?;
            let norm = mean.sqr()?.sum_keepdim(1)?.sqrt()?.clamp(1e-12, f64::MAX)?;
            mean.broadcast_div(&norm)?.to_vec2::<f32>()
        };
        run().map_err(|e| fail(format!("the model failed ({e})")))
    }
}
