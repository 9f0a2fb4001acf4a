//! How many threads the parallel stages use: the CSV parsers (`data`), the goal judges and the
//! rollup builders (`eval`), and whether the schema compiles beside the YAML parse (`spec`).

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
