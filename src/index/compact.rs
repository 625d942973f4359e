//! Compact in-memory forms for the manifest, which holds one entry per
//! indexed file (a million files must fit in a few hundred MB): a sorted
//! vector in place of a B-tree for the small per-file maps (one allocation,
//! binary-search lookups, serialized as the same JSON object), and the
//! manifest's [`Interner`]: metadata key names (a corpus has a few dozen,
//! repeated on every file) and per-file key counts (most files of a corpus
//! have the same), each stored once per manifest.

use std::borrow::Borrow;
use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::{Arc, Mutex};

use rustc_hash::FxHashSet;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// A map kept as a vector sorted by key. Build it from sorted or unsorted
/// pairs with `collect()`; it is read far more than it is changed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SortedMap<K, V>(Vec<(K, V)>);

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap(Vec::new())
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    /// The value under `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.0
            .binary_search_by(|(k, _)| k.borrow().cmp(key))
            .ok()
            .map(|i| &self.0[i].1)
    }

    /// Whether `key` is present.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.get(key).is_some()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    /// Sorts by key; of equal keys the last one wins.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut v: Vec<(K, V)> = iter.into_iter().collect();
        if !v.is_sorted_by(|a, b| a.0 < b.0) {
            v.reverse();
            v.sort_by(|a, b| a.0.cmp(&b.0)); // stable: the last one first
            v.dedup_by(|dup, kept| dup.0 == kept.0);
        }
        v.shrink_to_fit();
        SortedMap(v)
    }
}

impl<'a, K: Ord, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<K: Serialize, V: Serialize> Serialize for SortedMap<K, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Deserialize<'de> for SortedMap<K, V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V2<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Visitor<'de> for V2<K, V> {
            type Value = SortedMap<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let mut v = Vec::with_capacity(a.size_hint().unwrap_or(0).min(4096));
                while let Some(entry) = a.next_entry()? {
                    v.push(entry);
                }
                Ok(v.into_iter().collect())
            }
        }
        d.deserialize_map(V2(PhantomData))
    }
}

/// A metadata key name, shared by every file that has it (see [`Interner`]).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sym(Arc<str>);

impl Sym {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Metadata key → number of documents with it, for one file; equal maps
/// share one allocation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyCounts(Arc<Counts>);

type Counts = SortedMap<Sym, u32>;

/// The key names and key counts of one manifest, each stored once: a
/// manifest of a million files holds a few dozen names and a few distinct
/// count maps. It belongs to the manifest and goes with it (nothing is
/// process-wide), and the writer's threads share it.
#[derive(Debug, Default)]
pub struct Interner {
    syms: Mutex<FxHashSet<Arc<str>>>,
    counts: Mutex<FxHashSet<Arc<Counts>>>,
}

impl Interner {
    /// The shared name `s`.
    pub fn sym(&self, s: &str) -> Sym {
        let mut set = self.syms.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(known) = set.get(s) {
            return Sym(known.clone());
        }
        let shared: Arc<str> = Arc::from(s);
        set.insert(shared.clone());
        Sym(shared)
    }

    /// The shared copy of `map`.
    pub fn counts(&self, map: Counts) -> KeyCounts {
        let mut set = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(known) = set.get(&map) {
            return KeyCounts(known.clone());
        }
        let shared = Arc::new(map);
        set.insert(shared.clone());
        KeyCounts(shared)
    }

    /// Runs `f` (a deserialization on this thread) with the names and counts
    /// it reads interned here.
    pub fn reading<T>(self: &Arc<Self>, f: impl FnOnce() -> T) -> T {
        READING.with(|r| *r.borrow_mut() = Some(self.clone()));
        let out = f();
        READING.with(|r| *r.borrow_mut() = None);
        out
    }
}

thread_local! {
    /// The interner of the manifest being read on this thread, if any.
    static READING: RefCell<Option<Arc<Interner>>> = const { RefCell::new(None) };
}

impl fmt::Debug for Sym {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl Borrow<str> for Sym {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl Serialize for Sym {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Sym {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct SymVisitor;
        impl Visitor<'_> for SymVisitor {
            type Value = Sym;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E>(self, v: &str) -> Result<Sym, E> {
                Ok(READING.with(|r| match &*r.borrow() {
                    Some(interner) => interner.sym(v),
                    None => Sym(Arc::from(v)),
                }))
            }
        }
        d.deserialize_str(SymVisitor)
    }
}

impl Deref for KeyCounts {
    type Target = SortedMap<Sym, u32>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Serialize for KeyCounts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for KeyCounts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = SortedMap::deserialize(d)?;
        Ok(READING.with(|r| match &*r.borrow() {
            Some(interner) => interner.counts(map),
            None => KeyCounts(Arc::new(map)),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_map_reads_like_a_map_and_keeps_the_json_shape() {
        let m: SortedMap<String, u64> = [("row9", 9), ("row10", 10), ("", 0), ("row9", 99)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        assert_eq!(m.len(), 3);
        assert_eq!(m.get("row9"), Some(&99));
        assert_eq!(m.get(""), Some(&0));
        assert!(!m.contains_key("row1"));
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"":0,"row10":10,"row9":99}"#);
        let back: SortedMap<String, u64> = serde_json::from_str(r#"{"b":2,"a":1}"#).unwrap();
        assert_eq!(
            back.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
    }

    #[test]
    fn names_and_counts_are_shared_within_a_manifest() {
        let interner = Arc::new(Interner::default());
        let a = interner.sym("segment");
        let b: Sym = interner.reading(|| serde_json::from_str(r#""segment""#).unwrap());
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
        let m: SortedMap<Sym, u32> = [(interner.sym("kind"), 1)].into_iter().collect();
        assert_eq!(m.get("kind"), Some(&1));
        let x: KeyCounts =
            interner.reading(|| serde_json::from_str(r#"{"kind":1,"segment":1}"#).unwrap());
        let y = interner.counts(
            [(interner.sym("segment"), 1), (interner.sym("kind"), 1)]
                .into_iter()
                .collect(),
        );
        assert!(Arc::ptr_eq(&x.0, &y.0), "equal counts share one copy");
        assert_eq!(
            serde_json::to_string(&x).unwrap(),
            r#"{"kind":1,"segment":1}"#
        );
        // another manifest's interner shares nothing with this one
        let other = Arc::new(Interner::default());
        assert!(!std::ptr::eq(other.sym("segment").as_str(), a.as_str()));
        // outside a read nothing is interned, and nothing is kept
        let free: Sym = serde_json::from_str(r#""segment""#).unwrap();
        assert!(!std::ptr::eq(free.as_str(), a.as_str()));
    }
}
