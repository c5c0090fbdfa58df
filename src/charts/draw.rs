//! The drawing itself, with plotters on its SVG backend: the layout (title, plot, footer),
//! a time series as lines and points, figures by category as horizontal bars.

use super::{Chart, DrawError, Figure, Kind, Size};
use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The generic family plotters writes into the SVG; the embedded font stands for it.
pub(super) const FAMILY: &str = "sans-serif";

/// Okabe and Ito's palette, which readers with any common colour blindness tell apart.
const PALETTE: [RGBColor; 6] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
];
const INK: RGBColor = RGBColor(33, 33, 33);
const MUTED: RGBColor = RGBColor(90, 90, 90);

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Draws the axes and grid with what both kinds of chart share: the fonts, and a grid
/// whose light lines vanish into the white and whose bold lines are a faint grey.
fn draw_mesh<X, Y, DB>(mesh: &mut MeshStyle<'_, '_, X, Y, DB>) -> Result<(), DrawError>
where
    X: Ranged + ValueFormatter<<X as Ranged>::ValueType>,
    Y: Ranged + ValueFormatter<<Y as Ranged>::ValueType>,
    DB: DrawingBackend,
{
    mesh.label_style((FAMILY, 13).into_font().color(&INK))
        .axis_desc_style((FAMILY, 14).into_font().color(&INK))
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(225, 225, 225))
        .draw()
        .map_err(failed)
}

fn failed(error: impl std::fmt::Display) -> DrawError {
    DrawError(error.to_string())
}

fn colour(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

pub(super) fn svg(chart: &Chart, size: Size) -> Result<String, DrawError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (size.width, size.height)).into_drawing_area();
        root.fill(&WHITE).map_err(failed)?;
        let footer = wrap(&root, &chart.footer, size.width.saturating_sub(32))?;
        let line_height = 17;
        let footer_height = line_height * footer.len() as u32 + 16;
        let (plot, bottom) = root.split_vertically(size.height.saturating_sub(footer_height));
        match chart.kind() {
            Kind::Lines => lines(chart, &plot)?,
            Kind::Bars => bars(chart, &plot)?,
        }
        for (index, line) in footer.iter().enumerate() {
            let y = 6 + line_height as i32 * index as i32;
            bottom
                .draw(&Text::new(
                    line.as_str(),
                    (16, y),
                    (FAMILY, 12).into_font().color(&MUTED),
                ))
                .map_err(failed)?;
        }
        root.present().map_err(failed)?;
    }
    Ok(with_title(svg, chart))
}

/// The footer's lines, each wrapped at word boundaries to the chart's width.
fn wrap(root: &Area<'_>, lines: &[String], width: u32) -> Result<Vec<String>, DrawError> {
    let style = TextStyle::from((FAMILY, 12).into_font());
    let mut wrapped = Vec::new();
    for line in lines {
        let mut current = String::new();
        for word in line.split(' ') {
            let candidate = if current.is_empty() {
                word.to_owned()
            } else {
                format!("{current} {word}")
            };
            let (fits, _) = root
                .estimate_text_size(&candidate, &style)
                .map_err(failed)?;
            if fits > width && !current.is_empty() {
                wrapped.push(std::mem::replace(&mut current, word.to_owned()));
            } else {
                current = candidate;
            }
        }
        wrapped.push(current);
    }
    Ok(wrapped)
}

/// A figure's value as its label says it: the number as published, and a mark when the
/// figure carries a caveat.
pub(super) fn label(figure: &Figure) -> String {
    let mark = if figure.caveated { " *" } else { "" };
    format!("{}{mark}", number(figure.value))
}

