//! A small least-recently-used map with a time-to-live, for per-isolate caches.
//!
//! An isolate lives for many requests, so anything it caches per key must be bounded: the
//! keys often come from unsigned requests (a webhook's receiving address, a chat slug), and an
//! unbounded map lets whoever sends them fill the isolate's memory. Entries are evicted least
//! recently used first once `capacity` is reached, and read as absent once older than `ttl_ms`.
//! Time is passed in (milliseconds), so the map is testable without a clock.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

struct Slot<V> {
    value: V,
    stored_at: u64,
    /// Position in `order`: the larger, the more recently used.
    used: u64,
}

pub struct Lru<K, V> {
    capacity: usize,
    ttl_ms: u64,
    slots: HashMap<K, Slot<V>>,
    /// `used` → key, oldest first: the next eviction is the first entry.
    order: BTreeMap<u64, K>,
    next_use: u64,
}

impl<K: Hash + Eq + Clone, V> Lru<K, V> {
    /// A map holding at most `capacity` entries (at least one), each for at most `ttl_ms`.
    pub fn new(capacity: usize, ttl_ms: u64) -> Self {
        Self { capacity: capacity.max(1), ttl_ms, slots: HashMap::new(), order: BTreeMap::new(), next_use: 0 }
    }

    /// The value stored under `key` if it is younger than the TTL at `now_ms`; marks it used.
    /// An expired entry is removed.
    pub fn get(&mut self, key: &K, now_ms: u64) -> Option<&V> {
        let expired = now_ms.saturating_sub(self.slots.get(key)?.stored_at) >= self.ttl_ms;
        if expired {
            self.remove(key);
            return None;
        }
        let used = self.bump();
        let slot = self.slots.get_mut(key)?;
        self.order.remove(&slot.used);
        slot.used = used;
        self.order.insert(used, key.clone());
        Some(&slot.value)
    }

    /// Stores `value` under `key` at `now_ms`, evicting the least recently used entry if full.
    pub fn insert(&mut self, key: K, value: V, now_ms: u64) {
        self.remove(&key);
        while self.slots.len() >= self.capacity {
            let Some((_, oldest)) = self.order.pop_first() else { break };
            self.slots.remove(&oldest);
        }
        let used = self.bump();
        self.order.insert(used, key.clone());
        self.slots.insert(key, Slot { value, stored_at: now_ms, used });
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        let slot = self.slots.remove(key)?;
        self.order.remove(&slot.used);
        Some(slot.value)
    }

    pub fn clear(&mut self) {
        self.slots.clear();
        self.order.clear();
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    fn bump(&mut self) -> u64 {
        self.next_use += 1;
        self.next_use
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TTL: u64 = 30_000;

    #[test]
    fn holds_at_most_capacity_entries() {
        let mut lru = Lru::new(3, TTL);
        for i in 0..10 {
            lru.insert(i, i * 10, 0);
            assert!(lru.len() <= 3);
        }
        assert_eq!(lru.len(), 3);
        assert_eq!(lru.get(&9, 0), Some(&90));
        assert_eq!(lru.get(&6, 0), None, "evicted");
    }

    #[test]
    fn evicts_the_least_recently_used_first() {
        let mut lru = Lru::new(3, TTL);
        lru.insert("a", 1, 0);
        lru.insert("b", 2, 0);
        lru.insert("c", 3, 0);
        assert_eq!(lru.get(&"a", 1), Some(&1), "a is now the most recently used");
        lru.insert("d", 4, 2);
        assert_eq!(lru.get(&"b", 3), None, "b was the least recently used");
        assert_eq!(lru.get(&"a", 3), Some(&1));
        assert_eq!(lru.get(&"c", 3), Some(&3));
        assert_eq!(lru.get(&"d", 3), Some(&4));
        // Order is now a, c, d (oldest first): the next insert evicts a.
        lru.insert("e", 5, 4);
        assert_eq!(lru.get(&"a", 4), None);
    }

    #[test]
    fn reinserting_a_key_replaces_it_without_evicting_others() {
        let mut lru = Lru::new(2, TTL);
        lru.insert("a", 1, 0);
        lru.insert("b", 2, 0);
        lru.insert("a", 10, 5);
        assert_eq!(lru.len(), 2);
        assert_eq!(lru.get(&"a", 5), Some(&10));
        assert_eq!(lru.get(&"b", 5), Some(&2));
    }

    #[test]
    fn entries_expire_after_the_ttl_counted_from_insertion() {
        let mut lru = Lru::new(4, TTL);
        lru.insert("a", 1, 1_000);
        assert_eq!(lru.get(&"a", 1_000 + TTL - 1), Some(&1), "reading does not extend the TTL");
        assert_eq!(lru.get(&"a", 1_000 + TTL), None);
        assert!(lru.is_empty(), "an expired entry is dropped when found");
        lru.insert("b", 2, 5_000);
        assert_eq!(lru.get(&"b", 0), Some(&2), "a clock behind the entry does not expire it");
    }

    #[test]
    fn clear_and_remove_forget_entries() {
        let mut lru = Lru::new(0, TTL);
        lru.insert("a", 1, 0);
        assert_eq!(lru.len(), 1, "capacity is at least one");
        assert_eq!(lru.remove(&"a"), Some(1));
        lru.insert("b", 2, 0);
        lru.clear();
        assert!(lru.is_empty());
        assert_eq!(lru.get(&"b", 0), None);
    }
}
