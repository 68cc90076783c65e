//! The connection between an editor's byte streams and the server: a reader thread that frames
//! messages with [`Reader`] (which survives malformed input), and lsp-server's own writer for
//! what the server sends. A refused message is answered with its JSON-RPC error and logged; it
//! never ends the connection.

use crate::framing::{Incoming, Reader, Refusal};
use lsp_server::{Connection, Message};
use serde_json::json;
use std::io::{self, BufReader, Read, Write};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

/// The output, shared by the writer (the server's messages) and the reader (the errors of
/// refused messages), a whole message at a time.
type Output<W> = Arc<Mutex<W>>;

/// The threads behind a connection made by [`connect`].
#[derive(Debug)]
pub struct Io {
    writer: JoinHandle<io::Result<()>>,
}

impl Io {
    /// Waits until everything the server sent is written; call it after dropping the
    /// [`Connection`]. The reader is not waited for: after an error of the server it may be
    /// blocked on input that never comes (an editor that keeps its end open), and it ends with
    /// the process.
    pub fn join(self) -> io::Result<()> {
        self.writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the writer thread panicked")))
    }
}

/// A connection over `input` and `output` (standard input and output for an editor). Malformed
/// messages are answered on `output` and described on `log`, one line each.
pub fn connect<R, W, L>(input: R, output: W, log: L) -> io::Result<(Connection, Io)>
where
    R: Read + Send + 'static,
    W: Write + Send + 'static,
    L: Write + Send + 'static,
{
    // Rendezvous channels, as lsp-server's own: the reader does not run ahead of the server,
    // so unread messages wait in the editor's pipe rather than in memory.
    let (to_server, from_editor) = crossbeam_channel::bounded::<Message>(0);
    let (to_editor, from_server) = crossbeam_channel::bounded::<Message>(0);
    let output: Output<W> = Arc::new(Mutex::new(output));
    let shared = Arc::clone(&output);
    let writer = std::thread::Builder::new()
        .name("lsp-writer".into())
        .spawn(move || {
            from_server
                .into_iter()
                .try_for_each(|message| message.write(&mut *lock(&shared)))
        })?;
    std::thread::Builder::new()
        .name("lsp-reader".into())
        .spawn(move || read(input, &to_server, &output, log))?;
    let connection = Connection {
        sender: to_editor,
        receiver: from_editor,
    };
    Ok((connection, Io { writer }))
}

/// Reads messages until the input ends, the `exit` notification or the server goes away.
fn read<W: Write>(
    input: impl Read,
    to_server: &crossbeam_channel::Sender<Message>,
    output: &Output<W>,
    mut log: impl Write,
) {
    let mut reader = Reader::new(BufReader::with_capacity(64 * 1024, input));
    loop {
        let message = match reader.read() {
            Ok(Incoming::Message(message)) => message,
            Ok(Incoming::Repaired(message, problem)) => {
                let _ = writeln!(log, "intent lsp: {problem}");
                message
            }
            Ok(Incoming::Refused(refusal)) => {
                let _ = writeln!(log, "intent lsp: refused a message: {}", refusal.problem);
                if let Err(e) = answer(&mut *lock(output), &refusal) {
                    let _ = writeln!(log, "intent lsp: cannot write to the editor: {e}");
                    return;
                }
                continue;
            }
            Ok(Incoming::End) => return,
            Err(e) => {
                let _ = writeln!(log, "intent lsp: cannot read from the editor: {e}");
                return;
            }
        };
        let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
        if to_server.send(message).is_err() || exit {
            return;
        }
    }
}

/// The JSON-RPC error of a refused message, framed as lsp-server frames messages (its
/// `Response` cannot carry the `null` id of a message whose id is unknown).
fn answer(output: &mut impl Write, refusal: &Refusal) -> io::Result<()> {
    let text = json!({
        "jsonrpc": "2.0",
        "id": refusal.id,
        "error": {"code": refusal.code, "message": refusal.problem.to_string()},
    })
    .to_string();
    write!(output, "Content-Length: {}\r\n\r\n{text}", text.len())?;
    output.flush()
}

fn lock<W>(output: &Output<W>) -> std::sync::MutexGuard<'_, W> {
    // A panic while writing leaves nothing to protect: the next message is written whole.
    output.lock().unwrap_or_else(PoisonError::into_inner)
}
