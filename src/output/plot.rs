//! Drawing charts with plotters, as PNG and SVG, with a font embedded in
//! the binary (DejaVu Sans) and the Okabe–Ito colour-blind-safe palette.
//!
//! Every chart is described as data ([`Chart`]) and drawn twice, once per
//! backend. With the embedded font, rotated text is not drawn rotated in
//! bitmaps, so the y-axis label sits above the axis, horizontally.

use std::path::{Path, PathBuf};
use std::sync::Once;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::storage::tables::OutputError;

/// A chart that was drawn: its file stem under `charts/` and its caption.
#[derive(Clone, Debug, PartialEq)]
pub struct Drawn {
    /// File stem (`charts/<stem>.png` and `.svg`).
    pub stem: String,
    /// What it shows, in a sentence.
    pub caption: String,
}

/// The chart files of a drawn chart.
pub fn files(dir: &Path, d: &Drawn) -> [PathBuf; 2] {
    let stem = dir.join("charts").join(&d.stem);
    [stem.with_extension("png"), stem.with_extension("svg")]
}

/// Adds the files of `drawn` to the list of what proversim wrote into
/// `dir` (see `storage::written`).
pub fn list_drawn(dir: &Path, drawn: &[Drawn]) -> Result<(), OutputError> {
    crate::storage::written::add(
        dir,
        drawn
            .iter()
            .flat_map(|d| files(dir, d))
            .filter_map(|p| crate::storage::written::name_in(dir, &p)),
    )
}

/// The Okabe–Ito palette (black last).
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(240, 228, 66),  // yellow
    RGBColor(0, 0, 0),       // black
];

/// Width and height of every chart, pixels.
pub const SIZE: (u32, u32) = (960, 600);

static FONTS: Once = Once::new();

/// Registers the embedded font once.
pub fn register_fonts() {
    FONTS.call_once(|| {
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            dejavu::sans::regular(),
        );
        let _ = plotters::style::register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold());
    });
}

/// A named series of points.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Its legend.
    pub name: String,
    /// `(x, y)` points.
    pub points: Vec<(f64, f64)>,
    /// An optional band `(x, low, high)` drawn under the line.
    pub band: Vec<(f64, f64, f64)>,
}

impl Series {
    /// A series without a band.
    pub fn new(name: impl Into<String>, points: Vec<(f64, f64)>) -> Series {
        Series {
            name: name.into(),
            points,
            band: Vec::new(),
        }
    }
}

/// What a chart shows.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// Lines (with bands, if any), and vertical marks `(x, label)`.
    Lines {
        /// The lines.
        series: Vec<Series>,
        /// Vertical marks.
        marks: Vec<(f64, String)>,
    },
    /// Areas stacked in series order (each series' y is its own part).
    Stacked {
        /// The layers, bottom first; all share the same x values.
        series: Vec<Series>,
    },
    /// A grid of cells coloured by value.
    Heatmap {
        /// Column labels (x).
        xs: Vec<String>,
        /// Row labels (y).
        ys: Vec<String>,
        /// `values[row][column]`, `None` where missing.
        values: Vec<Vec<Option<f64>>>,
    },
}

/// A chart: its title, axis labels (with units) and content.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// The title.
    pub title: String,
    /// The x-axis label, with units.
    pub x_label: String,
    /// The y-axis label, with units.
    pub y_label: String,
    /// The content.
    pub kind: Kind,
}

