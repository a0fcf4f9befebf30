//! The dashboard's chart of comments per day, drawn by the server as SVG shapes (stacked
//! bars: approved, waiting, spam), so it needs no script and no chart library. The same
//! numbers go in a table beside it for screen readers.

use serde::Serialize;

/// One day's comments by status.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DayRow {
    /// "Nov 30".
    pub label: String,
    /// "2026-11-30".
    pub date: String,
    pub approved: u64,
    pub waiting: u64,
    pub spam: u64,
}

impl DayRow {
    pub fn total(&self) -> u64 {
        self.approved + self.waiting + self.spam
    }
}

/// A rectangle of the chart, in its own coordinates (the `viewBox`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// "approved", "waiting" or "spam": its colour comes from the style sheet.
    pub status: &'static str,
    /// What a pointer over it shows: "Nov 30: 4 approved".
    pub label: String,
}

/// A horizontal guide line with its value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tick {
    pub y: f64,
    pub value: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Chart {
    pub width: f64,
    pub height: f64,
    /// Where the bars stand, above the day labels.
    pub baseline: f64,
    pub bars: Vec<Bar>,
    pub ticks: Vec<Tick>,
    /// Day labels under every seventh bar: (x, text).
    pub labels: Vec<(f64, String)>,
    pub days: Vec<DayRow>,
}

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 200.0;
const LEFT: f64 = 30.0;
const BOTTOM: f64 = 20.0;
const TOP: f64 = 10.0;

/// The largest value the axis shows: the day with the most comments, rounded up to a
/// number that divides into four even steps (1, 2, 5 × a power of ten), at least 4.
fn axis_top(most: u64) -> u64 {
    let mut step = 1;
    loop {
        for factor in [1, 2, 5] {
            if factor * step * 4 >= most.max(4) {
                return factor * step * 4;
            }
        }
        step *= 10;
    }
}

pub fn comments_chart(days: Vec<DayRow>) -> Chart {
    let top = axis_top(days.iter().map(DayRow::total).max().unwrap_or(0));
    let plot_height = HEIGHT - BOTTOM - TOP;
    let slot = (WIDTH - LEFT) / days.len().max(1) as f64;
    let scale = plot_height / top as f64;
    let baseline = HEIGHT - BOTTOM;
    let mut bars = Vec::new();
    let mut labels = Vec::new();
    for (index, day) in days.iter().enumerate() {
        let x = LEFT + index as f64 * slot + slot * 0.15;
        let mut y = baseline;
        for (status, count) in [
            ("approved", day.approved),
            ("waiting", day.waiting),
            ("spam", day.spam),
        ] {
            if count == 0 {
                continue;
            }
            let height = count as f64 * scale;
            y -= height;
            bars.push(Bar {
                x: round(x),
                y: round(y),
                width: round(slot * 0.7),
                height: round(height),
                status,
                label: format!("{}: {count} {status}", day.label),
            });
        }
        if index % 7 == 0 {
            labels.push((round(x), day.label.clone()));
        }
    }
    let ticks = (0_u32..=4)
        .map(|step| Tick {
            y: round(baseline - plot_height * f64::from(step) / 4.0),
            value: top * u64::from(step) / 4,
        })
        .collect();
    Chart {
        width: WIDTH,
        height: HEIGHT,
        baseline,
        bars,
        ticks,
        labels,
        days,
    }
}

fn round(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(label: &str, approved: u64, waiting: u64, spam: u64) -> DayRow {
        DayRow {
            label: label.into(),
            date: String::new(),
            approved,
            waiting,
            spam,
        }
    }

    #[test]
    fn the_axis_ends_on_a_round_number() {
        assert_eq!(axis_top(0), 4);
        assert_eq!(axis_top(3), 4);
        assert_eq!(axis_top(7), 8);
        assert_eq!(axis_top(9), 20);
        assert_eq!(axis_top(21), 40);
        assert_eq!(axis_top(170), 200);
    }

    #[test]
    fn bars_stack_by_status_and_scale_to_the_axis() {
        let chart = comments_chart(vec![day("Nov 1", 2, 1, 1), day("Nov 2", 0, 0, 0)]);
        assert_eq!(chart.bars.len(), 3, "an empty day draws nothing");
        let heights: Vec<f64> = chart.bars.iter().map(|bar| bar.height).collect();
        // Four comments on a 4-high axis fill the plot (170 units tall).
        assert_eq!(heights, [85.0, 42.5, 42.5]);
        assert_eq!(chart.bars[0].y + chart.bars[0].height, chart.baseline);
        assert_eq!(chart.bars[1].y + chart.bars[1].height, chart.bars[0].y);
        assert_eq!(chart.bars[2].label, "Nov 1: 1 spam");
        assert_eq!(chart.ticks.last().unwrap().value, 4);
        assert_eq!(
            chart.labels,
            [(LEFT + 0.15 * 285.0, "Nov 1".to_owned())].map(|(x, l)| (round(x), l))
        );
    }
}
