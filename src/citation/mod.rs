//! Formats a source as a citation a reader can paste: APA 7, MLA 9, Chicago (notes and
//! bibliography) or BibTeX. Sources store what the paper gives: a pre-formatted container
//! such as "Sustainability, 13(5), 2610", authors as "Surname Initials" separated by commas,
//! and dates as `YYYY` or `YYYY-MM-DD`.

mod bibtex;

use crate::entities::source;
use bibtex::bibtex;

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

#[cfg(test)]
mod tests;
