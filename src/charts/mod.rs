//! Charts of an indicator's figures: drawn as SVG by plotters, rasterised to PNG by resvg,
//! with the font embedded in the binary, so drawing reads no file and fetches nothing.
//! A series over years is a line that joins only neighbouring periods, so a gap in the
//! data stays a gap; figures by category, or of a single period, are bars.

mod draw;

use std::fmt;
use std::sync::{Arc, OnceLock};

/// DejaVu Sans, under the Bitstream Vera licence (`assets/fonts/LICENSE-DejaVu.txt`).
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const FONT_FAMILY: &str = "DejaVu Sans";

/// What a chart shows: a title, the unit of its values, one series per subject, and the
/// footer that names its sources and the release it was read from.
#[derive(Clone, Debug)]
pub struct Chart {
    pub title: String,
    /// The unit and scale, as the value axis says them: "USD billion", "companies".
    pub unit: String,
    pub series: Vec<Series>,
    /// The years the axis spans when the reader chose them; otherwise the data's.
    pub years: (Option<i32>, Option<i32>),
    /// Lines under the chart: the sources, the release, how to read the marks.
    pub footer: Vec<String>,
}

/// One subject's figures, in the order they are drawn.
#[derive(Clone, Debug)]
pub struct Series {
    pub name: String,
    pub figures: Vec<Figure>,
}

/// A figure exactly as published, with whether it carries a caveat.
#[derive(Clone, Debug)]
pub struct Figure {
    pub period: Period,
    pub category: Option<String>,
    pub value: f64,
    pub caveated: bool,
}

/// A figure's period: a year, or a quarter of one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Period {
    Year(i32),
    Quarter(i32, u8),
}

impl Chart {
    /// The chart in words, for its SVG `<desc>` and a page's alt text: every series with
    /// its figures.
    pub fn description(&self) -> String {
        let series: Vec<String> = self
            .series
            .iter()
            .map(|series| {
                let figures: Vec<String> = series
                    .figures
                    .iter()
                    .map(|figure| match &figure.category {
                        Some(category) => {
                            format!("{category} {}: {}", figure.period, draw::label(figure))
                        }
                        None => format!("{}: {}", figure.period, draw::label(figure)),
                    })
                    .collect();
                format!("{}: {}", series.name, figures.join(", "))
            })
            .collect();
        format!("{}, in {}. {}.", self.title, self.unit, series.join("; "))
    }
}

impl Period {
    /// Reads `YYYY` or `YYYY-Qn`, the periods the data holds.
    pub fn parse(text: &str) -> Option<Period> {
        match text.split_once("-Q") {
            None => text.parse().ok().map(Period::Year),
            Some((year, quarter)) => {
                let quarter: u8 = quarter.parse().ok()?;
                (1..=4)
                    .contains(&quarter)
                    .then_some(Period::Quarter(year.parse().ok()?, quarter))
            }
        }
    }

    /// Where the period stands on a time axis, in years.
    fn position(self) -> f64 {
        match self {
            Period::Year(year) => f64::from(year),
            Period::Quarter(year, quarter) => f64::from(year) + f64::from(quarter - 1) / 4.0,
        }
    }

    /// Whether `next` follows this period with none between them: a line may join them.
    fn is_followed_by(self, next: Period) -> bool {
        match (self, next) {
            (Period::Year(a), Period::Year(b)) => b == a + 1,
            (Period::Quarter(a, q), Period::Quarter(b, r)) => {
                (b == a && r == q + 1) || (b == a + 1 && q == 4 && r == 1)
            }
            _ => false,
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Year(year) => write!(f, "{year}"),
            Period::Quarter(year, quarter) => write!(f, "{year}-Q{quarter}"),
        }
    }
}

/// How a chart draws its figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A line per subject over time.
    Lines,
    /// A bar per figure, grouped by subject.
    Bars,
}

impl Chart {
    /// Bars when the figures are split by category or all share one period; a time
    /// series otherwise.
    pub fn kind(&self) -> Kind {
        let mut figures = self.series.iter().flat_map(|series| &series.figures);
        let first = figures.next().map(|figure| figure.period);
        let categorical = self
            .series
            .iter()
            .flat_map(|series| &series.figures)
            .any(|figure| figure.category.is_some());
        if categorical || figures.all(|figure| Some(figure.period) == first) {
            Kind::Bars
        } else {
            Kind::Lines
        }
    }

    /// Whether any figure carries a caveat, so the footer explains the mark.
    pub fn has_caveats(&self) -> bool {
        self.series
            .iter()
            .flat_map(|series| &series.figures)
            .any(|figure| figure.caveated)
    }
}

/// A chart's size in pixels, within the bounds a server draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    width: u32,
    height: u32,
}

impl Size {
    pub const WIDTHS: (u32, u32) = (320, 2400);
    pub const HEIGHTS: (u32, u32) = (240, 1600);
    pub const DEFAULT: Size = Size {
        width: 800,
        height: 500,
    };

    /// The size asked for, or why it cannot be drawn.
    pub fn new(width: Option<u32>, height: Option<u32>) -> Result<Size, String> {
        let width = width.unwrap_or(Size::DEFAULT.width);
        let height = height.unwrap_or(Size::DEFAULT.height);
        let within = |value: u32, (low, high): (u32, u32)| (low..=high).contains(&value);
        if !within(width, Size::WIDTHS) || !within(height, Size::HEIGHTS) {
            return Err(format!(
                "a chart is {}–{} pixels wide and {}–{} high; {width}×{height} is outside",
                Size::WIDTHS.0,
                Size::WIDTHS.1,
                Size::HEIGHTS.0,
                Size::HEIGHTS.1
            ));
        }
        Ok(Size { width, height })
    }
}

/// Why a chart could not be drawn: a fault of the drawing, never of the reader's request.
#[derive(Debug, thiserror::Error)]
#[error("the chart could not be drawn: {0}")]
pub struct DrawError(String);

/// The chart as an SVG document.
pub fn svg(chart: &Chart, size: Size) -> Result<String, DrawError> {
    register_font();
    draw::svg(chart, size)
}

/// The chart as a PNG image: the SVG, rasterised with the same font.
pub fn png(chart: &Chart, size: Size) -> Result<Vec<u8>, DrawError> {
    use resvg::{tiny_skia, usvg};
    let svg = svg(chart, size)?;
    let options = usvg::Options {
        fontdb: fonts(),
        font_family: FONT_FAMILY.to_owned(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(&svg, &options).map_err(|e| DrawError(e.to_string()))?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width, size.height)
        .ok_or_else(|| DrawError("no pixmap of this size".to_owned()))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::identity(),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| DrawError(e.to_string()))
}

/// plotters measures and lays out text with the embedded font, under the generic family
/// its SVG names, so that the layout fits what resvg draws.
fn register_font() {
    static REGISTERED: OnceLock<()> = OnceLock::new();
    REGISTERED.get_or_init(|| {
        // The font is compiled in and known to parse; a failure would only lose text.
        let _ =
            plotters::style::register_font(draw::FAMILY, plotters::style::FontStyle::Normal, FONT);
    });
}

/// resvg's fonts: the embedded one alone, standing for every generic family.
fn fonts() -> Arc<resvg::usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut database = resvg::usvg::fontdb::Database::new();
            database.load_font_data(FONT.to_vec());
            database.set_sans_serif_family(FONT_FAMILY);
            Arc::new(database)
        })
        .clone()
}

#[cfg(test)]
mod tests;
