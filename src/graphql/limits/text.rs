//! The checks on a document's raw text, before it is parsed: its size, and how deeply its
//! brackets nest, since async-graphql's parser recurses on nested values and can overflow
//! the stack.

use super::{Violation, at_most};
use crate::configuration::LimitSettings;

/// Checks the raw document: its length, and how deeply `{`, `[` and `(` nest outside
/// strings and comments. Runs in one pass without recursion, so any input is safe.
pub fn check_text(query: &str, limits: &LimitSettings) -> Result<(), Violation> {
    let length = query.chars().count();
    at_most("QUERY_TOO_LARGE", length, limits.max_query_chars, || {
        format!("the query is {length} characters long")
    })?;
    let deepest = bracket_nesting(query);
    at_most("QUERY_TOO_DEEP", deepest, limits.max_nesting, || {
        format!("brackets in the query nest {deepest} deep")
    })
}

/// The deepest nesting of brackets in GraphQL source, skipping strings, block strings and
/// comments, where brackets mean nothing.
fn bracket_nesting(source: &str) -> usize {
    #[derive(PartialEq)]
    enum State {
        Code,
        Comment,
        String,
        BlockString,
    }
    let bytes = source.as_bytes();
    let (mut state, mut depth, mut deepest, mut i) = (State::Code, 0usize, 0usize, 0usize);
    while i < bytes.len() {
        let byte = bytes[i];
        match state {
            State::Code => match byte {
                b'#' => state = State::Comment,
                b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                    state = State::BlockString;
                    i += 2;
                }
                b'"' => state = State::String,
                b'{' | b'[' | b'(' => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                b'}' | b']' | b')' => depth = depth.saturating_sub(1),
                _ => {}
            },
            State::Comment => {
                if byte == b'\n' || byte == b'\r' {
                    state = State::Code;
                }
            }
            State::String => match byte {
                b'\\' => i += 1,
                b'"' | b'\n' | b'\r' => state = State::Code,
                _ => {}
            },
            State::BlockString => {
                if bytes[i..].starts_with(b"\\\"\"\"") {
                    i += 3;
                } else if bytes[i..].starts_with(b"\"\"\"") {
                    state = State::Code;
                    i += 2;
                }
            }
        }
        i += 1;
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(query: &str) -> &'static str {
        check_text(query, &LimitSettings::default())
            .expect_err("refused")
            .code
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        assert_eq!(bracket_nesting(r#"{ a(x: "{{{[[[") }"#), 2);
        assert_eq!(bracket_nesting("{ a # {{{{{{\n b }"), 1);
        assert_eq!(bracket_nesting(r#"{ a(x: """ {{{ \""" [[[ """) }"#), 2);
        assert_eq!(bracket_nesting(r#"{ a(x: "\"{") { b } }"#), 2);
    }

    #[test]
    fn deeply_nested_values_are_refused_before_parsing() {
        let nested = format!(
            "{{ countries(filter: {}1{}) {{ totalCount }} }}",
            "[".repeat(2_000),
            "]".repeat(2_000)
        );
        assert_eq!(code(&nested), "QUERY_TOO_DEEP");
        assert_eq!(code(&"x".repeat(15_001)), "QUERY_TOO_LARGE");
    }
}
