//! The citation styles, each checked against a hand-formatted example.

use super::bibtex::split_container;
use super::*;

#[test]
fn a_release_is_cited_with_its_tag_date_permalink_and_the_paper() {
    let release = ReleaseCitation {
        tag: "liu-2025",
        date: "2026-12-01",
        permalink: "https://atlas.example/releases/liu-2025",
    };
    let paper = crate::dataset::Dataset::paper()
        .expect("dataset")
        .sources
        .into_iter()
        .find(|source| source.slug == "liu-2025")
        .expect("the paper is a source");
    let paper = source::Model {
        slug: paper.slug,
        accessed_on: paper.accessed_on,
        container: paper.container,
        published_on: paper.published_on,
        url: paper.url,
        ..source(
            &paper.kind,
            paper.authors.as_deref(),
            &paper.publisher,
            &paper.title,
            None,
            "",
            None,
            "",
            paper.doi.as_deref(),
        )
    };
    for style in [Style::Apa, Style::Mla, Style::Chicago, Style::Bibtex] {
        let text = cite_release(&release, &paper, style);
        for part in [
            "liu-2025",
            "https://atlas.example/releases/liu-2025",
            "Liu",
            "2026",
        ] {
            assert!(text.contains(part), "{style:?} lacks {part}: {text}");
        }
    }
    let apa = cite_release(&release, &paper, Style::Apa);
    assert!(
        apa.starts_with("City Atlas contributors. (2026). City Atlas: "),
        "{apa}"
    );
    assert!(cite_release(&release, &paper, Style::Bibtex).contains("@misc{cityatlas-liu-2025,"));
}
use chrono::Utc;

#[allow(
    clippy::too_many_arguments,
    reason = "one positional argument per bibliographic field keeps each test's source readable"
)]
fn source(
    kind: &str,
    authors: Option<&str>,
    publisher: &str,
    title: &str,
    container: Option<&str>,
    published_on: &str,
    accessed_on: Option<&str>,
    url: &str,
    doi: Option<&str>,
) -> source::Model {
    source::Model {
        id: 1,
        slug: "test-source".to_owned(),
        kind: kind.to_owned(),
        publisher: publisher.to_owned(),
        authors: authors.map(str::to_owned),
        title: title.to_owned(),
        container: container.map(str::to_owned),
        published_on: Some(published_on.to_owned()),
        accessed_on: accessed_on.map(str::to_owned),
        url: Some(url.to_owned()),
        doi: doi.map(str::to_owned),
        paper_reference: "reference [1]".to_owned(),
        note: None,
        search_text: String::new(),
        created_at: Utc::now(),
        updated_at: Utc::now(),
        revision: 1,
    }
}

fn kubina() -> source::Model {
    source(
        "journal_article",
        Some("Kubina M., Šulyová D., Vodák J."),
        "Sustainability",
        "Managing global smart cities in an era of 21st century challenges",
        Some("Sustainability, 13(5), 2610"),
        "2021",
        None,
        "https://doi.org/10.3390/su13052610",
        Some("10.3390/su13052610"),
    )
}

fn statista() -> source::Model {
    source(
        "statistic",
        None,
        "Statista",
        "Size of the smart city industry in China (in trillion yuan)",
        None,
        "2025-06-10",
        Some("2025-08-28"),
        "https://www.statista.com/statistics/1276583/",
        None,
    )
}

#[test]
fn apa_for_a_journal_article_and_for_a_statistic() {
    assert_eq!(
        cite(&kubina(), Style::Apa),
        "Kubina M., Šulyová D., & Vodák J. (2021). Managing global smart cities in an era of \
         21st century challenges. Sustainability, 13(5), 2610. https://doi.org/10.3390/su13052610"
    );
    assert_eq!(
        cite(&statista(), Style::Apa),
        "Statista. (2025, June 10). Size of the smart city industry in China (in trillion \
         yuan). Retrieved August 28, 2025, from https://www.statista.com/statistics/1276583/"
    );
}

#[test]
fn mla_uses_et_al_and_abbreviated_months() {
    assert_eq!(
        cite(&kubina(), Style::Mla),
        "Kubina M., et al. \u{201c}Managing global smart cities in an era of 21st century \
         challenges.\u{201d} Sustainability, 13(5), 2610, 2021, doi.org/10.3390/su13052610."
    );
    assert_eq!(
        cite(&statista(), Style::Mla),
        "\u{201c}Size of the smart city industry in China (in trillion yuan).\u{201d} \
         Statista, 10 June 2025, www.statista.com/statistics/1276583/. Accessed 28 Aug. 2025."
    );
}

#[test]
fn chicago_for_a_journal_article_and_for_a_statistic() {
    assert_eq!(
        cite(&kubina(), Style::Chicago),
        "Kubina M., Šulyová D., and Vodák J. \u{201c}Managing global smart cities in an era \
         of 21st century challenges.\u{201d} Sustainability, 13(5), 2610 (2021). \
         https://doi.org/10.3390/su13052610."
    );
    assert_eq!(
        cite(&statista(), Style::Chicago),
        "Statista. \u{201c}Size of the smart city industry in China (in trillion \
         yuan).\u{201d} June 10, 2025. Accessed August 28, 2025. \
         https://www.statista.com/statistics/1276583/."
    );
}

#[test]
fn bibtex_splits_the_container_and_escapes_tex() {
    assert_eq!(
        cite(&kubina(), Style::Bibtex),
        "@article{test-source,\n  author = {Kubina, M. and Šulyová, D. and Vodák, J.},\n  \
         title = {Managing global smart cities in an era of 21st century challenges},\n  \
         journal = {Sustainability},\n  volume = {13},\n  number = {5},\n  pages = {2610},\n  \
         year = {2021},\n  doi = {10.3390/su13052610},\n  \
         url = {https://doi.org/10.3390/su13052610}\n}"
    );
    let mut topic = statista();
    topic.title = "Smart cities in China — statistics & facts".to_owned();
    let entry = cite(&topic, Style::Bibtex);
    assert!(entry.starts_with("@misc{test-source,\n  author = {{Statista}},"));
    assert!(entry.contains("title = {Smart cities in China — statistics \\& facts}"));
    assert!(entry.contains("month = {6}"));
    assert!(entry.contains("urldate = {2025-08-28}"));
}

#[test]
fn chapter_pages_become_a_bibtex_range() {
    let parts = split_container("The Palgrave handbook on China-Europe-Africa relations, 211-231");
    assert_eq!(
        parts.name,
        "The Palgrave handbook on China-Europe-Africa relations"
    );
    assert_eq!(parts.volume, None);
    assert_eq!(parts.pages.as_deref(), Some("211--231"));
}
