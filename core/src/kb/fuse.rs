//! Reciprocal rank fusion: one ranking from several (lexical and vector), with no score
//! calibration between them — each list contributes 1 / (k + rank) per item.

/// The constant from Cormack et al. (2009): damps the head of each list so one leg's first
/// hit does not drown the other's.
pub const RRF_K: f64 = 60.0;

/// Fuses ranked id lists (best first) into one, best first, each id with its fused score.
/// Ties keep the order in which ids were first seen, so the result is deterministic.
pub fn reciprocal_rank(lists: &[Vec<String>], k: f64) -> Vec<(String, f64)> {
    let mut fused: Vec<(String, f64)> = Vec::new();
    for list in lists {
        for (rank, id) in list.iter().enumerate() {
            let add = 1.0 / (k + rank as f64 + 1.0);
            match fused.iter_mut().find(|(seen, _)| seen == id) {
                Some((_, score)) => *score += add,
                None => fused.push((id.clone(), add)),
            }
        }
    }
    // A stable sort keeps first-seen order among equal scores.
    fused.sort_by(|a, b| b.1.total_cmp(&a.1));
    fused
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn an_item_both_legs_agree_on_beats_one_leg_s_first_hit() {
        let fused = reciprocal_rank(&[ids(&["a", "b", "c"]), ids(&["d", "b", "a"])], RRF_K);
        let order: Vec<&str> = fused.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(order[..2], ["a", "b"], "a: ranks 1 and 3; b: 2 and 2; both beat d's lone first");
        assert_eq!(order.len(), 4);
    }

    #[test]
    fn one_list_keeps_its_order_and_empty_lists_add_nothing() {
        let fused = reciprocal_rank(&[ids(&["x", "y"]), vec![]], RRF_K);
        assert_eq!(fused.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["x", "y"]);
        assert!(reciprocal_rank(&[], RRF_K).is_empty());
    }
}
