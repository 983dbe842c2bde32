//! `loket eval`: accuracy of the answer engine on the labelled question set.

use loket_knowledge::answer::Engine;
use loket_knowledge::eval::{parse_cases, run};
use std::path::Path;
use std::process::ExitCode;

pub(crate) fn run_eval(engine: &Engine, file: &Path, show_misses: bool) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| anyhow::anyhow!("cannot read the question set {}: {e}", file.display()))?;
    let cases = parse_cases(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let report = run(engine, &cases);
    println!(
        "questions: {} answerable, {} unanswerable, {} small talk",
        report.answerable, report.unanswerable, report.smalltalk
    );
    println!(
        "top-1 service accuracy: {:.1}% ({}/{})",
        report.service_accuracy() * 100.0,
        report.service_correct,
        report.answerable
    );
    println!(
        "aspect accuracy:        {:.1}% ({}/{})",
        report.aspect_accuracy() * 100.0,
        report.aspect_correct,
        report.answerable
    );
    println!(
        "correct refusals:       {:.1}% ({}/{})",
        report.refusal_rate() * 100.0,
        report.refused,
        report.unanswerable
    );
    println!(
        "small talk recognised:  {}/{}",
        report.smalltalk_correct, report.smalltalk
    );
    if show_misses {
        for (line, question, expected, got) in &report.misses {
            println!("  line {line}: {question:?}\n    expected {expected}\n    got      {got}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
