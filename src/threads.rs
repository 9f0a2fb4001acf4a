//! How many threads the parallel stages use: the CSV parsers and the rollup builders (`data`),
//! the goal judges (`eval`), and whether the schema compiles beside the YAML parse (`spec`); and
//! [`in_parallel`], the work split the rollups and the goal judges share.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Worker threads for the parallel stages: `GOALPOST_THREADS` when set (benchmarks compare 1
/// with all; output is byte-identical for every value), else one per core, at most 64.
pub fn worker_threads() -> usize {
    std::env::var("GOALPOST_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n >= 1)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .min(64)
}

/// `[make(0), …, make(n - 1)]`, made on up to [`worker_threads`] threads (the calling thread
/// is one), each taking the next item when done with its last. Each item is made by exactly
/// one thread from the same inputs, so results do not depend on the thread count.
pub fn in_parallel<T: Send>(n: usize, make: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let work = || {
        let mut made = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                return made;
            }
            made.push((i, make(i)));
        }
    };
    let helpers = worker_threads().min(n).saturating_sub(1);
    let mut made = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..helpers).map(|_| scope.spawn(work)).collect();
        let mut made = work();
        for handle in handles {
            made.extend(
                handle
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            );
        }
        made
    });
    made.sort_unstable_by_key(|(i, _)| *i);
    made.into_iter().map(|(_, t)| t).collect()
}
