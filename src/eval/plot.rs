//! The precision–recall curve as an SVG, drawn with plotters' SVG backend.

use super::{Report, Row, report_at, sweep_thresholds};

/// The precision–recall curve of each source (and pooled) as an SVG, the current
/// threshold marked with a dot on each curve.
pub fn plot_svg(rows: &[Row], peaks: &[Option<f32>], current: f32) -> String {
    let reports: Vec<Report> = sweep_thresholds()
        .into_iter()
        .map(|t| report_at(rows, peaks, t))
        .collect();
    let now = report_at(rows, peaks, current);
    let mut names: Vec<String> = now.sources.keys().cloned().collect();
    names.push("pooled".into());
    let mut svg = String::new();
    // Drawing into a string fails only on a bug (no file, no font library: plotters'
    // built-in text metrics); the curve is a tool's output, so say so in it.
    if let Err(e) = draw(&mut svg, &reports, &now, &names, current) {
        return format!("<svg xmlns=\"http://www.w3.org/2000/svg\"><!-- {e} --></svg>\n");
    }
    svg
}

fn draw(
    svg: &mut String,
    reports: &[Report],
    now: &Report,
    names: &[String],
    current: f32,
) -> Result<(), Box<dyn std::error::Error>> {
    use plotters::prelude::*;
    let root = SVGBackend::with_string(svg, (640, 480)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("plancheck detection: precision–recall (threshold {current:.2} marked)"),
            ("sans-serif", 15),
        )
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(48)
        .build_cartesian_2d(0f64..1f64, 0f64..1f64)?;
    chart
        .configure_mesh()
        .x_desc("recall")
        .y_desc("precision")
        .light_line_style(RGBColor(238, 238, 238))
        .draw()?;
    for (k, name) in names.iter().enumerate() {
        let colour = Palette99::pick(k).to_rgba();
        let score = |r: &Report| {
            if name == "pooled" {
                r.pooled
            } else {
                r.sources[name]
            }
        };
        let points = reports
            .iter()
            .map(score)
            .filter(|s| s.tp + s.fp > 0)
            .map(|s| (s.recall, s.precision));
        chart.draw_series(LineSeries::new(points, colour.stroke_width(2)))?;
        let s = score(now);
        chart.draw_series([Circle::new((s.recall, s.precision), 5, colour.filled())])?;
        chart.draw_series([Text::new(
            format!("{name} (F1 {:.2} at {current:.2})", s.f1),
            (0.55, 0.12 + 0.05 * k as f64),
            ("sans-serif", 12).into_font().color(&colour),
        )])?;
    }
    root.present()?;
    Ok(())
}