fn err(path: &Path, e: impl std::fmt::Display) -> OutputError {
    OutputError {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Draws a chart to `<stem>.png` and `<stem>.svg`; returns both paths.
pub fn draw(chart: &Chart, stem: &Path) -> Result<Vec<PathBuf>, OutputError> {
    register_fonts();
    let png = stem.with_extension("png");
    let svg = stem.with_extension("svg");
    // Both drawn aside and renamed into place: a full disk or a kill never
    // leaves a chart cut short.
    {
        let (partial, file) =
            crate::storage::tables::Partial::create_with_suffix(&png, ".partial.png")?;
        drop(file);
        {
            let root = BitMapBackend::new(partial.path(), SIZE).into_drawing_area();
            render(chart, &root).map_err(|e| err(&png, e))?;
            root.present().map_err(|e| err(&png, e))?;
        }
        partial.commit(&png)?;
    }
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, SIZE).into_drawing_area();
        render(chart, &root).map_err(|e| err(&svg, e))?;
        root.present().map_err(|e| err(&svg, e))?;
    }
    crate::storage::tables::write_atomic(&svg, text.as_bytes())?;
    Ok(vec![png, svg])
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn bounds(points: impl Iterator<Item = (f64, f64)>) -> ((f64, f64), (f64, f64)) {
    let (mut x0, mut x1, mut y0, mut y1) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for (x, y) in points {
        if x.is_finite() && y.is_finite() {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
    }
    if !x0.is_finite() {
        return ((0.0, 1.0), (0.0, 1.0));
    }
    if x1 <= x0 {
        x1 = x0 + 1.0;
    }
    // From zero, unless the values vary little around a level far from it
    // (a sweep metric of 0.050 to 0.051 would be a flat line).
    if !(y0 > 0.0 && (y1 - y0) < 0.25 * y1) {
        y0 = y0.min(0.0);
    } else {
        let pad = (y1 - y0).max(y1.abs() * 1e-3) * 0.1;
        y0 -= pad;
        y1 += pad;
    }
    if y1 <= y0 {
        y1 = y0 + 1.0;
    }
    ((x0, x1), (y0, y1 + (y1 - y0) * 0.05))
}

fn render<DB: DrawingBackend>(chart: &Chart, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let title = ("sans-serif", 24, FontStyle::Bold);
    let root = root.titled(&chart.title, title)?;
    // The y label above the axis, horizontally.
    root.draw_text(
        &chart.y_label,
        &TextStyle::from(("sans-serif", 16)).color(&BLACK.mix(0.8)),
        (14, 4),
    )?;
    let area = root.margin(22, 10, 10, 24);
    match &chart.kind {
        Kind::Lines { series, marks } => lines(chart, &area, series, marks),
        Kind::Stacked { series } => stacked(chart, &area, series),
        Kind::Heatmap { xs, ys, values } => heatmap(chart, &area, xs, ys, values),
    }
}

/// Tick labels with as many decimals as a range of `span` needs.
fn tick(v: f64, span: f64) -> String {
    let step = span / 8.0;
    if step >= 1.0 || v.abs() >= 1e4 {
        format_value(v)
    } else {
        let decimals = (-step.log10().floor()).clamp(0.0, 12.0) as usize;
        format!("{v:.decimals$}")
    }
}

fn style_mesh<DB: DrawingBackend>(
    chart: &Chart,
    ctx: &mut ChartContext<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
) -> DrawResult<DB> {
    let xr = ctx.x_range();
    let yr = ctx.y_range();
    let (xs, ys) = (xr.end - xr.start, yr.end - yr.start);
    ctx.configure_mesh()
        .x_desc(&chart.x_label)
        .axis_desc_style(("sans-serif", 16))
        .label_style(("sans-serif", 14))
        .light_line_style(BLACK.mix(0.06))
        .bold_line_style(BLACK.mix(0.15))
        .x_label_formatter(&|v| tick(*v, xs))
        .y_label_formatter(&|v| tick(*v, ys))
        .draw()
}

fn lines<DB: DrawingBackend>(
    chart: &Chart,
    area: &DrawingArea<DB, Shift>,
    series: &[Series],
    marks: &[(f64, String)],
) -> DrawResult<DB> {
    let all = series.iter().flat_map(|s| {
        s.points
            .iter()
            .copied()
            .chain(s.band.iter().flat_map(|&(x, lo, hi)| [(x, lo), (x, hi)]))
    });
    let ((x0, x1), (y0, mut y1)) = bounds(all);
    // Headroom for the legend in the upper right.
    if series.len() > 1 || series.iter().any(|s| !s.name.is_empty()) {
        y1 += (y1 - y0) * 0.15 * series.len().min(4) as f64 / 2.0;
    }
    let mut ctx = ChartBuilder::on(area)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    style_mesh(chart, &mut ctx)?;
    for (i, s) in series.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        if !s.band.is_empty() {
            let mut poly: Vec<(f64, f64)> = s.band.iter().map(|&(x, _, hi)| (x, hi)).collect();
            poly.extend(s.band.iter().rev().map(|&(x, lo, _)| (x, lo)));
            ctx.draw_series(std::iter::once(Polygon::new(poly, color.mix(0.2).filled())))?;
        }
        // Earlier lines are wider, so that lines that coincide stay visible.
        let width = 2 + (series.len() - 1 - i).min(3) as u32;
        ctx.draw_series(LineSeries::new(
            s.points.iter().copied(),
            color.stroke_width(width),
        ))?
        .label(&s.name)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(3)));
        if s.points.len() <= 24 {
            ctx.draw_series(s.points.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
        }
    }
    // Labels step down the chart so that marks close together stay legible.
    for (i, (x, label)) in marks.iter().enumerate() {
        let grey = BLACK.mix(0.6);
        let at = 0.92 - 0.07 * (i % 12) as f64;
        ctx.draw_series(LineSeries::new(
            vec![(*x, y0), (*x, y1)],
            grey.stroke_width(1),
        ))?;
        ctx.draw_series(std::iter::once(Text::new(
            label.clone(),
            (*x, y0 + (y1 - y0) * at),
            ("sans-serif", 14).into_font().color(&grey),
        )))?;
    }
    if series.len() > 1 || series.iter().any(|s| !s.name.is_empty()) {
        ctx.configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .label_font(("sans-serif", 14))
            .position(SeriesLabelPosition::UpperRight)
            .draw()?;
    }
    Ok(())
}

