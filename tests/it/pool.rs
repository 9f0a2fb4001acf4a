//! Independent cases on a few threads: the case harnesses (evaluation, diff kinds, fixtures,
//! robustness inputs) give every case to a small pool sized by the machine's parallelism, collect
//! every result, and report all failing cases at the end, in the cases' order.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many threads a harness uses: the machine's parallelism, at least 1.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `case(state, item)` for every item, on [`threads`] threads each with its own `state` from
/// `init`; the results in the items' order. A case that panics gives `Err` with the panic's
/// message and does not stop the others.
pub fn run_with<T, S, R>(
    items: &[T],
    init: impl Fn() -> S + Sync,
    case: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<Result<R, String>>
where
    T: Sync,
    R: Send,
{
    let next = AtomicUsize::new(0);
    let workers = threads().min(items.len()).max(1);
    let mut done: Vec<(usize, Result<R, String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut state = init();
                    let mut results = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        let result = catch_unwind(AssertUnwindSafe(|| case(&mut state, item)));
                        results.push((i, result.map_err(panic_message)));
                    }
                    results
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| panic!("{}", panic_message(e))))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// [`run_with`] without per-thread state.
pub fn run<T, R>(items: &[T], case: impl Fn(&T) -> R + Sync) -> Vec<Result<R, String>>
where
    T: Sync,
    R: Send,
{
    run_with(items, || (), |(), item| case(item))
}

/// What a panic said.
fn panic_message(payload: Box<dyn Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(s) => format!("panicked: {s}"),
        Err(payload) => match payload.downcast::<&str>() {
            Ok(s) => format!("panicked: {s}"),
            Err(_) => "panicked".to_string(),
        },
    }
}
