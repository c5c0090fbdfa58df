use super::*;

fn figure(period: &str, value: f64) -> Figure {
    Figure {
        period: Period::parse(period).expect("a period"),
        category: None,
        value,
        caveated: false,
    }
}

fn chart(series: Vec<Series>) -> Chart {
    Chart {
        title: "New unicorns".to_owned(),
        unit: "companies".to_owned(),
        series,
        years: (None, None),
        footer: vec!["Source: Tencent Research Institute.".to_owned()],
    }
}

fn series(name: &str, figures: Vec<Figure>) -> Series {
    Series {
        name: name.to_owned(),
        figures,
    }
}

/// The polylines of an SVG: the series' lines and the legend's samples.
/// The lines drawn in the first series' colour (the axes and ticks are black).
fn polylines(svg: &str) -> usize {
    svg.lines()
        .filter(|line| line.starts_with("<polyline") && line.contains(r##"stroke="#0072B2""##))
        .count()
}

#[test]
fn periods_are_years_and_quarters() {
    assert_eq!(Period::parse("2024"), Some(Period::Year(2024)));
    assert_eq!(Period::parse("2024-Q3"), Some(Period::Quarter(2024, 3)));
    assert_eq!(Period::parse("2024-Q5"), None);
    assert_eq!(Period::parse("twenty"), None);
    assert_eq!(Period::Quarter(2024, 3).to_string(), "2024-Q3");
}

#[test]
fn only_neighbouring_periods_are_joined() {
    assert!(Period::Year(2020).is_followed_by(Period::Year(2021)));
    assert!(!Period::Year(2018).is_followed_by(Period::Year(2020)));
    assert!(Period::Quarter(2023, 4).is_followed_by(Period::Quarter(2024, 1)));
    assert!(!Period::Quarter(2024, 1).is_followed_by(Period::Quarter(2024, 3)));
    assert!(!Period::Year(2024).is_followed_by(Period::Quarter(2025, 1)));
}

#[test]
fn a_gap_in_the_years_is_never_bridged() {
    // 2018 and 2020 with no 2019 between them: two points, and only the legend's line.
    let apart = chart(vec![series(
        "China",
        vec![figure("2018", 112.0), figure("2020", 84.0)],
    )]);
    let svg = svg(&apart, Size::DEFAULT).expect("drawn");
    assert_eq!(polylines(&svg), 1, "{svg}");
    // 2020 and 2021 are neighbours: a line joins them.
    let next = chart(vec![series(
        "China",
        vec![figure("2020", 84.0), figure("2021", 33.0)],
    )]);
    let svg = super::svg(&next, Size::DEFAULT).expect("drawn");
    assert_eq!(polylines(&svg), 2, "{svg}");
}

#[test]
fn categories_and_single_periods_are_bars() {
    let mut by_industry = figure("2023", 38.8);
    by_industry.category = Some("enterprise technology".to_owned());
    assert_eq!(
        chart(vec![series("United States", vec![by_industry])]).kind(),
        Kind::Bars
    );
    let one_period = chart(vec![
        series("China", vec![figure("2024-Q3", 4676.0)]),
        series("United States", vec![figure("2024-Q3", 10840.0)]),
    ]);
    assert_eq!(one_period.kind(), Kind::Bars);
    let over_time = chart(vec![series(
        "China",
        vec![figure("2018", 112.0), figure("2020", 84.0)],
    )]);
    assert_eq!(over_time.kind(), Kind::Lines);
}

#[test]
fn the_svg_names_itself_and_keeps_its_footer() {
    let mut caveated = figure("2024", 17.0);
    caveated.caveated = true;
    let drawn = chart(vec![series(
        "China & co",
        vec![figure("2021", 33.0), caveated],
    )]);
    let svg = svg(&drawn, Size::DEFAULT).expect("drawn");
    assert!(
        svg.contains("<title>New unicorns (companies)</title>"),
        "{svg}"
    );
    assert!(
        svg.contains("China &amp; co: 2021: 33, 2024: 17 *"),
        "{svg}"
    );
    assert!(svg.contains("Tencent Research Institute"), "{svg}");
    assert!(
        svg.contains("\n17 *\n"),
        "the caveated figure is starred: {svg}"
    );
}

#[test]
fn a_png_is_the_same_chart_at_the_size_asked() {
    let drawn = chart(vec![series("China", vec![figure("2021", 33.0)])]);
    let size = Size::new(Some(640), Some(360)).expect("within bounds");
    let png = png(&drawn, size).expect("drawn");
    let decoded = resvg::tiny_skia::Pixmap::decode_png(&png).expect("a PNG");
    assert_eq!((decoded.width(), decoded.height()), (640, 360));
    let ink = |p: &&resvg::tiny_skia::PremultipliedColorU8| {
        p.red() < 80 && p.green() < 80 && p.blue() < 80
    };
    assert!(
        decoded.pixels().iter().any(|pixel| ink(&pixel)),
        "something was drawn"
    );
}

#[test]
fn sizes_outside_the_bounds_are_refused() {
    assert!(Size::new(Some(100), None).is_err());
    assert!(Size::new(None, Some(5000)).is_err());
    assert_eq!(Size::new(None, None), Ok(Size::DEFAULT));
}
