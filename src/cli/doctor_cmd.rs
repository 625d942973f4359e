//! `insight doctor`: which provider, model and endpoint the flags, the
//! environment and the config resolve to, and whether it answers.

use super::args::DoctorArgs;
use crate::app::{Settings, doctor::doctor};
use crate::error::{ExitCode, Result};
use crate::report::{json, terminal};
use crate::term;

/// Runs the command.
pub fn run(settings: &Settings, args: &DoctorArgs) -> Result<ExitCode> {
    let checkup = doctor(settings, &super::llm_choice(&args.llm))?;
    if args.json {
        term::print_json(&json::doctor(&checkup))?;
    } else {
        term::print_with(|out| terminal::doctor(out, &checkup))?;
    }
    Ok(if checkup.ok {
        ExitCode::Success
    } else {
        ExitCode::Provider
    })
}