fn stacked<DB: DrawingBackend>(
    chart: &Chart,
    area: &DrawingArea<DB, Shift>,
    series: &[Series],
) -> DrawResult<DB> {
    let xs: Vec<f64> = series
        .first()
        .map(|s| s.points.iter().map(|p| p.0).collect())
        .unwrap_or_default();
    let mut base = vec![0.0; xs.len()];
    let mut layers = Vec::new();
    for s in series {
        let top: Vec<f64> = base.iter().zip(&s.points).map(|(b, p)| b + p.1).collect();
        layers.push((s.name.clone(), base.clone(), top.clone()));
        base = top;
    }
    let ymax = base.iter().copied().fold(0.0, f64::max).max(1e-9) * 1.05;
    let (x0, x1) = (
        xs.first().copied().unwrap_or(0.0),
        xs.last()
            .copied()
            .unwrap_or(1.0)
            .max(xs.first().copied().unwrap_or(0.0) + 1.0),
    );
    let mut ctx = ChartBuilder::on(area)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d(x0..x1, 0.0..ymax)?;
    style_mesh(chart, &mut ctx)?;
    for (i, (name, lo, hi)) in layers.into_iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        let mut poly: Vec<(f64, f64)> = xs.iter().copied().zip(hi.iter().copied()).collect();
        poly.extend(xs.iter().copied().zip(lo.iter().copied()).rev());
        ctx.draw_series(std::iter::once(Polygon::new(
            poly,
            color.mix(0.85).filled(),
        )))?
        .label(name)
        .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], color.filled()));
    }
    ctx.configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .label_font(("sans-serif", 14))
        .position(SeriesLabelPosition::LowerRight)
        .draw()?;
    Ok(())
}

/// A colour from a sequential blue ramp for `t` in 0..=1.
fn ramp(t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let lerp = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    RGBColor(lerp(240.0, 8.0), lerp(247.0, 48.0), lerp(255.0, 107.0))
}

