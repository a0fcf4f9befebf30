//! The sitemaps' files: which child sitemaps the index lists and how they are named, each
//! under the protocol's limit of 50,000 addresses (sitemaps.org).

use std::fmt;

/// The most addresses one sitemap may list.
pub const MAX_URLS: u64 = 50_000;

/// What a child sitemap lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SitemapKind {
    /// Articles published in one month.
    Articles {
        year: i32,
        month: u8,
    },
    Pages,
    Sections,
    Tags,
    Authors,
}

/// One child sitemap: a kind, and which 50,000 of it (1-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SitemapFile {
    pub kind: SitemapKind,
    pub part: u64,
}

impl SitemapFile {
    /// Reads a file name under `/sitemaps/`: `articles-2026-11.xml`, `tags-2.xml`…
    pub fn parse(file: &str) -> Option<SitemapFile> {
        let stem = file.strip_suffix(".xml")?;
        let (stem, part) = match stem.rsplit_once('-') {
            Some((rest, part)) if is_part_number(rest, part) => {
                (rest, part.parse::<u64>().ok().filter(|part| *part >= 2)?)
            }
            _ => (stem, 1),
        };
        let kind = match stem {
            "pages" => SitemapKind::Pages,
            "sections" => SitemapKind::Sections,
            "tags" => SitemapKind::Tags,
            "authors" => SitemapKind::Authors,
            _ => {
                let date = stem.strip_prefix("articles-")?;
                let (year, month) = date.split_once('-')?;
                if year.len() != 4 || month.len() != 2 {
                    return None;
                }
                let year: i32 = year.parse().ok()?;
                let month: u8 = month.parse().ok()?;
                if !(1..=12).contains(&month) || year < 1 {
                    return None;
                }
                SitemapKind::Articles { year, month }
            }
        };
        Some(SitemapFile { kind, part })
    }

    /// The files a list of `count` addresses takes.
    pub fn parts(kind: SitemapKind, count: u64) -> impl Iterator<Item = SitemapFile> {
        (1..=count.div_ceil(MAX_URLS)).map(move |part| SitemapFile { kind, part })
    }

    /// Where this part starts in its list.
    pub fn offset(self) -> u64 {
        (self.part - 1) * MAX_URLS
    }

    pub fn path(self) -> String {
        format!("/sitemaps/{self}")
    }
}

/// Whether `part`, the last dashed piece of a name, numbers a part: digits without a
/// leading zero, and not the month of `articles-YYYY-MM`.
fn is_part_number(rest: &str, part: &str) -> bool {
    let digits = !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit());
    let month = rest.starts_with("articles-") && rest.len() == "articles-2026".len();
    digits && !part.starts_with('0') && !month
}

impl fmt::Display for SitemapFile {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            SitemapKind::Articles { year, month } => {
                write!(formatter, "articles-{year:04}-{month:02}")?
            }
            SitemapKind::Pages => formatter.write_str("pages")?,
            SitemapKind::Sections => formatter.write_str("sections")?,
            SitemapKind::Tags => formatter.write_str("tags")?,
            SitemapKind::Authors => formatter.write_str("authors")?,
        }
        if self.part > 1 {
            write!(formatter, "-{}", self.part)?;
        }
        formatter.write_str(".xml")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_read_back_as_written() {
        let months = SitemapKind::Articles {
            year: 2026,
            month: 11,
        };
        for file in [
            SitemapFile {
                kind: months,
                part: 1,
            },
            SitemapFile {
                kind: months,
                part: 3,
            },
            SitemapFile {
                kind: SitemapKind::Tags,
                part: 1,
            },
            SitemapFile {
                kind: SitemapKind::Tags,
                part: 2,
            },
            SitemapFile {
                kind: SitemapKind::Pages,
                part: 1,
            },
        ] {
            assert_eq!(SitemapFile::parse(&file.to_string()), Some(file), "{file}");
        }
        assert_eq!(months_file(), "articles-2026-11.xml");
        for bad in [
            "articles-2026-13.xml",
            "articles-2026-1.xml",
            "articles-26-11.xml",
            "tags-1.xml",
            "tags-02.xml",
            "tags.txt",
            "other.xml",
            "articles-2026-11-1.xml",
        ] {
            assert_eq!(SitemapFile::parse(bad), None, "{bad}");
        }
    }

    fn months_file() -> String {
        SitemapFile {
            kind: SitemapKind::Articles {
                year: 2026,
                month: 11,
            },
            part: 1,
        }
        .to_string()
    }

    #[test]
    fn long_lists_are_split_at_the_protocols_limit() {
        let parts: Vec<u64> = SitemapFile::parts(SitemapKind::Tags, 120_000)
            .map(|file| file.part)
            .collect();
        assert_eq!(parts, [1, 2, 3]);
        assert_eq!(SitemapFile::parts(SitemapKind::Tags, 0).count(), 0);
        assert_eq!(SitemapFile::parts(SitemapKind::Tags, 50_000).count(), 1);
        assert_eq!(
            SitemapFile {
                kind: SitemapKind::Tags,
                part: 3
            }
            .offset(),
            100_000
        );
    }
}
