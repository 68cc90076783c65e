//! `intent explain CODE`: the long explanation of a diagnostic code.

use crate::Status;
use crate::cli::ExplainArgs;
use intent_source::{CODES, Code, did_you_mean};
use std::io::Write;

pub fn run(args: &ExplainArgs, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    match Code::parse(&args.code) {
        Some(code) => {
            let _ = write!(out, "{}", code.info().explanation);
            Status::Success
        }
        None => {
            let upper = args.code.to_ascii_uppercase();
            let known = CODES.iter().map(|c| c.code.as_str());
            let _ = write!(err, "error: `{}` is not a diagnostic code", args.code);
            match did_you_mean(&upper, known) {
                Some(s) => {
                    let _ = writeln!(err, "; did you mean `{s}`?");
                }
                None => {
                    let _ = writeln!(err, "; codes look like E0003 (see docs/errors.md)");
                }
            }
            Status::Invalid
        }
    }
}