fn heatmap<DB: DrawingBackend>(
    chart: &Chart,
    area: &DrawingArea<DB, Shift>,
    xs: &[String],
    ys: &[String],
    values: &[Vec<Option<f64>>],
) -> DrawResult<DB> {
    let (nx, ny) = (xs.len().max(1), ys.len().max(1));
    let flat: Vec<f64> = values
        .iter()
        .flatten()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    let lo = flat.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = flat.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = if hi > lo { hi - lo } else { 1.0 };
    let (plot, legend) = area.split_horizontally(SIZE.0 as i32 - 150);
    let mut ctx = ChartBuilder::on(&plot)
        .x_label_area_size(48)
        .y_label_area_size(90)
        .build_cartesian_2d(
            (0..nx as i32 - 1).into_segmented(),
            (0..ny as i32 - 1).into_segmented(),
        )?;
    let (xl, yl) = (xs.to_vec(), ys.to_vec());
    let name = |labels: &[String], v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
        _ => String::new(),
    };
    ctx.configure_mesh()
        .disable_mesh()
        .x_desc(&chart.x_label)
        .axis_desc_style(("sans-serif", 16))
        .label_style(("sans-serif", 14))
        .x_labels(nx + 1)
        .y_labels(ny + 1)
        .x_label_formatter(&|v| name(&xl, v))
        .y_label_formatter(&|v| name(&yl, v))
        .draw()?;
    for (r, row) in values.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (x, y) = (c as i32, r as i32);
            let fill = match v {
                Some(v) => ramp((v - lo) / span).filled(),
                None => RGBColor(200, 200, 200).filled(),
            };
            ctx.draw_series(std::iter::once(Rectangle::new(
                [
                    (SegmentValue::Exact(x), SegmentValue::Exact(y)),
                    (SegmentValue::Exact(x + 1), SegmentValue::Exact(y + 1)),
                ],
                fill,
            )))?;
            if nx * ny <= 64
                && let Some(v) = v
            {
                let t = (v - lo) / span;
                let color = if t > 0.55 { WHITE } else { BLACK };
                ctx.draw_series(std::iter::once(Text::new(
                    tick(*v, span / 4.0),
                    (SegmentValue::CenterOf(x), SegmentValue::CenterOf(y)),
                    ("sans-serif", 13).into_font().color(&color).pos(
                        plotters::style::text_anchor::Pos::new(
                            plotters::style::text_anchor::HPos::Center,
                            plotters::style::text_anchor::VPos::Center,
                        ),
                    ),
                )))?;
            }
        }
    }
    // A colour scale.
    let steps = 40;
    let (w, h) = legend.dim_in_pixel();
    let top = 40i32;
    let bottom = h as i32 - 70;
    for i in 0..steps {
        let t0 = i as f64 / steps as f64;
        let y_hi = bottom - ((bottom - top) as f64 * (t0 + 1.0 / steps as f64)) as i32;
        let y_lo = bottom - ((bottom - top) as f64 * t0) as i32;
        legend.draw(&Rectangle::new([(30, y_hi), (55, y_lo)], ramp(t0).filled()))?;
    }
    let font = ("sans-serif", 13).into_font().color(&BLACK);
    legend.draw(&Text::new(
        tick(hi, span / 4.0),
        (60, top - 6),
        font.clone(),
    ))?;
    legend.draw(&Text::new(tick(lo, span / 4.0), (60, bottom - 6), font))?;
    let _ = w;
    Ok(())
}

/// A number in few characters (`1.5M`, `900k`, `12.5`, `0.031`).
pub fn format_value(v: f64) -> String {
    let a = v.abs();
    let trim = |s: String| {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    if a == 0.0 {
        "0".into()
    } else if a >= 1e12 {
        // Past thousands of billions (amounts in smallest units) a suffix
        // reads worse than a power of ten.
        let s = format!("{v:.3e}");
        match s.split_once('e') {
            Some((m, e)) => format!("{}e{e}", trim(m.to_string())),
            None => s,
        }
    } else if a >= 1e9 {
        format!("{}G", trim(format!("{:.2}", v / 1e9)))
    } else if a >= 1e6 {
        format!("{}M", trim(format!("{:.2}", v / 1e6)))
    } else if a >= 1e4 {
        format!("{}k", trim(format!("{:.1}", v / 1e3)))
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        trim(format!("{v:.2}"))
    } else if a >= 0.001 {
        trim(format!("{v:.3}"))
    } else {
        format!("{v:.1e}")
    }
}

#[cfg(test)]
mod tests {
    use super::format_value;

    #[test]
    fn values_read_short_at_every_size() {
        assert_eq!(format_value(0.0), "0");
        assert_eq!(format_value(0.25), "0.25");
        assert_eq!(format_value(40.0), "40");
        assert_eq!(format_value(12_345.0), "12.3k");
        assert_eq!(format_value(1.5e9), "1.5G");
        // An amount in smallest units: a power of ten, not "272598.24G".
        assert_eq!(format_value(2.725_982_420_439e23), "2.726e23");
        assert_eq!(format_value(-4e20), "-4e20");
    }
}
