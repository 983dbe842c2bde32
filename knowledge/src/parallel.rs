//! Work spread over the machine's cores with `std::thread::scope`: parsing a province's
//! decrees and analysing its services for the engine are thousands of independent pieces.
//!
//! [`map`] keeps the order of its input, so a caller that merges the results one after the
//! other gets exactly what a sequential loop would give (ids, frequencies, first-seen order).

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` over `items` on up to [`std::thread::available_parallelism`] threads, results in the
/// order of `items`. Each thread takes the next item when it is free, so a large item does not
/// hold up the rest. A panic in `f` is raised again in the caller.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let at = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(at) else { break };
                        done.push((at, f(item)));
                    }
                    done
                })
            })
            .collect();
        for worker in workers {
            match worker.join() {
                Ok(done) => {
                    for (at, result) in done {
                        slots[at] = Some(result);
                    }
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    slots
        .into_iter()
        .map(|slot| slot.expect("every item is mapped once"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_input_order() {
        let items: Vec<u32> = (0..1000).collect();
        let squares = map(&items, |x| u64::from(*x) * u64::from(*x));
        assert_eq!(
            squares,
            items.iter().map(|x| u64::from(*x) * u64::from(*x)).collect::<Vec<_>>()
        );
        assert!(map(&[] as &[u32], |x| *x).is_empty());
        assert_eq!(map(&[7], |x| x + 1), [8]);
    }

    #[test]
    #[should_panic(expected = "item 13")]
    fn a_panic_reaches_the_caller() {
        let items: Vec<u32> = (0..100).collect();
        map(&items, |x| assert_ne!(*x, 13, "item 13"));
    }
}
