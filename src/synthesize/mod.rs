//! Synthesis on top of retrieval: cited answers (`ask`) and the citation and
//! placeholder hygiene they need (`cite`).

pub mod ask;
pub mod cite;
