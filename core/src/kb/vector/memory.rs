//! An in-memory [`VectorIndex`] with Vectorize's semantics (upsert replaces by id, filters are
//! exact matches on metadata, matches best first by cosine similarity), for host tests.

use super::hash::cosine;
use super::{Filter, Match, Vector, VectorError, VectorIndex};
use std::cell::{Cell, RefCell};

#[derive(Debug, Default)]
pub struct MemoryIndex {
    vectors: RefCell<Vec<Vector>>,
    /// Answers as an index without a metadata index on the filtered properties would: every
    /// vector, whatever the filter (what `nearest` must still keep within the tenant).
    ignore_filter: Cell<bool>,
    /// Every call fails, as an unreachable binding would.
    failing: Cell<bool>,
}

impl MemoryIndex {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn ignore_filter(&self, yes: bool) {
        self.ignore_filter.set(yes);
    }

    pub fn fail(&self, yes: bool) {
        self.failing.set(yes);
    }

    /// The ids stored, in insertion order.
    pub fn ids(&self) -> Vec<String> {
        self.vectors.borrow().iter().map(|v| v.id.clone()).collect()
    }

    fn check(&self) -> Result<(), VectorError> {
        if self.failing.get() {
            Err(VectorError::new("injected failure"))
        } else {
            Ok(())
        }
    }
}

impl VectorIndex for MemoryIndex {
    async fn upsert(&self, vectors: &[Vector]) -> Result<(), VectorError> {
        self.check()?;
        let mut stored = self.vectors.borrow_mut();
        for v in vectors {
            match stored.iter_mut().find(|s| s.id == v.id) {
                Some(existing) => *existing = v.clone(),
                None => stored.push(v.clone()),
            }
        }
        Ok(())
    }

    async fn query(&self, vector: &[f32], top_k: usize, filter: &Filter) -> Result<Vec<Match>, VectorError> {
        self.check()?;
        let mut matches: Vec<Match> = self
            .vectors
            .borrow()
            .iter()
            .filter(|v| self.ignore_filter.get() || filter.admits(&v.metadata))
            .map(|v| Match { id: v.id.clone(), score: cosine(vector, &v.values), metadata: Some(v.metadata.clone()) })
            .collect();
        matches.sort_by(|a, b| b.score.total_cmp(&a.score));
        matches.truncate(top_k);
        Ok(matches)
    }

    async fn delete_by_ids(&self, ids: &[String]) -> Result<(), VectorError> {
        self.check()?;
        self.vectors.borrow_mut().retain(|v| !ids.contains(&v.id));
        Ok(())
    }
}
