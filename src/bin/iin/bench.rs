//! `iin bench`: the flow's size and forward+inverse throughput on the CPU device.

use std::time::{Duration, Instant};

use anyhow::Context;
use burn::module::Module;
use burn::tensor::Device;
use clap::Args;
use iin::flow::testing::perturb;
use iin::flow::{Flow, FlowConfig};
use iin::rng::SplitMix64;
use iin::tensor_util::{tensor2, to_vec};
use iin::weights::ModelFile;

#[derive(Args)]
pub struct BenchArgs {
    /// Dimension of the code.
    #[arg(long, default_value_t = 64)]
    dim: usize,
    /// Number of flow blocks.
    #[arg(long, default_value_t = 4)]
    blocks: usize,
    /// Hidden width of the coupling subnets.
    #[arg(long, default_value_t = 128)]
    hidden: usize,
    /// Hidden layers per coupling subnet.
    #[arg(long, default_value_t = 2)]
    depth: usize,
    /// Seconds to measure each batch size for.
    #[arg(long, default_value_t = 2.0)]
    seconds: f64,
}

pub fn run(args: &BenchArgs) -> anyhow::Result<()> {
    let device = Device::flex();
    let config = FlowConfig::new(args.dim)
        .with_n_blocks(args.blocks)
        .with_hidden(args.hidden)
        .with_depth(args.depth);
    let mut rng = SplitMix64::new(0);
    let init = tensor2(rng.normals(256 * args.dim), 256, args.dim, &device);
    let flow = config
        .init(&device)
        .context("building the flow")?
        .init_from_batch(&init)
        .context("initialising ActNorm")?;
    // Random (not identity) coupling weights, so the round trip exercises every layer.
    let flow = perturb(flow, 0.05, 1);
    let bytes = flow.to_bytes().context("serialising the flow")?.len();
    println!(
        "flow: dim {} blocks {} hidden {} depth {}",
        args.dim, args.blocks, args.hidden, args.depth
    );
    println!("parameters: {}", flow.num_params());
    println!("weight file: {:.1} KiB (f32)", bytes as f64 / 1024.0);
    println!("device: CPU (burn flex)");
    println!(
        "{:>6} {:>16} {:>14} {:>16}",
        "batch", "latents/s", "ms/call", "max round trip"
    );
    for batch in [1usize, 256] {
        let z = tensor2(rng.normals(batch * args.dim), batch, args.dim, &device);
        let (rate, per_call, err) = measure(&flow, z, Duration::from_secs_f64(args.seconds))?;
        println!(
            "{batch:>6} {rate:>16.0} {:>14.3} {err:>16.2e}",
            per_call * 1e3
        );
    }
    Ok(())
}

/// Forward then inverse, read back to the host each call, repeated for `budget`.
fn measure(
    flow: &Flow,
    z: burn::tensor::Tensor<2>,
    budget: Duration,
) -> anyhow::Result<(f64, f64, f32)> {
    let batch = z.dims()[0];
    let original = to_vec(z.clone())?;
    let round_trip = |z: burn::tensor::Tensor<2>| -> anyhow::Result<Vec<f32>> {
        let (y, _) = flow.forward(z);
        let (x, _) = flow.inverse(y);
        Ok(to_vec(x)?)
    };
    round_trip(z.clone())?; // warm-up
    let start = Instant::now();
    let mut calls = 0usize;
    let mut last = Vec::new();
    while start.elapsed() < budget || calls < 3 {
        last = round_trip(z.clone())?;
        calls += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    let err = original
        .iter()
        .zip(&last)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f32::max);
    Ok(((calls * batch) as f64 / secs, secs / calls as f64, err))
}
