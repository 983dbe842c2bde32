//! A per-thread memo of the analyses of short texts.
//!
//! Answering one question analyses the same words and the same question many times over (its
//! words one by one, its clauses, the question again for each check), and running the analyzer
//! chain is a fifth of an answer's time. The chain is a pure function of its input and of
//! tables fixed at start, so a result may be reused for as long as the thread lives. Only short
//! texts are kept (words, titles, questions: not a decree's components, analysed once at build)
//! and the memo is emptied when it fills, so it stays small on a long-running server.

use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;
use std::thread::LocalKey;

/// Longest text kept, in bytes (a long chat message still fits).
const MAX_TEXT_BYTES: usize = 512;
/// Entries kept before the memo is emptied.
const MAX_ENTRIES: usize = 16_384;

/// Memoized analyses of one analyzer chain.
#[derive(Default)]
pub(super) struct Memo(HashMap<Box<str>, Vec<String>>);

/// The analysis of `text` from `memo` if this thread has made it, else `analyse(text)` kept there.
pub(super) fn memoized(
    memo: &'static LocalKey<RefCell<Memo>>,
    text: &str,
    analyse: impl FnOnce(&str) -> Vec<String>,
) -> Vec<String> {
    if text.len() > MAX_TEXT_BYTES {
        return analyse(text);
    }
    if let Some(tokens) = memo.with_borrow(|memo| memo.0.get(text).cloned()) {
        return tokens;
    }
    let tokens = analyse(text);
    memo.with_borrow_mut(|memo| {
        if memo.0.len() >= MAX_ENTRIES {
            memo.0.clear();
        }
        memo.0.insert(text.into(), tokens.clone());
    });
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    thread_local! {
        static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
    }

    #[test]
    fn a_short_text_is_analysed_once_and_a_long_one_every_time() {
        let runs = Cell::new(0);
        let analyse = |text: &str| {
            runs.set(runs.get() + 1);
            vec![text.to_uppercase()]
        };
        assert_eq!(memoized(&MEMO, "syarat", analyse), ["SYARAT"]);
        assert_eq!(memoized(&MEMO, "syarat", analyse), ["SYARAT"]);
        assert_eq!(runs.get(), 1);
        let long = "a".repeat(MAX_TEXT_BYTES + 1);
        memoized(&MEMO, &long, analyse);
        memoized(&MEMO, &long, analyse);
        assert_eq!(runs.get(), 3);
    }
}
