//! BibTeX: the entry type from the source's kind, the container split into journal,
//! volume, number and pages, and every field escaped for LaTeX.

use super::{Date, Parts};

/// Escapes the characters that LaTeX treats specially in a BibTeX field.
fn tex(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                escaped.push('\\');
                escaped.push(c);
            }
            '\\' => escaped.push_str("\\textbackslash{}"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// "Kubina M." becomes "Kubina, M.": BibTeX's "Last, First" form.
fn bibtex_author(author: &str) -> String {
    match author.rsplit_once(' ') {
        Some((surname, given)) => format!("{}, {}", tex(surname), tex(given)),
        None => tex(author),
    }
}

/// Splits "Sustainability, 13(5), 2610" into the container's name, volume, issue and pages.
pub(super) struct Container<'a> {
    pub(super) name: &'a str,
    pub(super) volume: Option<&'a str>,
    pub(super) number: Option<&'a str>,
    pub(super) pages: Option<String>,
}

fn looks_like_pages(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

pub(super) fn split_container(container: &str) -> Container<'_> {
    let mut rest = container;
    let mut pages = None;
    if let Some((head, last)) = rest.rsplit_once(", ")
        && looks_like_pages(last)
    {
        pages = Some(last.replace('-', "--"));
        rest = head;
    }
    let (mut volume, mut number) = (None, None);
    if let Some((head, last)) = rest.rsplit_once(", ") {
        let (vol, issue) = match last.split_once('(') {
            Some((vol, issue)) => (vol, issue.strip_suffix(')')),
            None => (last, None),
        };
        if !vol.is_empty() && vol.chars().all(|c| c.is_ascii_digit()) {
            volume = Some(vol);
            number = issue;
            rest = head;
        }
    }
    Container {
        name: rest,
        volume,
        number,
        pages,
    }
}

pub(super) fn bibtex(p: &Parts) -> String {
    let entry_type = match p.kind {
        "journal_article" => "article",
        "book_chapter" => "incollection",
        "conference_paper" => "inproceedings",
        _ => "misc",
    };
    let mut fields: Vec<(&str, String)> = Vec::new();
    if p.authors.is_empty() {
        // Double braces keep a corporate author from being parsed as "Surname, Given".
        fields.push(("author", format!("{{{}}}", tex(p.publisher))));
    } else {
        let authors: Vec<String> = p.authors.iter().map(|a| bibtex_author(a)).collect();
        fields.push(("author", authors.join(" and ")));
    }
    fields.push(("title", tex(p.title)));
    if let Some(container) = p.container {
        let parts = split_container(container);
        let name_field = if entry_type == "article" {
            "journal"
        } else {
            "booktitle"
        };
        fields.push((name_field, tex(parts.name)));
        if let Some(volume) = parts.volume {
            fields.push(("volume", volume.to_owned()));
        }
        if let Some(number) = parts.number {
            fields.push(("number", number.to_owned()));
        }
        if let Some(pages) = parts.pages {
            fields.push(("pages", pages));
        }
    }
    if entry_type != "article" {
        fields.push(("publisher", tex(p.publisher)));
    }
    if let Some(year) = p.year() {
        fields.push(("year", year.to_string()));
    }
    if let Some(Date {
        month_day: Some((month, _)),
        ..
    }) = p.published
    {
        fields.push(("month", month.to_string()));
    }
    if let Some(doi) = p.doi {
        fields.push(("doi", doi.to_owned()));
    }
    if let Some(url) = p.url {
        fields.push(("url", url.to_owned()));
    }
    if let Some(accessed) = p.accessed {
        fields.push(("urldate", accessed.iso()));
    }
    let body: Vec<String> = fields
        .into_iter()
        .map(|(name, value)| format!("  {name} = {{{value}}}"))
        .collect();
    format!("@{entry_type}{{{},\n{}\n}}", p.slug, body.join(",\n"))
}
