//! The checkpoint file: every segment's position, written atomically (a temporary file beside
//! it, fsynced, renamed over it, the directory fsynced), so that after a crash at any moment
//! the file is the old one or the new one, never half of either.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Where one segment of an export is.
#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Position {
    /// Where the next invocation starts (DynamoDB-typed); `None` at the segment's start.
    pub exclusive_start_key: Option<Value>,
    /// Items written so far.
    pub items: u64,
    /// DynamoDB pages read so far.
    pub pages: u64,
    /// Read capacity units DynamoDB reported so far.
    #[serde(default)]
    pub read_units: f64,
    /// Whether the segment reached its end.
    pub done: bool,
}

/// Every segment's position: what `--checkpoint` saves and resumes from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Checkpoint {
    /// DynamoDB's `TotalSegments` (1: not a parallel scan).
    pub total_segments: u32,
    /// The segments this process runs, by number.
    pub segments: BTreeMap<u32, Position>,
}

impl Checkpoint {
    /// Segments `numbers` of `total_segments`, each at its start (`start_key` when one segment).
    pub fn new(total_segments: u32, numbers: &[u32], start_key: Option<Value>) -> Self {
        let segments = numbers
            .iter()
            .map(|&n| {
                let position = Position {
                    exclusive_start_key: start_key.clone(),
                    ..Position::default()
                };
                (n, position)
            })
            .collect();
        Self {
            total_segments,
            segments,
        }
    }

    /// Sums over the segments: items, pages, read units.
    pub fn totals(&self) -> (u64, u64, f64) {
        self.segments.values().fold((0, 0, 0.0), |(i, p, u), s| {
            (i + s.items, p + s.pages, u + s.read_units)
        })
    }

    /// Whether it is of the same export as `fresh` (the same segments of the same total).
    pub fn check_matches(&self, fresh: &Checkpoint) -> Result<(), String> {
        let numbers = |c: &Checkpoint| c.segments.keys().copied().collect::<Vec<_>>();
        if self.total_segments != fresh.total_segments || numbers(self) != numbers(fresh) {
            return Err(format!(
                "the checkpoint holds segments {:?} of {}, this export runs {:?} of {}",
                numbers(self),
                self.total_segments,
                numbers(fresh),
                fresh.total_segments
            ));
        }
        Ok(())
    }
}

/// The checkpoint at `path`, if there is one.
pub fn load(path: &Path) -> Result<Option<Checkpoint>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let checkpoint = serde_json::from_str(&text).or_else(|e| {
        // An earlier runner's checkpoint: one position, of an export without segments.
        let position: Position = serde_json::from_str(&text).map_err(|_| e)?;
        Ok::<_, serde_json::Error>(Checkpoint {
            total_segments: 1,
            segments: BTreeMap::from([(0, position)]),
        })
    });
    checkpoint
        .map(Some)
        .map_err(|e| format!("the checkpoint {} is not one: {e}", path.display()))
}

/// Writes `checkpoint` to `path` atomically and durably.
pub fn save(path: &Path, checkpoint: &Checkpoint) -> std::io::Result<()> {
    let partial = path.with_extension("partial");
    let mut file = std::fs::File::create(&partial)?;
    file.write_all(&serde_json::to_vec_pretty(checkpoint)?)?;
    file.sync_all()?;
    std::fs::rename(&partial, path)?;
    // The rename itself is durable once the directory is.
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    std::fs::File::open(directory)?.sync_all()
}
