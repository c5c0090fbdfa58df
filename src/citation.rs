//! Formats a source as a citation a reader can paste: APA 7, MLA 9, Chicago (notes and
//! bibliography) or BibTeX. Sources store what the paper gives: a pre-formatted container
//! such as "Sustainability, 13(5), 2610", authors as "Surname Initials" separated by commas,
//! and dates as `YYYY` or `YYYY-MM-DD`.

use crate::entities::source;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Apa,
    Mla,
    Chicago,
    Bibtex,
}

pub fn cite(source: &source::Model, style: Style) -> String {
    let parts = Parts::of(source);
    match style {
        Style::Apa => apa(&parts),
        Style::Mla => mla(&parts),
        Style::Chicago => chicago(&parts),
        Style::Bibtex => bibtex(&parts),
    }
}

/// The dataset's own title, as a release of it is cited.
pub const DATASET_TITLE: &str = "City Atlas: AI-driven smart cities, China and the USA compared";
const DATASET_AUTHOR: &str = "City Atlas contributors";

/// A release of the City Atlas dataset, as a citation names it.
pub struct ReleaseCitation<'a> {
    pub tag: &'a str,
    /// `YYYY-MM-DD`, when the release was cut.
    pub date: &'a str,
    /// Where the release can be read for good.
    pub permalink: &'a str,
}

/// A release of the dataset in `style`, followed by the paper it is built from.
pub fn cite_release(release: &ReleaseCitation<'_>, paper: &source::Model, style: Style) -> String {
    let date = Date::parse(release.date);
    let year = date.map_or_else(String::new, |d| d.year.to_string());
    let tag = release.tag;
    let link = release.permalink;
    let paper_slug = &paper.slug;
    let paper = cite(paper, style);
    match style {
        Style::Apa => format!(
            "{DATASET_AUTHOR}. ({year}). {DATASET_TITLE} (Version {tag}) [Data set]. {link}. \
             Based on {paper}"
        ),
        Style::Mla => format!(
            "{DATASET_AUTHOR}. {DATASET_TITLE}. Version {tag}, {}, {link}. Based on {paper}",
            date.map_or_else(String::new, Date::mla)
        ),
        Style::Chicago => format!(
            "{DATASET_AUTHOR}. {DATASET_TITLE}. Version {tag}. {}. {link}. Based on {paper}",
            date.map_or_else(String::new, Date::long)
        ),
        Style::Bibtex => format!(
            "@misc{{cityatlas-{tag},\n  author = {{{{{DATASET_AUTHOR}}}}},\n  title = {{{DATASET_TITLE}}},\n  \
             version = {{{tag}}},\n  year = {{{year}}},\n  url = {{{link}}},\n  \
             note = {{Release of {date}, based on \\cite{{{slug}}}}}\n}}\n\n{paper}",
            date = release.date,
            slug = paper_slug,
        ),
    }
}

struct Parts<'a> {
    slug: &'a str,
    kind: &'a str,
    authors: Vec<&'a str>,
    publisher: &'a str,
    title: &'a str,
    container: Option<&'a str>,
    published: Option<Date>,
    accessed: Option<Date>,
    url: Option<&'a str>,
    doi: Option<&'a str>,
}

