//! Case-insensitive text matching that behaves the same on SQLite and PostgreSQL.
//!
//! Folding happens here, in Rust, for both the stored `search_text` columns and the user's
//! input, so the database only compares already-folded strings with `LIKE`. Each document
//! is the folded name, a line break, then the folded remaining fields; the line break lets
//! the ranking tell a match in the name from a match elsewhere.

/// Lower-cases all of Unicode and collapses runs of whitespace to one space.
pub fn fold(text: &str) -> String {
    text.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The stored `search_text` of a row: its folded name, then its other searchable fields.
pub fn document<'a>(name: &str, other_fields: impl IntoIterator<Item = &'a str>) -> String {
    let rest = other_fields
        .into_iter()
        .filter(|field| !field.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    format!("{}\n{}", fold(name), fold(&rest))
}

/// A user's search text, folded; `None` when nothing searchable is left.
pub fn needle(text: &str) -> Option<String> {
    let folded = fold(text);
    (!folded.is_empty()).then_some(folded)
}

/// Escapes `LIKE` wildcards so that user text matches literally (with `ESCAPE '\'`).
pub fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// Patterns for the ranks of a match, best first.
pub struct RankPatterns {
    /// The whole name equals the needle.
    pub name_equals: String,
    /// The name starts with the needle.
    pub name_prefix: String,
    /// The needle occurs in the name.
    pub in_name: String,
    /// The needle occurs anywhere in the document.
    pub anywhere: String,
}

impl RankPatterns {
    pub fn new(needle: &str) -> Self {
        let escaped = escape_like(needle);
        Self {
            name_equals: format!("{escaped}\n%"),
            name_prefix: format!("{escaped}%"),
            in_name: format!("%{escaped}%\n%"),
            anywhere: format!("%{escaped}%"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_covers_unicode_and_whitespace() {
        assert_eq!(fold("  ŠULYOVÁ\n and   Zürich "), "šulyová and zürich");
    }

    #[test]
    fn a_document_keeps_the_name_on_its_own_line() {
        assert_eq!(
            document("City Brain", ["city-brain", "", "Hangzhou's PLATFORM"]),
            "city brain\ncity-brain hangzhou's platform"
        );
    }

    #[test]
    fn blank_input_is_not_a_needle() {
        assert_eq!(needle(" \t\n"), None);
        assert_eq!(needle(" Shen "), Some("shen".to_owned()));
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like(r"100%_a\b"), r"100\%\_a\\b");
        assert_eq!(RankPatterns::new("5%").in_name, "%5\\%%\n%");
    }
}
