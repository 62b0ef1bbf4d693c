//! Plans and quotas (docs/API.md "Usage"): what a tenant's plan allows per calendar month
//! (`limits`), how much of it is used and what happens near and past a limit (`usage`), and
//! the unusual activity the owner is told about (`activity`). Pure: the Worker counts the rows
//! (`src/platform/usage.rs`) and acts on these decisions.

pub mod activity;
pub mod limits;
pub mod usage;

pub use limits::{Cap, Limits, PlanName, PlanSettings, RetentionSettings};
pub use usage::{Counts, Level, Metric, MetricUsage, UsageReport};
