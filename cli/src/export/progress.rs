//! The progress line on stderr, across every segment: items, pages, items/s, read units. Drawn
//! only when stderr is a terminal.

use std::io::IsTerminal as _;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use super::checkpoint::Checkpoint;

/// The line, and what it counts from.
pub struct Progress {
    pub bar: ProgressBar,
    pub started: Instant,
    items_at_start: u64,
}

impl Progress {
    pub fn new(checkpoint: &Checkpoint) -> Self {
        let bar = match std::io::stderr().is_terminal() {
            true => ProgressBar::new_spinner(),
            false => ProgressBar::hidden(),
        };
        if let Ok(style) = ProgressStyle::with_template("{spinner} exporting: {msg} | {elapsed}") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        let progress = Self {
            bar,
            started: Instant::now(),
            items_at_start: checkpoint.totals().0,
        };
        progress.update(checkpoint);
        progress
    }

    pub fn update(&self, checkpoint: &Checkpoint) {
        let (items, pages, units) = checkpoint.totals();
        let seconds = self.started.elapsed().as_secs_f64().max(1e-3);
        let rate = (items - self.items_at_start) as f64 / seconds;
        let segments = checkpoint.segments.len();
        let done = checkpoint.segments.values().filter(|s| s.done).count();
        self.bar.set_message(format!(
            "{items} items | {pages} pages | {rate:.0} items/s | {units} read units | segments {done}/{segments} done"
        ));
    }

    /// The line goes; what follows on stderr says where the export got.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
