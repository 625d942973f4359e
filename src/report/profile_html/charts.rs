//! The page's inline SVG charts: horizontal bar charts and the small bars
//! of table cells.

use super::parts::esc;

pub(super) const SVG: &str = "http://www.w3.org/2000/svg";
/// Bar colours: the group (or the only series), then the rest.
pub(super) const COLORS: [&str; 2] = ["#4c78a8", "#bab0ac"];

/// One row of a bar chart: its label and, per series, a value and the text
/// shown after the bar.
pub(super) struct Bar {
    pub(super) label: String,
    pub(super) values: Vec<(f64, String)>,
}

/// A horizontal bar chart (grouped with several series), with a zero axis
/// when a value is negative and an optional dashed reference line.
pub(super) fn svg_bars(
    aria: &str,
    series: &[&str],
    rows: &[Bar],
    refline: Option<(f64, &str)>,
) -> String {
    let n = series.len().max(1);
    let (lw, bw, bh, aria) = (230.0_f64, 360.0, 15.0, esc(aria));
    let (row_h, top) = (bh * n as f64 + 9.0, if n > 1 { 24.0 } else { 4.0 });
    let vals = rows.iter().flat_map(|r| r.values.iter().map(|v| v.0));
    let all = vals.chain(refline.map(|r| r.0));
    let (lo, hi) = all.fold((0.0_f64, 0.0_f64), |(l, h), v| (l.min(v), h.max(v)));
    let (k, w, h) = (
        bw / (hi - lo).max(1e-9),
        lw + bw + 110.0,
        top + row_h * rows.len() as f64 + 18.0,
    );
    let x0 = lw - lo * k;
    let mut s = format!(
        "<figure><svg xmlns=\"{SVG}\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{aria}\">"
    );
    for (i, name) in series.iter().enumerate().filter(|_| n > 1) {
        let (x, c, name) = (lw + i as f64 * 130.0, COLORS[i % 2], esc(name));
        s += &format!(
            "<rect x=\"{x}\" y=\"4\" width=\"12\" height=\"12\" fill=\"{c}\"/><text x=\"{}\" y=\"14\">{name}</text>",
            x + 16.0
        );
    }
    for (i, r) in rows.iter().enumerate() {
        let y = top + i as f64 * row_h;
        let mut short: String = r.label.chars().take(34).collect();
        if short.len() < r.label.len() {
            short.push('…');
        }
        let (short, full, ty) = (esc(&short), esc(&r.label), y + bh * n as f64 / 2.0 + 4.0);
        s += &format!(
            "<text x=\"{}\" y=\"{ty:.1}\" text-anchor=\"end\">{short}</text>",
            lw - 8.0
        );
        for (j, (v, text)) in r.values.iter().enumerate() {
            let (yb, xv, text, c) = (y + j as f64 * bh, x0 + v * k, esc(text), COLORS[j % 2]);
            let (x, bw, tx, ty) = (x0.min(xv), (xv - x0).abs(), x0.max(xv) + 4.0, yb + bh - 4.0);
            s += &format!(
                "<rect x=\"{x:.1}\" y=\"{yb:.1}\" width=\"{bw:.1}\" height=\"13\" fill=\"{c}\"><title>{full}: {text}</title></rect><text x=\"{tx:.1}\" y=\"{ty:.1}\">{text}</text>"
            );
        }
    }
    let bottom = h - 16.0;
    if lo < 0.0 {
        s += &format!(
            "<line x1=\"{x0:.1}\" y1=\"{top}\" x2=\"{x0:.1}\" y2=\"{bottom}\" stroke=\"#59636e\"/>"
        );
    }
    if let Some((at, label)) = refline {
        let (x, label) = (x0 + at * k, esc(label));
        s += &format!(
            "<line x1=\"{x:.1}\" y1=\"{top}\" x2=\"{x:.1}\" y2=\"{bottom}\" stroke=\"#cf222e\" stroke-dasharray=\"4 3\"/><text x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">{label}</text>",
            h - 3.0
        );
    }
    s + "</svg></figure>\n"
}

/// A small bar for a table cell: `frac` (0–1) of it filled.
pub(super) fn mini_bar(frac: f64) -> String {
    let (w, c) = (60.0 * frac.clamp(0.0, 1.0), COLORS[0]);
    format!(
        "<svg xmlns=\"{SVG}\" width=\"60\" height=\"9\" aria-hidden=\"true\"><rect width=\"60\" height=\"9\" fill=\"#eaeef2\"/><rect width=\"{w:.1}\" height=\"9\" fill=\"{c}\"/></svg> "
    )
}
