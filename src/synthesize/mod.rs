//! Synthesis on top of retrieval. Cited answers (`ask`, with its extractive
//! or model `Answerer`) and the citation and placeholder hygiene they need
//! (`cite`, `verify`, `context`). Themes: what a sentence says (`detect`,
//! `lexicon`, `lens`, `words`), the evidence a summary reads (`evidence`),
//! clustering without a model (`offline`, `cluster`), theme titles and
//! descriptions (`naming`, `describe`, `themes`), a model naming and checking
//! them (`refine`), and the summary that ties them together (`summarize`).

pub mod ask;
pub mod cite;
pub mod cluster;
pub mod context;
pub mod describe;
pub mod detect;
pub mod evidence;
pub mod lens;
pub mod lexicon;
pub mod naming;
pub mod offline;
pub mod refine;
pub mod summarize;
pub mod themes;
pub mod verify;
pub mod words;
