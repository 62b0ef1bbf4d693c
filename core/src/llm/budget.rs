//! The monthly token budget as a policy: spend normally, then shorter, then not at all — the
//! rules brain answers for free, so running out never leaves a caller without a reply.

/// How the next turn may use the LLM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetMode {
    Normal,
    /// At least 80% used: ask for brief replies with a lower `max_tokens`
    /// (set [`super::PromptContext::brief`]).
    Short,
    /// The budget is spent: do not call the LLM; the rules brain answers.
    Exhausted,
}

/// `used_tokens` this month against the tenant's `monthly_token_budget` (`None` = no cap).
pub fn budget_mode(used_tokens: u64, budget: Option<u64>) -> BudgetMode {
    let Some(budget) = budget else {
        return BudgetMode::Normal;
    };
    if used_tokens >= budget {
        BudgetMode::Exhausted
    } else if u128::from(used_tokens) * 5 >= u128::from(budget) * 4 {
        BudgetMode::Short
    } else {
        BudgetMode::Normal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_then_short_from_80_percent_then_exhausted() {
        assert_eq!(budget_mode(u64::MAX, None), BudgetMode::Normal);
        assert_eq!(budget_mode(0, Some(1000)), BudgetMode::Normal);
        assert_eq!(budget_mode(799, Some(1000)), BudgetMode::Normal);
        assert_eq!(budget_mode(800, Some(1000)), BudgetMode::Short);
        assert_eq!(budget_mode(999, Some(1000)), BudgetMode::Short);
        assert_eq!(budget_mode(1000, Some(1000)), BudgetMode::Exhausted);
        assert_eq!(budget_mode(5000, Some(1000)), BudgetMode::Exhausted);
        assert_eq!(budget_mode(u64::MAX - 1, Some(u64::MAX)), BudgetMode::Short, "no overflow");
        assert_eq!(budget_mode(0, Some(0)), BudgetMode::Exhausted);
    }
}