impl<'a> Parts<'a> {
    fn of(source: &'a source::Model) -> Self {
        Self {
            slug: &source.slug,
            kind: &source.kind,
            authors: source
                .authors
                .as_deref()
                .map(|authors| {
                    authors
                        .split(", ")
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            publisher: &source.publisher,
            title: &source.title,
            container: source.container.as_deref(),
            published: source.published_on.as_deref().and_then(Date::parse),
            accessed: source.accessed_on.as_deref().and_then(Date::parse),
            url: source.url.as_deref(),
            doi: source.doi.as_deref(),
        }
    }

    /// The DOI as a resolvable link, else the URL.
    fn link(&self) -> Option<String> {
        match (self.doi, self.url) {
            (Some(doi), _) => Some(format!("https://doi.org/{doi}")),
            (None, Some(url)) => Some(url.to_owned()),
            (None, None) => None,
        }
    }

    fn year(&self) -> Option<i32> {
        self.published.map(|d| d.year)
    }
}

#[derive(Clone, Copy)]
struct Date {
    year: i32,
    month_day: Option<(u32, u32)>,
}

impl Date {
    fn parse(text: &str) -> Option<Self> {
        let mut fields = text.split('-');
        let year = fields.next()?.parse().ok()?;
        let month_day = match (fields.next(), fields.next()) {
            (Some(month), Some(day)) => Some((month.parse().ok()?, day.parse().ok()?)),
            _ => None,
        };
        Some(Self { year, month_day })
    }

    /// "May 23, 2025", or "2025".
    fn long(self) -> String {
        match self.month_day {
            Some((month, day)) => format!("{} {day}, {}", month_name(month), self.year),
            None => self.year.to_string(),
        }
    }

    /// MLA's "23 May 2025", with MLA's abbreviated months.
    fn mla(self) -> String {
        match self.month_day {
            Some((month, day)) => format!("{day} {} {}", mla_month(month), self.year),
            None => self.year.to_string(),
        }
    }

    fn iso(self) -> String {
        match self.month_day {
            Some((month, day)) => format!("{}-{month:02}-{day:02}", self.year),
            None => self.year.to_string(),
        }
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_name(month: u32) -> &'static str {
    MONTHS
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("")
}

fn mla_month(month: u32) -> &'static str {
    const ABBREVIATED: [&str; 12] = [
        "Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.",
        "Dec.",
    ];
    ABBREVIATED
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("")
}

/// Appends a period unless the text already ends a sentence ("Gu X." stays "Gu X.").
fn sentence(text: &str) -> String {
    if text.ends_with(['.', '?', '!']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

fn join_authors(authors: &[&str], last_separator: &str) -> String {
    match authors {
        [] => String::new(),
        [only] => (*only).to_owned(),
        [init @ .., last] => format!("{}{last_separator}{last}", init.join(", ")),
    }
}

fn apa(p: &Parts) -> String {
    let title = sentence(p.title);
    if p.authors.is_empty() {
        let date = match p.published {
            Some(Date {
                year,
                month_day: Some((month, day)),
            }) => format!("{year}, {} {day}", month_name(month)),
            Some(date) => date.year.to_string(),
            None => "n.d.".to_owned(),
        };
        let mut citation = format!("{} ({date}). {title}", sentence(p.publisher));
        match (p.accessed, p.link()) {
            (Some(accessed), Some(link)) => {
                citation.push_str(&format!(" Retrieved {}, from {link}", accessed.long()))
            }
            (None, Some(link)) => citation.push_str(&format!(" {link}")),
            _ => {}
        }
        citation
    } else {
        let year = p
            .year()
            .map_or_else(|| "n.d.".to_owned(), |y| y.to_string());
        let mut citation = format!(
            "{} ({year}). {title} {}",
            join_authors(&p.authors, ", & "),
            sentence(p.container.unwrap_or(p.publisher))
        );
        if let Some(link) = p.link() {
            citation.push_str(&format!(" {link}"));
        }
        citation
    }
}

fn mla(p: &Parts) -> String {
    let authors = match p.authors.as_slice() {
        [] => None,
        [one] => Some((*one).to_owned()),
        [first, second] => Some(format!("{first}, and {second}")),
        [first, ..] => Some(format!("{first}, et al.")),
    };
    let title = format!("\u{201c}{}.\u{201d}", p.title.trim_end_matches('.'));
    let mut elements = Vec::new();
    match &authors {
        Some(_) => elements.push(p.container.unwrap_or(p.publisher).to_owned()),
        None => {
            elements.push(p.publisher.to_owned());
            if let Some(date) = p.published {
                elements.push(date.mla());
            }
        }
    }
    if authors.is_some()
        && let Some(year) = p.year()
    {
        elements.push(year.to_string());
    }
    if let Some(link) = p.link() {
        elements.push(link.trim_start_matches("https://").to_owned());
    }
    let mut citation = match authors {
        Some(authors) => format!("{} {title} {}.", sentence(&authors), elements.join(", ")),
        None => format!("{title} {}.", elements.join(", ")),
    };
    if let Some(accessed) = p.accessed {
        citation.push_str(&format!(" Accessed {}.", accessed.mla()));
    }
    citation
}

fn chicago(p: &Parts) -> String {
    let title = format!("\u{201c}{}.\u{201d}", p.title.trim_end_matches('.'));
    let mut citation = if p.authors.is_empty() {
        let mut citation = format!("{} {title}", sentence(p.publisher));
        if let Some(date) = p.published {
            citation.push_str(&format!(" {}.", date.long()));
        }
        citation
    } else {
        let year = p
            .year()
            .map_or_else(|| "n.d.".to_owned(), |y| y.to_string());
        format!(
            "{} {title} {} ({year}).",
            sentence(&join_authors(&p.authors, ", and ")),
            p.container.unwrap_or(p.publisher)
        )
    };
    if let Some(accessed) = p.accessed {
        citation.push_str(&format!(" Accessed {}.", accessed.long()));
    }
    if let Some(link) = p.link() {
        citation.push_str(&format!(" {link}."));
    }
    citation
}

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
struct Container<'a> {
    name: &'a str,
    volume: Option<&'a str>,
    number: Option<&'a str>,
    pages: Option<String>,
}

fn looks_like_pages(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

fn split_container(container: &str) -> Container<'_> {
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

fn bibtex(p: &Parts) -> String {
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

#[cfg(test)]
mod tests {
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
        assert!(
            cite_release(&release, &paper, Style::Bibtex).contains("@misc{cityatlas-liu-2025,")
        );
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
        let parts =
            split_container("The Palgrave handbook on China-Europe-Africa relations, 211-231");
        assert_eq!(
            parts.name,
            "The Palgrave handbook on China-Europe-Africa relations"
        );
        assert_eq!(parts.volume, None);
        assert_eq!(parts.pages.as_deref(), Some("211--231"));
    }
}
