//! Synthesis on top of retrieval: cited answers (`ask`) and the citation and
//! placeholder hygiene they need (`cite`).

pub mod ask;
pub mod cite;
pub mod context;
pub mod evidence;
pub mod lens;
pub mod mapreduce;
pub mod summarize;
pub mod themes;
pub mod verify;