/// A number without the float's noise: at most six decimals, trailing zeros dropped.
fn number(value: f64) -> String {
    let text = format!("{value:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// The value axis: from zero (or below it, for negative figures) to a little above the
/// largest, so labels have room.
fn value_range(chart: &Chart, headroom: f64) -> std::ops::Range<f64> {
    let values = chart
        .series
        .iter()
        .flat_map(|series| &series.figures)
        .map(|figure| figure.value);
    let (low, high) = values.fold((0.0_f64, 0.0_f64), |(low, high), value| {
        (low.min(value), high.max(value))
    });
    let high = if high > 0.0 { high * headroom } else { 1.0 };
    let low = if low < 0.0 { low * headroom } else { 0.0 };
    low..high
}

/// A line per series that joins only neighbouring periods, a point on every figure with
/// its value, and a ring round every figure that carries a caveat.
fn lines(chart: &Chart, area: &Area<'_>) -> Result<(), DrawError> {
    let positions = || {
        chart
            .series
            .iter()
            .flat_map(|series| &series.figures)
            .map(|figure| figure.period.position())
    };
    let first = chart
        .years
        .0
        .map(f64::from)
        .unwrap_or_else(|| positions().fold(f64::INFINITY, f64::min).floor());
    let last = chart
        .years
        .1
        .map(f64::from)
        .unwrap_or_else(|| positions().fold(f64::NEG_INFINITY, f64::max).floor());
    let years = (last - first) as usize + 1;
    let mut plot = ChartBuilder::on(area)
        .caption(&chart.title, (FAMILY, 20).into_font().color(&INK))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(first - 0.5..last + 0.5, value_range(chart, 1.18))
        .map_err(failed)?;
    draw_mesh(
        plot.configure_mesh()
            .disable_x_mesh()
            .x_labels(years.min(24))
            .x_label_formatter(&|x| {
                if x.fract().abs() < 1e-9 {
                    format!("{x:.0}")
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|y| number(*y))
            .x_desc("Year")
            .y_desc(chart.unit.as_str()),
    )?;
    for (index, series) in chart.series.iter().enumerate() {
        let colour = colour(index);
        let mut figures: Vec<&Figure> = series.figures.iter().collect();
        figures.sort_by_key(|figure| figure.period);
        for run in figures.chunk_by(|a, b| a.period.is_followed_by(b.period)) {
            if run.len() > 1 {
                let points = run
                    .iter()
                    .map(|figure| (figure.period.position(), figure.value));
                plot.draw_series(LineSeries::new(points, colour.stroke_width(3)))
                    .map_err(failed)?;
            }
        }
        let label_font = (FAMILY, 12).into_font().color(&INK);
        plot.draw_series(figures.iter().map(|figure| {
            let at = (figure.period.position(), figure.value);
            let ring = Circle::new(
                (0, 0),
                if figure.caveated { 9 } else { 0 },
                colour.stroke_width(2),
            );
            EmptyElement::at(at)
                + Circle::new((0, 0), 5, colour.filled())
                + ring
                + Text::new(
                    label(figure),
                    (0, -12),
                    label_font.clone().pos(Pos::new(HPos::Center, VPos::Bottom)),
                )
        }))
        .map_err(failed)?
        .label(series.name.as_str())
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(3)));
    }
    legend(&mut plot, SeriesLabelPosition::UpperRight)
}

/// A horizontal bar per figure, grouped by series, the first at the top, the largest first
/// within a series of categories, each labelled with its category (or its series, when
/// figures have none) and its value.
fn bars(chart: &Chart, area: &Area<'_>) -> Result<(), DrawError> {
    let categorical = chart
        .series
        .iter()
        .flat_map(|series| &series.figures)
        .any(|figure| figure.category.is_some());
    // The bottom row is drawn first: the first figure goes last so it stands at the top.
    let rows: Vec<(usize, &str, &Figure)> = chart
        .series
        .iter()
        .enumerate()
        .flat_map(|(index, series)| {
            let mut figures: Vec<&Figure> = series.figures.iter().collect();
            if categorical {
                figures.sort_by(|a, b| b.value.total_cmp(&a.value));
            }
            figures.into_iter().map(move |figure| {
                let name = figure.category.as_deref().unwrap_or(&series.name);
                (index, name, figure)
            })
        })
        .rev()
        .collect();
    let style = TextStyle::from((FAMILY, 13).into_font());
    let widest = rows
        .iter()
        .map(|(_, name, _)| area.estimate_text_size(name, &style).map(|(w, _)| w))
        .collect::<Result<Vec<_>, _>>()
        .map_err(failed)?
        .into_iter()
        .max()
        .unwrap_or(0);
    let (width, height) = area.dim_in_pixel();
    let label_width = (widest + 16).min(width / 3);
    // Bars no thicker than about 44 pixels, however few the rows.
    let row_height = height.saturating_sub(110) / rows.len().max(1) as u32;
    let bar_margin = (row_height.saturating_sub(44) / 2).max(6);
    let mut plot = ChartBuilder::on(area)
        .caption(&chart.title, (FAMILY, 20).into_font().color(&INK))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(label_width)
        .build_cartesian_2d(
            value_range(chart, 1.2),
            (0..rows.len().saturating_sub(1)).into_segmented(),
        )
        .map_err(failed)?;
    let names: Vec<&str> = rows.iter().map(|(_, name, _)| *name).collect();
    draw_mesh(
        plot.configure_mesh()
            .disable_y_mesh()
            .y_labels(rows.len())
            .y_label_formatter(&|row| match row {
                SegmentValue::CenterOf(index) => {
                    names.get(*index).copied().unwrap_or("").to_owned()
                }
                _ => String::new(),
            })
            .x_label_formatter(&|x| number(*x))
            .x_desc(chart.unit.as_str()),
    )?;
    for (series_index, series) in chart.series.iter().enumerate() {
        let colour = colour(series_index);
        let drawn = plot
            .draw_series(
                rows.iter()
                    .enumerate()
                    .filter(|(_, (index, _, _))| *index == series_index)
                    .map(|(row, (_, _, figure))| {
                        let mut bar = Rectangle::new(
                            [
                                (0.0, SegmentValue::Exact(row)),
                                (figure.value, SegmentValue::Exact(row + 1)),
                            ],
                            colour.filled(),
                        );
                        bar.set_margin(bar_margin, bar_margin, 0, 0);
                        bar
                    }),
            )
            .map_err(failed)?;
        if categorical && chart.series.len() > 1 {
            drawn.label(series.name.as_str()).legend(move |(x, y)| {
                Rectangle::new([(x, y - 6), (x + 14, y + 6)], colour.filled())
            });
        }
    }
    let value_font = (FAMILY, 12)
        .into_font()
        .color(&INK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    plot.draw_series(rows.iter().enumerate().map(|(row, (_, _, figure))| {
        EmptyElement::at((figure.value, SegmentValue::CenterOf(row)))
            + Text::new(label(figure), (6, 0), value_font.clone())
    }))
    .map_err(failed)?;
    if categorical && chart.series.len() > 1 {
        legend(&mut plot, SeriesLabelPosition::LowerRight)?;
    }
    Ok(())
}

/// The legend of the series that were given a label, in one style on every chart.
fn legend<'a, 'b: 'a, CT: plotters::coord::CoordTranslate>(
    plot: &mut ChartContext<'a, SVGBackend<'b>, CT>,
    position: SeriesLabelPosition,
) -> Result<(), DrawError> {
    plot.configure_series_labels()
        .position(position)
        .label_font((FAMILY, 13).into_font().color(&INK))
        .background_style(WHITE.mix(0.9))
        .border_style(RGBColor(200, 200, 200))
        .draw()
        .map_err(failed)
}

/// The SVG with its accessible name and description, which plotters does not write.
fn with_title(svg: String, chart: &Chart) -> String {
    let Some(end) = svg.find('>') else {
        return svg;
    };
    let description = chart.description();
    let head = maud::html! {
        title { (chart.title) " (" (chart.unit) ")" }
        desc { (description) }
    };
    let mut titled = svg;
    titled.insert_str(end + 1, &head.into_string());
    titled
}
