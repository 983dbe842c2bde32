//! Test helpers shared by the analysis filters: run a small chain over a text and compare tokens.
//!
//! Every filter test builds `SimpleTokenizer -> LowerCaser -> AsciiFolding -> <filters under test>`
//! and checks the token texts together with positions and byte offsets, because phrase queries and
//! snippets depend on both.

use tantivy::tokenizer::{TextAnalyzer, Token};

/// All tokens of `text` through `analyzer`.
pub(crate) fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    stream.process(&mut |token: &Token| out.push(token.clone()));
    out
}

/// Positions strictly increase and every offset range is a valid slice of `text` that the token
/// came from (the filters change `text`, never offsets).
pub(crate) fn assert_sane(text: &str, tokens: &[Token]) {
    for window in tokens.windows(2) {
        assert!(
            window[0].position < window[1].position,
            "positions must increase: {tokens:?}"
        );
        assert!(window[0].offset_to <= window[1].offset_from);
    }
    for token in tokens {
        assert!(token.offset_from < token.offset_to && token.offset_to <= text.len());
        assert!(text.is_char_boundary(token.offset_from) && text.is_char_boundary(token.offset_to));
    }
}

/// Checks one token like tantivy's own `assert_token`.
pub(crate) fn assert_token(token: &Token, position: usize, text: &str, from: usize, to: usize) {
    assert_eq!(token.position, position, "position of {token:?}");
    assert_eq!(token.text, text, "text of {token:?}");
    assert_eq!(token.offset_from, from, "offset_from of {token:?}");
    assert_eq!(token.offset_to, to, "offset_to of {token:?}");
}

/// Table-driven token tests: `token_cases!(analyzer_fn; name: "input" => ["tok", ...], ...)`.
/// Each case becomes its own `#[test]`, checks the texts and that positions/offsets stay sane.
macro_rules! token_cases {
    ($analyzer:expr; $($name:ident: $input:expr => [$($tok:expr),* $(,)?]),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let mut analyzer = $analyzer;
                let tokens = $crate::analysis::testutil::tokens(&mut analyzer, $input);
                $crate::analysis::testutil::assert_sane($input, &tokens);
                let got: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
                let want: Vec<&str> = vec![$($tok),*];
                assert_eq!(got, want, "input {:?}", $input);
            }
        )*
    };
}
pub(crate) use token_cases;
