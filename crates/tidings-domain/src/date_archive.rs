//! Date archives, WordPress's addresses: a year (`/2026/`), a month (`/2026/11/`) or a day
//! (`/2026/11/30/`), each paginated with `page/N/`.

use time::{Date, Month, OffsetDateTime};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateArchive {
    Year(i32),
    Month(i32, u8),
    Day(i32, u8, u8),
}

/// Four digits, two, two: the forms of an archive's parts (`/2026/1/` is not one).
fn number(part: &str, digits: usize) -> Option<u32> {
    (part.len() == digits && part.bytes().all(|byte| byte.is_ascii_digit()))
        .then(|| part.parse().ok())
        .flatten()
}

impl DateArchive {
    /// The archive and page number an address's parts (between its slashes) name, if
    /// they name one: `2026`, `2026/page/2`, `2026/11`, `2026/11/30/page/3`…
    pub fn parse(parts: &[&str]) -> Option<(DateArchive, u32)> {
        let (date, page) = match parts {
            [date @ .., "page", number] => {
                let page: u32 = number.parse().ok().filter(|page| *page >= 2)?;
                if number.starts_with('0') {
                    return None;
                }
                (date, page)
            }
            date => (date, 1),
        };
        let archive = match date {
            [year] => DateArchive::Year(i32::try_from(number(year, 4)?).ok()?),
            [year, month] => DateArchive::Month(
                i32::try_from(number(year, 4)?).ok()?,
                u8::try_from(number(month, 2)?).ok()?,
            ),
            [year, month, day] => DateArchive::Day(
                i32::try_from(number(year, 4)?).ok()?,
                u8::try_from(number(month, 2)?).ok()?,
                u8::try_from(number(day, 2)?).ok()?,
            ),
            _ => return None,
        };
        archive.range()?;
        Some((archive, page))
    }

    /// The moments it covers, `[from, until)`, in UTC (the site's dates are UTC); `None`
    /// for a date that does not exist (`2026/02/30`) or a year before 1970.
    pub fn range(self) -> Option<(OffsetDateTime, OffsetDateTime)> {
        let date = |year: i32, month: u8, day: u8| {
            Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
        };
        let (from, until) = match self {
            DateArchive::Year(year) => (date(year, 1, 1)?, date(year + 1, 1, 1)?),
            DateArchive::Month(year, month) => {
                let next = if month == 12 {
                    date(year + 1, 1, 1)?
                } else {
                    date(year, month + 1, 1)?
                };
                (date(year, month, 1)?, next)
            }
            DateArchive::Day(year, month, day) => {
                let from = date(year, month, day)?;
                (from, from.next_day()?)
            }
        };
        if from.year() < 1970 {
            return None;
        }
        Some((from.midnight().assume_utc(), until.midnight().assume_utc()))
    }

    /// Its address: `/2026/`, `/2026/11/`, `/2026/11/30/`.
    pub fn path(self) -> String {
        match self {
            DateArchive::Year(year) => format!("/{year:04}/"),
            DateArchive::Month(year, month) => format!("/{year:04}/{month:02}/"),
            DateArchive::Day(year, month, day) => format!("/{year:04}/{month:02}/{day:02}/"),
        }
    }

    /// Its heading: "2026", "November 2026", "November 30, 2026".
    pub fn title(self) -> String {
        let month_name = |month: u8| {
            Month::try_from(month).map_or_else(|_| month.to_string(), |month| month.to_string())
        };
        match self {
            DateArchive::Year(year) => year.to_string(),
            DateArchive::Month(year, month) => format!("{} {year}", month_name(month)),
            DateArchive::Day(year, month, day) => {
                format!("{} {day}, {year}", month_name(month))
            }
        }
    }

    /// "Year", "Month" or "Day", for the heading's kind.
    pub fn kind(self) -> &'static str {
        match self {
            DateArchive::Year(_) => "Year",
            DateArchive::Month(..) => "Month",
            DateArchive::Day(..) => "Day",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn addresses_name_archives_and_pages() {
        let parse = |path: &str| DateArchive::parse(&path.split('/').collect::<Vec<_>>());
        assert_eq!(parse("2026"), Some((DateArchive::Year(2026), 1)));
        assert_eq!(parse("2026/page/3"), Some((DateArchive::Year(2026), 3)));
        assert_eq!(parse("2026/11"), Some((DateArchive::Month(2026, 11), 1)));
        assert_eq!(
            parse("2026/11/30/page/2"),
            Some((DateArchive::Day(2026, 11, 30), 2))
        );
        for not_one in [
            "2026/13",
            "2026/02/30",
            "2026/1",
            "26",
            "1969",
            "2026/page/1",
            "2026/page/02",
            "2026/11/30/31",
            "about",
            "2026/11/x",
        ] {
            assert_eq!(parse(not_one), None, "{not_one}");
        }
    }

    #[test]
    fn each_covers_its_days_in_utc() {
        assert_eq!(
            DateArchive::Month(2026, 12).range(),
            Some((
                datetime!(2026-12-01 0:00 UTC),
                datetime!(2027-01-01 0:00 UTC)
            ))
        );
        assert_eq!(
            DateArchive::Day(2028, 2, 29).range(),
            Some((
                datetime!(2028-02-29 0:00 UTC),
                datetime!(2028-03-01 0:00 UTC)
            ))
        );
        assert_eq!(DateArchive::Day(2026, 11, 30).title(), "November 30, 2026");
        assert_eq!(DateArchive::Month(2026, 11).title(), "November 2026");
        assert_eq!(DateArchive::Month(2026, 1).path(), "/2026/01/");
    }
}
