//! The project's fuel history, `bench/history.csv`: one row per recorded full run, which the
//! fuel plot reads and `ddb-bench run` (not `--quick`) appends to.
//!
//! ```text
//! date,commit,fuel_get,fuel_put,component_bytes
//! 2026-11-25,2361bef,431210,547814,528181
//! ```
//! `date` is `YYYY-MM-DD` (UTC) or empty when the record does not say; `commit` is a short hash
//! or `unknown`; the rest are whole numbers (fuel per pooled-host call, `.wasm` bytes).

use std::io::Write as _;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// The header line the file starts with.
pub const HEADER: &str = "date,commit,fuel_get,fuel_put,component_bytes";

/// One recorded run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// `YYYY-MM-DD`, or empty if unknown.
    pub date: String,
    /// Short commit hash, or `unknown`.
    pub commit: String,
    /// Wasm fuel per GetItem, pooled host.
    pub fuel_get: u64,
    /// Wasm fuel per PutItem, pooled host.
    pub fuel_put: u64,
    /// Bytes of the component's `.wasm`.
    pub component_bytes: u64,
}

impl Run {
    /// The row as a CSV line (no newline).
    pub fn to_line(&self) -> String {
        format!(
            "{},{},{},{},{}",
            self.date, self.commit, self.fuel_get, self.fuel_put, self.component_bytes
        )
    }
}

fn valid_date(date: &str) -> bool {
    let b = date.as_bytes();
    date.is_empty()
        || (b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit()))
}

fn valid_commit(commit: &str) -> bool {
    commit == "unknown"
        || ((4..=40).contains(&commit.len()) && commit.bytes().all(|c| c.is_ascii_hexdigit()))
}

fn parse_line(line: &str) -> Result<Run, String> {
    let fields: Vec<&str> = line.split(',').map(str::trim).collect();
    let [date, commit, get, put, bytes] = fields[..] else {
        return Err(format!("{} fields, not 5", fields.len()));
    };
    if !valid_date(date) {
        return Err(format!("date {date:?} is not YYYY-MM-DD"));
    }
    if !valid_commit(commit) {
        return Err(format!("commit {commit:?} is not a hash or \"unknown\""));
    }
    let number = |name: &str, text: &str| {
        text.parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("{name} {text:?} is not a positive whole number"))
    };
    Ok(Run {
        date: date.into(),
        commit: commit.into(),
        fuel_get: number("fuel_get", get)?,
        fuel_put: number("fuel_put", put)?,
        component_bytes: number("component_bytes", bytes)?,
    })
}

/// The runs of a history file's text, in file order. Blank lines and `#` comments are skipped;
/// anything else that is not a well-formed row is an error naming its line.
pub fn parse(text: &str) -> Result<Vec<Run>, String> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    match lines.next() {
        Some((_, header)) if header.trim() == HEADER => {}
        _ => return Err(format!("the history does not start with {HEADER:?}")),
    }
    lines
        .map(|(i, line)| parse_line(line).map_err(|e| format!("history line {}: {e}", i + 1)))
        .collect()
}

/// Reads and parses the history at `path`.
pub fn read(path: &Path) -> Result<Vec<Run>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("reading the history {}: {e}", path.display()))?;
    parse(&text)
}

/// Appends `run` to the history at `path` (made, with its header, if missing), after checking
/// that what is there parses.
pub fn append(path: &Path, run: &Run) -> Result<(), String> {
    let existing = std::fs::read_to_string(path).unwrap_or_default();
    let mut text = String::new();
    if existing.trim().is_empty() {
        text.push_str(HEADER);
        text.push('\n');
    } else {
        parse(&existing)?;
        if !existing.ends_with('\n') {
            text.push('\n');
        }
    }
    text.push_str(&run.to_line());
    text.push('\n');
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut file| file.write_all(text.as_bytes()))
        .map_err(|e| format!("appending to the history {}: {e}", path.display()))
}

/// The civil date (UTC) of `days` since 1970-01-01, as `YYYY-MM-DD` (Howard Hinnant's
/// days-to-civil algorithm).
pub fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Today's date, UTC.
pub fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date((secs / 86_400) as i64)
}

/// `git rev-parse --short HEAD` in `dir`, or `unknown`.
pub fn commit(dir: &Path) -> String {
    std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(dir)
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| valid_commit(s) && s != "unknown")
        .unwrap_or_else(|| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "date,commit,fuel_get,fuel_put,component_bytes\n\
                        2026-11-25,ce701fb,526660,661589,683067\n\
                        # a comment\n\
                        \n\
                        ,unknown,431210,547814,528181\n";

    #[test]
    fn parses_rows_in_order() {
        let runs = parse(GOOD).unwrap();
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].commit, "ce701fb");
        assert_eq!(runs[0].fuel_put, 661_589);
        assert_eq!(runs[1].date, "");
        assert_eq!(runs[1].component_bytes, 528_181);
    }

    #[test]
    fn rejects_bad_rows() {
        for bad in [
            "2026-11-25,ce701fb,526660,661589",          // a field short
            "2026-11-25,ce701fb,526660,661589,1,2",      // a field over
            "2026-11-25,ce701fb,lots,661589,683067",     // not a number
            "2026-11-25,ce701fb,-5,661589,683067",       // negative
            "2026-11-25,ce701fb,0,661589,683067",        // zero fuel
            "2026-11-25,ce701fb,526660.5,661589,683067", // fraction
            "25/11/2026,ce701fb,526660,661589,683067",   // date format
            "2026-11-25,main,526660,661589,683067",      // not a hash
        ] {
            let text = format!("{HEADER}\n{bad}\n");
            let err = parse(&text).expect_err(bad);
            assert!(err.contains("line 2"), "{bad}: {err}");
        }
    }

    #[test]
    fn rejects_a_missing_header() {
        assert!(parse("2026-11-25,ce701fb,526660,661589,683067\n").is_err());
        assert!(parse("").is_err());
    }

    #[test]
    fn a_row_round_trips() {
        let run = parse(GOOD).unwrap().remove(0);
        let again = parse(&format!("{HEADER}\n{}\n", run.to_line())).unwrap();
        assert_eq!(again, vec![run]);
    }

    #[test]
    fn append_keeps_the_file_parseable() {
        let path = std::env::temp_dir().join(format!("ddb-history-{}.csv", std::process::id()));
        std::fs::remove_file(&path).ok();
        let run = parse(GOOD).unwrap().remove(0);
        append(&path, &run).unwrap();
        append(&path, &run).unwrap();
        let runs = read(&path).unwrap();
        std::fs::write(&path, "not a history\n").unwrap();
        let refused = append(&path, &run);
        std::fs::remove_file(&path).ok();
        assert_eq!(runs, vec![run.clone(), run]);
        assert!(refused.is_err(), "appended to a file that is not a history");
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(20_784), "2026-11-27");
        assert!(valid_date(&today()));
    }
}
