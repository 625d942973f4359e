//! Synthesis on top of retrieval: cited answers (`ask`) and the citation and
//! placeholder hygiene they need (`cite`).

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
