//! Charts drawn on the server as SVG: bars over time, a line for the balance, and horizontal
//! bars for the groups. Each scales to its container (a `viewBox`, no fixed width) with text
//! sized to stay readable on a 360 px screen, carries a title and a description for screen
//! readers, and only ever holds escaped text.

use std::fmt::Write as _;

use crate::report::{Chart, Point, Slice, Summary};

const WIDTH: f64 = 400.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 30.0;
const ACCENT: &str = "#7c3aed";
const MUTED: &str = "#6b7280";
const GRID: &str = "#e5e7eb";
const INK: &str = "#111827";

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A round step for an axis up to `max`: 1, 2 or 5 times a power of ten.
fn nice_max(max: i64) -> i64 {
    if max <= 0 {
        return 1;
    }
    let mut step = 1i64;
    loop {
        for m in [1, 2, 5] {
            if step.saturating_mul(m) >= max {
                return step.saturating_mul(m);
            }
        }
        step = step.saturating_mul(10);
    }
}

/// A figure shortened for an axis: 1200 → 1.2k.
fn short(n: i64) -> String {
    match n.abs() {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => format!("{:.0}k", n as f64 / 1000.0),
        _ => format!("{:.1}M", n as f64 / 1_000_000.0),
    }
}

fn open(out: &mut String, height: f64, title: &str, description: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{}: {}" font-family="system-ui, sans-serif" font-size="11"><title>{}</title>"#,
        escape(title),
        escape(description),
        escape(title)
    );
}

/// Bars (or a line) over the buckets of `series`.
fn over_time(series: &[Point], value: impl Fn(&Point) -> i64, line: bool, title: &str) -> String {
    let mut out = String::new();
    let values: Vec<i64> = series.iter().map(&value).collect();
    let max = nice_max(values.iter().copied().max().unwrap_or(0));
    open(
        &mut out,
        HEIGHT,
        title,
        &format!(
            "{} periods from {} to {}; highest {}",
            series.len(),
            series.first().map(|p| p.label.as_str()).unwrap_or(""),
            series.last().map(|p| p.label.as_str()).unwrap_or(""),
            values.iter().copied().max().unwrap_or(0)
        ),
    );
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    for i in 0..=2 {
        let v = max * i / 2;
        let y = TOP + plot_h - plot_h * (v as f64) / (max as f64);
        let _ = write!(
            out,
            r#"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="{GRID}"/><text x="{}" y="{:.1}" text-anchor="end" fill="{MUTED}">{}</text>"#,
            WIDTH - RIGHT,
            LEFT - 4.0,
            y + 4.0,
            short(v)
        );
    }
    let n = series.len().max(1) as f64;
    let slot = plot_w / n;
    if line {
        let points: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let x = LEFT + slot * (i as f64 + 0.5);
                let y = TOP + plot_h - plot_h * (*v as f64) / (max as f64);
                format!("{x:.1},{y:.1}")
            })
            .collect();
        let _ = write!(
            out,
            r#"<polyline fill="none" stroke="{ACCENT}" stroke-width="2" points="{}"/>"#,
            points.join(" ")
        );
    } else {
        for (i, (point, v)) in series.iter().zip(&values).enumerate() {
            let h = plot_h * (*v as f64) / (max as f64);
            let x = LEFT + slot * i as f64 + slot * 0.15;
            let _ = write!(
                out,
                r#"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{h:.1}" fill="{ACCENT}" rx="1"><title>{}: {v}</title></rect>"#,
                TOP + plot_h - h,
                (slot * 0.7).max(0.5),
                escape(&point.label)
            );
        }
    }
    // The first, middle and last labels.
    let mut shown = vec![0, series.len() / 2, series.len().saturating_sub(1)];
    shown.dedup();
    for i in shown {
        if let Some(point) = series.get(i) {
            let x = LEFT + slot * (i as f64 + 0.5);
            let anchor = if i == 0 && series.len() > 1 {
                "start"
            } else if i + 1 == series.len() && series.len() > 1 {
                "end"
            } else {
                "middle"
            };
            let x = match anchor {
                "start" => LEFT,
                "end" => WIDTH - RIGHT,
                _ => x,
            };
            let _ = write!(
                out,
                r#"<text x="{x:.1}" y="{}" text-anchor="{anchor}" fill="{MUTED}">{}</text>"#,
                HEIGHT - 10.0,
                escape(&point.label)
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// Horizontal bars, one per slice (the top ten).
fn groups(slices: &[Slice], title: &str) -> String {
    let shown: Vec<&Slice> = slices.iter().take(10).collect();
    let row = 30.0;
    let height = (shown.len().max(1) as f64) * row + 8.0;
    let mut out = String::new();
    open(
        &mut out,
        height,
        title,
        &format!(
            "{} groups; the largest spent {}",
            slices.len(),
            slices.first().map(|s| s.credits).unwrap_or(0)
        ),
    );
    if shown.is_empty() {
        let _ = write!(
            out,
            r#"<text x="{}" y="22" text-anchor="middle" fill="{MUTED}">Nothing spent in this range</text>"#,
            WIDTH / 2.0
        );
    }
    let max = shown.iter().map(|s| s.credits).max().unwrap_or(0).max(1);
    for (i, slice) in shown.iter().enumerate() {
        let y = 4.0 + row * i as f64;
        let w = (WIDTH - 70.0) * slice.credits as f64 / max as f64;
        let label: String = slice.label.chars().take(48).collect();
        let _ = write!(
            out,
            r#"<text x="0" y="{:.1}" fill="{INK}">{}</text><rect x="0" y="{:.1}" width="{:.1}" height="9" fill="{ACCENT}" rx="2"/><text x="{:.1}" y="{:.1}" fill="{MUTED}">{}</text>"#,
            y + 10.0,
            escape(&label),
            y + 15.0,
            w.max(1.0),
            w.max(1.0) + 4.0,
            y + 23.5,
            slice.credits
        );
    }
    out.push_str("</svg>");
    out
}

/// The SVG of `chart` for `summary`.
pub fn svg(chart: Chart, summary: &Summary) -> String {
    match chart {
        Chart::Spend => over_time(&summary.series, |p| p.credits, false, chart.title()),
        Chart::Balance => over_time(&summary.series, |p| p.balance, true, chart.title()),
        Chart::Members => over_time(&summary.series, |p| p.active_members, false, chart.title()),
        Chart::Apps => groups(&summary.by_app, chart.title()),
        Chart::Actions => groups(&summary.by_action, chart.title()),
        Chart::People => groups(&summary.by_member, chart.title()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_round_up_and_shorten() {
        assert_eq!(nice_max(0), 1);
        assert_eq!(nice_max(7), 10);
        assert_eq!(nice_max(13), 20);
        assert_eq!(nice_max(450), 500);
        assert_eq!(short(1200), "1200");
        assert_eq!(short(25_000), "25k");
        assert_eq!(short(3_400_000), "3.4M");
    }

    #[test]
    fn text_in_a_chart_is_escaped() {
        let slices = [Slice {
            key: "x".into(),
            label: "<script>alert(1)</script>".into(),
            credits: 5,
            actions: 1,
        }];
        let svg = groups(&slices, "By <app>");
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("By &lt;app&gt;"));
    }
}
