//! `intent completions SHELL` and `intent man`: both generated from the clap declaration of
//! `cli.rs`, so a new option appears in them without anyone remembering to add it.

use crate::Status;
use crate::cli::{Cli, CompletionsArgs, ManArgs};
use clap::CommandFactory;
use std::io::Write;

/// Prints the completion script of `args.shell` for `intent`.
pub fn completions(args: &CompletionsArgs, out: &mut dyn Write) -> Status {
    let mut command = Cli::command();
    clap_complete::generate(args.shell, &mut command, "intent", out);
    Status::Success
}

/// Prints the manual page of `intent`, or with `--dir` writes a page per command there.
pub fn man(args: &ManArgs, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    let command = Cli::command();
    let Some(dir) = &args.dir else {
        return match clap_mangen::Man::new(command).render(out) {
            Ok(()) => Status::Success,
            Err(e) => {
                let _ = writeln!(err, "error: cannot write the manual page: {e}");
                Status::CouldNotRun
            }
        };
    };
    let written =
        std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(command, dir));
    match written {
        Ok(()) => {
            let _ = writeln!(err, "wrote the manual pages into {}", dir.display());
            Status::Success
        }
        Err(e) => {
            let _ = writeln!(
                err,
                "error: cannot write the manual pages into {}: {e}",
                dir.display()
            );
            Status::CouldNotRun
        }
    }
}
