//! Phase timings for benchmarks: with `GOALPOST_TIMINGS=1`, `check` prints how long each stage
//! took to stderr (like the benchmark's peers log theirs), so docs/performance.md can say where
//! the time goes. Off by default; costs one clock read per phase.

use std::sync::Mutex;
use std::time::Instant;

static PHASES: Mutex<Vec<(&'static str, Instant)>> = Mutex::new(Vec::new());

/// Whether timings were asked for.
pub fn enabled() -> bool {
    std::env::var_os("GOALPOST_TIMINGS").is_some_and(|v| v != "0")
}

/// Marks the end of a phase named `name` (the first mark starts the clock).
pub fn mark(name: &'static str) {
    if !enabled() {
        return;
    }
    if let Ok(mut phases) = PHASES.lock() {
        phases.push((name, Instant::now()));
    }
}

/// Prints every phase's duration to stderr, as `timing: <phase> <seconds> s`.
pub fn report() {
    if !enabled() {
        return;
    }
    let Ok(phases) = PHASES.lock() else { return };
    for pair in phases.windows(2) {
        let seconds = pair[1].1.duration_since(pair[0].1).as_secs_f64();
        eprintln!("timing: {} {seconds:.3} s", pair[1].0);
    }
}

/// Prints a fact about the run (sizes behind a timing) when timings were asked for.
pub fn note(text: impl FnOnce() -> String) {
    if enabled() {
        eprintln!("timing: {}", text());
    }
}
