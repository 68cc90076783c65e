//! The system's output, read continuously so it never blocks on a full pipe: the bounded tail
//! of its last lines (for error messages), and the URL it prints.

use super::{MAX_LINE_BYTES, TAIL_LINES};
use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::sync::oneshot;

/// The last lines a system printed (stdout and stderr interleaved, oldest first). Displayed as
/// an indented block after a newline, or as nothing when there are no lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutputTail(Vec<String>);

impl OutputTail {
    /// The lines, oldest first.
    pub fn lines(&self) -> &[String] {
        &self.0
    }
}

impl fmt::Display for OutputTail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("\n  (it printed nothing)");
        }
        f.write_str("\n  its last output:")?;
        for line in &self.0 {
            write!(f, "\n  | {line}")?;
        }
        Ok(())
    }
}

/// The shared, bounded tail of the output.
#[derive(Debug, Clone, Default)]
pub(super) struct Output(Arc<Mutex<VecDeque<String>>>);

impl Output {
    pub(super) fn push(&self, line: String) {
        let mut lines = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if lines.len() == TAIL_LINES {
            lines.pop_front();
        }
        lines.push_back(line);
    }

    pub(super) fn snapshot(&self) -> OutputTail {
        let lines = self.0.lock().unwrap_or_else(|e| e.into_inner());
        OutputTail(lines.iter().cloned().collect())
    }
}

/// Reads `reader` to its end, line by line, into the tail; the first line matching the regex
/// sends its group 1 (the URL). Lines longer than [`MAX_LINE_BYTES`] are cut, so memory stays
/// bounded whatever the system prints.
pub(super) async fn drain<R: AsyncRead + Unpin>(
    reader: R,
    output: Output,
    mut url: Option<(regex::Regex, oneshot::Sender<String>)>,
) {
    let mut reader = BufReader::new(reader);
    let mut line = Vec::new();
    let mut cut = false;
    loop {
        let buffer = match reader.fill_buf().await {
            Ok([]) | Err(_) => break,
            Ok(buffer) => buffer,
        };
        let (chunk, consumed, complete) = match buffer.iter().position(|&b| b == b'\n') {
            Some(i) => (&buffer[..i], i + 1, true),
            None => (buffer, buffer.len(), false),
        };
        let room = MAX_LINE_BYTES.saturating_sub(line.len());
        cut |= chunk.len() > room;
        line.extend_from_slice(&chunk[..chunk.len().min(room)]);
        reader.consume(consumed);
        if complete {
            finish_line(&mut line, &mut cut, &output, &mut url);
        }
    }
    if !line.is_empty() {
        finish_line(&mut line, &mut cut, &output, &mut url);
    }
}

fn finish_line(
    line: &mut Vec<u8>,
    cut: &mut bool,
    output: &Output,
    url: &mut Option<(regex::Regex, oneshot::Sender<String>)>,
) {
    let mut text = String::from_utf8_lossy(line)
        .trim_end_matches('\r')
        .to_owned();
    line.clear();
    let found = url.as_ref().and_then(|(regex, _)| {
        let group = regex.captures(&text)?.get(1)?;
        Some(group.as_str().to_owned())
    });
    if let Some(found) = found {
        if let Some((_, tx)) = url.take() {
            let _ = tx.send(found);
        }
    }
    if std::mem::take(cut) {
        text.push_str(" [...]");
    }
    output.push(text);
}
