//! Work split over threads: goals are independent of each other, and evaluating 1,000 goals
//! over a large table is worth a second core (docs/performance.md). The split itself is
//! [`crate::threads::in_parallel`], which the data layer's rollups share.

pub use crate::threads::in_parallel;
