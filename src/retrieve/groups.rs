//! Documents, distinct accounts and passages per value of a metadata field
//! (`insight segments --by FIELD`), computed from fast fields under the
//! filters. Distinct documents and accounts are counted by id, across
//! segments of the index.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::query::{AllQuery, Query};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::filters::Filters;
use super::search::Loader;
use crate::error::{Error, Result};
use crate::index::Store;
use crate::text::normalize_key;

/// One value of the grouping field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    /// The value as written in the data (`null`: documents without the field).
    pub value: Option<String>,
    pub documents: usize,
    pub accounts: usize,
    pub passages: usize,
}

/// Groups the passages matching `filters` by the metadata field `by`.
/// Ordered by documents, then value.
pub fn groups(store: &Store, by: &str, filters: &Filters) -> Result<Vec<Group>> {
    let key = normalize_key(by);
    let query: Box<dyn Query> = filters
        .to_query(&store.fields)
        .unwrap_or_else(|| Box::new(AllQuery));
    let searcher = store.searcher();
    let collector = GroupCollector {
        path: format!("meta.{key}"),
    };
    let fruit = searcher
        .search(&query, &collector)
        .map_err(|e| Error::tantivy(&store.dir, e))?;
    let mut loader = Loader::with_searcher(store, searcher.clone());
    let mut out: Vec<Group> = fruit
        .into_iter()
        .map(|(value, acc)| {
            let shown = value.as_ref().map(|v| {
                original_casing(&mut loader, acc.first, &key, v).unwrap_or_else(|| v.clone())
            });
            Group {
                value: shown,
                documents: acc.docs.len(),
                accounts: acc.accounts.len(),
                passages: acc.passages,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.documents
            .cmp(&a.documents)
            .then_with(|| a.value.is_none().cmp(&b.value.is_none()))
            .then_with(|| a.value.cmp(&b.value))
    });
    Ok(out)
}

/// The value as the data wrote it, read from one of the group's passages.
fn original_casing(
    loader: &mut Loader<'_>,
    addr: DocAddress,
    key: &str,
    lower: &str,
) -> Option<String> {
    let hit = loader.hit(addr, 0.0, None).ok()?;
    hit.meta
        .get(key)
        .iter()
        .find(|v| v.to_lowercase() == lower)
        .cloned()
}

#[derive(Debug)]
struct Acc {
    docs: HashSet<String>,
    accounts: HashSet<String>,
    passages: usize,
    first: DocAddress,
}

type Fruit = HashMap<Option<String>, Acc>;

struct GroupCollector {
    path: String,
}

struct GroupSegment {
    segment: SegmentOrdinal,
    group: Option<StrColumn>,
    doc_id: Option<StrColumn>,
    account: Option<StrColumn>,
    acc: HashMap<Option<u64>, OrdAcc>,
}

/// Per group ordinal within a segment: document and account ordinals,
/// passages, and the first passage seen.
struct OrdAcc {
    docs: HashSet<u64>,
    accounts: HashSet<u64>,
    passages: usize,
    first: DocId,
}

impl Collector for GroupCollector {
    type Fruit = Fruit;
    type Child = GroupSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<GroupSegment> {
        let ff = reader.fast_fields();
        Ok(GroupSegment {
            segment,
            group: ff.str(&self.path)?,
            doc_id: ff.str("doc_id")?,
            account: ff.str("meta.account")?,
            acc: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Fruit>) -> tantivy::Result<Fruit> {
        let mut out: Fruit = HashMap::new();
        for fruit in fruits {
            for (k, v) in fruit {
                match out.get_mut(&k) {
                    Some(a) => {
                        a.docs.extend(v.docs);
                        a.accounts.extend(v.accounts);
                        a.passages += v.passages;
                    }
                    None => {
                        out.insert(k, v);
                    }
                }
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for GroupSegment {
    type Fruit = Fruit;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let first_ord = |c: &Option<StrColumn>| c.as_ref().and_then(|c| c.term_ords(doc).next());
        let doc_ord = first_ord(&self.doc_id);
        let acc_ord = first_ord(&self.account);
        let mut bump = |g: Option<u64>| {
            let e = self.acc.entry(g).or_insert_with(|| OrdAcc {
                docs: HashSet::new(),
                accounts: HashSet::new(),
                passages: 0,
                first: doc,
            });
            e.docs.extend(doc_ord);
            e.accounts.extend(acc_ord);
            e.passages += 1;
        };
        let mut any = false;
        if let Some(col) = &self.group {
            for g in col.term_ords(doc) {
                any = true;
                bump(Some(g));
            }
        }
        if !any {
            bump(None);
        }
    }

    fn harvest(self) -> Fruit {
        let (group, doc_id, account) = (&self.group, &self.doc_id, &self.account);
        self.acc
            .into_iter()
            .map(|(g, a)| {
                let key = g.and_then(|o| ords_to_strings(group, vec![o]).pop());
                let acc = Acc {
                    docs: ords_to_strings(doc_id, a.docs.into_iter().collect())
                        .into_iter()
                        .collect(),
                    accounts: ords_to_strings(account, a.accounts.into_iter().collect())
                        .into_iter()
                        .collect(),
                    passages: a.passages,
                    first: DocAddress::new(self.segment, a.first),
                };
                (key, acc)
            })
            .collect()
    }
}

/// The strings of term ordinals of a column, read in order, one dictionary
/// block at a time (reading them one by one would open and decompress a
/// block for each).
fn ords_to_strings(col: &Option<StrColumn>, mut ords: Vec<u64>) -> Vec<String> {
    let Some(col) = col else {
        return Vec::new();
    };
    ords.sort_unstable();
    let mut out = Vec::with_capacity(ords.len());
    let read = col.dictionary().sorted_ords_to_term_cb(&ords, |b| {
        out.push(String::from_utf8_lossy(b).into_owned());
    });
    if read.is_err() {
        out.clear(); // unreadable column: counted as absent
    }
    out
}

/// Labels that are not people's names.
const NOT_NAMES: &[&str] = &[
    "speaker",
    "interviewer",
    "customer",
    "host",
    "guest",
    "participant",
    "moderator",
    "unknown",
    "agent",
    "user",
];

/// People named in the index: speakers, our own side, and contact-like columns.
pub fn person_names(store: &Store) -> Result<Vec<String>> {
    let manifest = store.manifest()?;
    let mut keys: Vec<String> = vec!["speaker".into(), "internal".into()];
    for k in manifest.fields().keys() {
        let person_like = [
            "contact",
            "owner",
            "champion",
            "csm",
            "rep",
            "interviewer",
            "author",
        ]
        .iter()
        .any(|w| k == w || k.starts_with(&format!("{w}_")) || k.ends_with(&format!("_{w}")));
        if person_like && !keys.contains(k) {
            keys.push(k.clone());
        }
    }
    let mut names = BTreeSet::new();
    for key in keys {
        for g in groups(store, &key, &Filters::default())? {
            if let Some(v) = g.value {
                let first = v.split_whitespace().next().unwrap_or("").to_lowercase();
                if !NOT_NAMES.contains(&first.as_str()) {
                    names.insert(v);
                }
            }
        }
    }
    Ok(names.into_iter().collect())
}
