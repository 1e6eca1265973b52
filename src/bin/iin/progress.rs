//! Progress with rate and ETA for every long step: a live bar on a terminal, and a line every
//! tenth of the run (with the same rate and ETA) when the output goes to a log.

use std::io::IsTerminal;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

pub struct Progress {
    bar: ProgressBar,
    label: String,
    total: u64,
    start_pos: u64,
    started: Instant,
    log_lines: bool,
    next_line: u64,
    message: String,
}

/// A progress display over `total` steps that starts at `start` (when resuming).
pub fn bar(label: &str, total: u64, start: u64) -> Progress {
    let log_lines = !std::io::stderr().is_terminal();
    let bar = if log_lines {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(total)
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{prefix:>12} [{bar:32}] {pos}/{len} {per_sec:>11} ETA {eta:>4} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_prefix(label.to_string());
    bar.set_position(start);
    bar.reset_eta();
    Progress {
        bar,
        label: label.into(),
        total,
        start_pos: start,
        started: Instant::now(),
        log_lines,
        next_line: start + (total / 10).max(1),
        message: String::new(),
    }
}

impl Progress {
    pub fn set_message(&mut self, message: String) {
        self.message.clone_from(&message);
        self.bar.set_message(message);
    }

    pub fn inc(&mut self, n: u64) {
        self.bar.inc(n);
        let pos = self.bar.position();
        if self.log_lines && (pos >= self.next_line || pos == self.total) {
            self.next_line = pos + (self.total / 10).max(1);
            let secs = self.started.elapsed().as_secs_f64().max(1e-9);
            let rate = (pos - self.start_pos) as f64 / secs;
            let eta = (self.total - pos) as f64 / rate.max(1e-9);
            eprintln!(
                "{:>12} {pos}/{} {rate:.2} steps/s ETA {eta:.0} s {}",
                self.label, self.total, self.message
            );
        }
    }

    pub fn finish(&self) {
        self.bar.finish();
    }

    pub fn abandon(&self) {
        self.bar.abandon();
    }
}
