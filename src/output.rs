//! Standard output for the command line. A reader that stops reading
//! (`plancheck packs | head -1`) is not a failure: Rust ignores SIGPIPE, so the next write
//! fails with `BrokenPipe`; [`Stdout`] marks that error as [`ClosedOutput`], and `main`
//! ends quietly with status 0 when it sees the mark ([`is_closed_output`]). Other write
//! errors, and broken pipes anywhere else (a socket), stay errors.

use std::io::{self, Write};

/// The process's standard output, with a closed pipe marked as [`ClosedOutput`].
#[derive(Debug, Default, Clone, Copy)]
pub struct Stdout;

/// Standard output was closed by its reader.
#[derive(Debug, thiserror::Error)]
#[error("standard output was closed")]
pub struct ClosedOutput;

fn mark(e: io::Error) -> io::Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        io::Error::new(io::ErrorKind::BrokenPipe, ClosedOutput)
    } else {
        e
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        io::stdout().write(buf).map_err(mark)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        io::stdout().write_all(buf).map_err(mark)
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stdout().flush().map_err(mark)
    }
}

/// Whether `e` (or its cause) is standard output closed by its reader.
pub fn is_closed_output(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.is::<ClosedOutput>()
            || c.downcast_ref::<io::Error>()
                .and_then(|io| io.get_ref())
                .is_some_and(|inner| inner.is::<ClosedOutput>())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_marked_broken_pipe_counts_as_closed_output() {
        let marked = anyhow::Error::new(mark(io::Error::from(io::ErrorKind::BrokenPipe)))
            .context("cannot write");
        assert!(is_closed_output(&marked));
        // A broken pipe elsewhere (a socket) and other write errors stay failures.
        let socket = anyhow::Error::new(io::Error::from(io::ErrorKind::BrokenPipe));
        assert!(!is_closed_output(&socket));
        let full = anyhow::Error::new(mark(io::Error::other("no space left on device")));
        assert!(!is_closed_output(&full));
    }
}
