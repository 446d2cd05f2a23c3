//! The precision–recall curve as an SVG drawn by hand: a few lines and polylines.

use super::{Report, Row, report_at, sweep_thresholds};

/// The precision–recall curve of each source (and pooled) as an SVG, the current
/// threshold marked with a dot on each curve.
pub fn plot_svg(rows: &[Row], peaks: &[Option<f32>], current: f32) -> String {
    const W: f64 = 640.0;
    const H: f64 = 480.0;
    const M: f64 = 56.0;
    let x = |recall: f64| M + recall * (W - 2.0 * M);
    let y = |precision: f64| H - M - precision * (H - 2.0 * M);
    let reports: Vec<(f32, Report)> = sweep_thresholds()
        .into_iter()
        .map(|t| (t, report_at(rows, peaks, t)))
        .collect();
    let now = report_at(rows, peaks, current);
    let mut names: Vec<String> = now.sources.keys().cloned().collect();
    names.push("pooled".into());
    let colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"];
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">plancheck detection: precision–recall (threshold {current:.2} marked)</text>\n",
        W / 2.0
    );
    for k in 0..=10 {
        let v = k as f64 / 10.0;
        svg.push_str(&format!(
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#eee\"/><line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#eee\"/>\n\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{v:.1}</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{v:.1}</text>\n",
            x(v), y(0.0), x(v), y(1.0), x(0.0), y(v), x(1.0), y(v),
            x(v), y(0.0) + 16.0, x(0.0) - 6.0, y(v) + 4.0
        ));
    }
    svg.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">recall</text>\n<text x=\"16\" y=\"{:.1}\" transform=\"rotate(-90 16 {:.1})\" text-anchor=\"middle\">precision</text>\n",
        W / 2.0, H - 16.0, H / 2.0, H / 2.0
    ));
    for (k, name) in names.iter().enumerate() {
        let colour = colours[k % colours.len()];
        let score = |r: &Report| {
            if name == "pooled" {
                r.pooled
            } else {
                r.sources[name]
            }
        };
        let points: Vec<String> = reports
            .iter()
            .map(|(_, r)| score(r))
            .filter(|s| s.tp + s.fp > 0)
            .map(|s| format!("{:.1},{:.1}", x(s.recall), y(s.precision)))
            .collect();
        let s = score(&now);
        svg.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"/>\n\
             <circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"5\" fill=\"{colour}\"/>\n\
             <text x=\"{:.1}\" y=\"{:.1}\" fill=\"{colour}\">{} (F1 {:.2} at {current:.2})</text>\n",
            points.join(" "),
            x(s.recall),
            y(s.precision),
            W - M - 220.0,
            H - M - 64.0 + 16.0 * k as f64,
            name.replace('&', "&amp;").replace('<', "&lt;"),
            s.f1
        ));
    }
    svg.push_str("</svg>\n");
    svg
}
