//! Learning a concept: a new named factor of the supervised flow, learned with the pair loss
//! (METHOD.md §3) on the concept's pairs.
//!
//! The concept's dimensions are carved from the start of the residual, and the flow that
//! learns them is a small head ([`crate::flow::FlowHead`]) on the residual's coordinates of the
//! frozen flow's `z~`: `T' = H o T`, with `H` acting on `concept + residual` only. The digit
//! and colour factors (and any earlier concept) are therefore exactly what they were, bit for
//! bit, and their swap fidelity cannot drop; and a step back-propagates through the small head
//! only. (METHOD.md §5 fine-tunes the whole flow on concept pairs mixed with digit and colour
//! pairs: we measured that to cost digit swap fidelity, 0.907 to 0.74-0.77, for a concept.)
//!
//! Made for a caller that drives it one step at a time (the CLI's progress bar, the page's
//! animation frames): no file I/O, any device, seeded, and no host read inside [`step`]: it
//! returns the loss as a tensor that the caller reads when it can (synchronously natively,
//! `into_data_async` on WebGPU). Because that read may lag, the trainer keeps the state before
//! each step whose loss has not been reported yet; [`report`] tells it the loss of a step, and
//! a non-finite one rolls back to the last state whose own loss was finite, bit for bit.
//! [`snapshot`] and [`restore`] do the same by hand (cancel: restore the first snapshot, or drop
//! the trainer; the flow it was built from is never changed).
//!
//! [`step`]: ConceptTrainer::step
//! [`report`]: ConceptTrainer::report
//! [`snapshot`]: ConceptTrainer::snapshot
//! [`restore`]: ConceptTrainer::restore

use std::collections::VecDeque;

use burn::config::Config;
use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Tensor, TensorData};

use super::pairs::{ConceptPairBatch, ConceptPairSampler, Renderings};
use super::score::concept_handle;
use super::style::StyleShift;
use super::stylise::{stylise, Anchor};
use crate::analysis::metrics::handles;
use crate::autoencoder::Autoencoder;
use crate::bundle::Handle;
use crate::data::image::{grey32, grey32_dequantised, PIXELS_32, SIDE_32};
use crate::data::morpho;
use crate::data::{pair_tensors, Mnist, PairSampler};
use crate::error::{IinError, Result};
use crate::factors::{Factors, Sharing, RESIDUAL};
use crate::flow::{Flow, FlowHead, HeadConfig};
use crate::loss::PairLoss;
use crate::rng::SplitMix64;
use crate::tensor_util::tensor2;

/// Steps whose loss may be read late; older unreported states are forgotten (a non-finite
/// loss then rolls back to the last reported good state, further back).
const MAX_PENDING: usize = 32;

/// How a concept is learned.
#[derive(Config, Debug)]
pub struct ConceptTrainerConfig {
    /// Dimensions of the new factor, taken from the start of the residual.
    #[config(default = 4)]
    pub dims: usize,
    /// Concept pairs per step.
    #[config(default = 32)]
    pub batch: usize,
    /// Blocks of the head that learns the concept (2 blocks learned slant to rho 0.36 in 600
    /// steps, 4 blocks to 0.93).
    #[config(default = 4)]
    pub head_blocks: usize,
    /// Width of the head's coupling subnets.
    #[config(default = 128)]
    pub head_hidden: usize,
    /// Adam's learning rate: higher than the flow's own training (1e-3), as a concept should
    /// be learned in a few hundred steps.
    #[config(default = 3e-3)]
    pub lr: f64,
    #[config(default = 0.975)]
    pub rho: f64,
    #[config(default = 0)]
    pub seed: u64,
    /// Render every digit from the dataset's mean stroke width and slant ([`Anchor`]) rather
    /// than from its own.
    #[config(default = true)]
    pub anchored: bool,
}

/// Everything a step changes: restoring it gives back the exact same trainer.
#[derive(Clone)]
pub struct Snapshot {
    head: FlowHead,
    optim: ModuleOptimizer,
    concept_pairs: ConceptPairSampler,
    rng: SplitMix64,
    step: usize,
}

impl Snapshot {
    /// The steps taken when the snapshot was made.
    pub fn steps_done(&self) -> usize {
        self.step
    }
}

/// The factors of a flow with a concept added: the named factors as they were, then the
/// concept, and the residual shortened by `dims` (it comes last, so no other factor moves).
pub fn factors_with_concept(base: &Factors, name: &str, dims: usize) -> Result<Factors> {
    let name = name.trim();
    if name.is_empty() || name.len() > 40 || name.chars().any(char::is_control) {
        return Err(IinError::Concept(format!(
            "a concept needs a name of 1 to 40 printable characters, got {name:?}"
        )));
    }
    if name == RESIDUAL || base.index_of(name).is_ok() {
        let known: Vec<&str> = base.factors().iter().map(|f| f.name.as_str()).collect();
        return Err(IinError::Concept(format!(
            "the name {name:?} is taken; the flow's factors are {known:?}"
        )));
    }
    let residual = base.factors()[base.residual_index()].size;
    if dims == 0 || dims + 2 > residual {
        return Err(IinError::Concept(format!(
            "a concept of {dims} dimensions does not fit in a residual of {residual} (at least 2 must stay)"
        )));
    }
    let mut named: Vec<(&str, usize)> = base.factors()[..base.residual_index()]
        .iter()
        .map(|f| (f.name.as_str(), f.size))
        .collect();
    named.push((name, dims));
    Factors::new(&named, residual - dims, base.dim())
}

/// The mean stroke width and slant of (up to 2000 of) `digits`.
pub fn dataset_anchor(digits: &Mnist) -> Anchor {
    let n = digits.len.min(2000);
    let step = (digits.len / n.max(1)).max(1);
    let (mut t, mut s) = (0f64, 0f64);
    for i in (0..digits.len).step_by(step).take(n) {
        let ink: Vec<f32> = grey32(digits.image(i))
            .iter()
            .map(|v| (v + 1.0) * 0.5)
            .collect();
        t += morpho::thickness(&ink, SIDE_32) as f64;
        s += morpho::slant(&ink, SIDE_32) as f64;
    }
    let n = n.max(1) as f64;
    Anchor {
        thickness: (t / n) as f32,
        slant: (s / n) as f32,
    }
}

/// A learned concept: the fine-tuned flow (plain device), its factors and handles.
pub struct LearnedConcept {
    pub flow: Flow,
    pub factors: Factors,
    pub handles: Vec<Handle>,
    /// Index of the concept's factor.
    pub concept: usize,
}

/// Learns a head on a supervised flow's residual so that a new factor holds a concept.
pub struct ConceptTrainer {
    autoencoder: Autoencoder,
    /// The flow the concept is added to (frozen, plain device).
    base: Flow,
    head_config: HeadConfig,
    /// The head being learned (autodiff device).
    head: FlowHead,
    optim: ModuleOptimizer,
    pair_loss: PairLoss,
    factors: Factors,
    concept: usize,
    shift: StyleShift,
    digits: Mnist,
    concept_pairs: ConceptPairSampler,
    rng: SplitMix64,
    step: usize,
    lr: f64,
    batch: usize,
    seed: u64,
    anchor: Option<Anchor>,
    device: Device,
    /// States before steps whose loss has not been reported, oldest first.
    pending: VecDeque<Snapshot>,
    /// The latest state whose own loss was reported finite (or the start).
    last_good: Snapshot,
}

impl ConceptTrainer {
    /// A trainer on `device` (a plain device; the trainer adds autodiff for the flow).
    ///
    /// - `autoencoder`: the frozen autoencoder whose codes `flow` interprets;
    /// - `flow`, `factors`: the supervised flow and its factors (digit, colour, ..., residual);
    /// - `name`: the concept's name (not a factor's name already);
    /// - `shift`: what the sketches change ([`StyleShift::of_sketches`]);
    /// - `digits`: labelled digits to render (MNIST's training split natively, the bundle's
    ///   examples in the page).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        autoencoder: &Autoencoder,
        flow: &Flow,
        factors: &Factors,
        name: &str,
        shift: StyleShift,
        digits: Mnist,
        config: &ConceptTrainerConfig,
        device: &Device,
    ) -> Result<Self> {
        if shift.is_zero() {
            return Err(IinError::Concept(
                "the two sketches show no change to learn".into(),
            ));
        }
        let factors = factors_with_concept(factors, name, config.dims)?;
        for needed in ["digit", "colour"] {
            factors.index_of(needed)?;
        }
        if config.batch < 2 {
            return Err(IinError::InvalidConfig(format!(
                "a concept needs a batch of at least 2 pairs (got {})",
                config.batch
            )));
        }
        let concept = factors.index_of(name.trim())?;
        let device = device.clone().inner();
        let base = flow.clone().fork(&device);
        // The head covers the concept and the shortened residual: the old residual's range.
        let offset: usize = factors.factors()[..concept].iter().map(|f| f.size).sum();
        let head_config = HeadConfig::new(offset, factors.dim() - offset)
            .with_n_blocks(config.head_blocks)
            .with_hidden(config.head_hidden)
            .with_seed(config.seed);
        let mut seeds = SplitMix64::new(config.seed);
        let concept_pairs = ConceptPairSampler::new(&digits.labels, seeds.next_u64())?;
        let mut rng = SplitMix64::new(seeds.next_u64());
        let anchor = config.anchored.then(|| dataset_anchor(&digits));
        let autoencoder = autoencoder.valid().fork(&device);
        // The head's ActNorms start from the residual of up to 512 of the digits' codes.
        let n = digits.len.min(512);
        let mut init_pairs = PairSampler::new(&digits.labels, seeds.next_u64())?;
        let batch = init_pairs.sample(n.div_ceil(2));
        let (a, b) = pair_tensors(&digits, &batch, Some(&mut rng), &device)?;
        let z = autoencoder.sample_posterior(Tensor::cat(vec![a, b], 0), &mut rng);
        let head = base
            .new_head(&head_config, &z)?
            .fork(&device.clone().autodiff())
            .train();
        let optim = AdamConfig::new().with_beta_1(0.5).with_beta_2(0.9).init();
        let last_good = Snapshot {
            head: head.clone(),
            optim: optim.clone(),
            concept_pairs: concept_pairs.clone(),
            rng: rng.clone(),
            step: 0,
        };
        Ok(Self {
            autoencoder,
            base,
            head_config,
            head,
            optim,
            pair_loss: PairLoss::new(config.rho)?,
            factors,
            concept,
            shift,
            digits,
            concept_pairs,
            rng,
            step: 0,
            lr: config.lr,
            batch: config.batch,
            seed: config.seed,
            anchor,
            device,
            pending: VecDeque::new(),
            last_good,
        })
    }

    /// The factors with the concept in place.
    pub fn factors(&self) -> &Factors {
        &self.factors
    }

    /// Index of the concept's factor.
    pub fn concept(&self) -> usize {
        self.concept
    }

    pub fn shift(&self) -> &StyleShift {
        &self.shift
    }

    /// Where renderings start from (`None`: each digit's own statistics).
    pub fn anchor(&self) -> Option<Anchor> {
        self.anchor
    }

    pub fn steps_done(&self) -> usize {
        self.step
    }

    pub fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }

    /// The flow as trained so far (the frozen flow and the head), for inference (plain device).
    pub fn flow(&self) -> Result<Flow> {
        self.base
            .clone()
            .with_head(self.head_config.clone(), self.head.valid())
    }

    /// The head being learned, for inference (plain device).
    pub fn head(&self) -> FlowHead {
        self.head.valid()
    }

    /// One step on a fresh batch; returns the batch's pair loss (`[1]`, nats per pair) without
    /// reading it. Report it with [`ConceptTrainer::report`] once read.
    pub fn step(&mut self) -> Tensor<1> {
        if self.pending.len() >= MAX_PENDING {
            self.pending.pop_front();
        }
        self.pending.push_back(self.snapshot());
        let (r_a, r_b, shared) = self.batch();
        let (ta, lda) = self.head.forward_inside(r_a);
        let (tb, ldb) = self.head.forward_inside(r_b);
        let loss = self.pair_loss.forward(ta, lda, tb, ldb, shared);
        let grads = GradientsParams::from_grads(loss.backward(), &self.head);
        self.head = self.optim.step(self.lr, self.head.clone(), grads);
        self.step += 1;
        loss.detach().inner()
    }

    /// Tells the trainer the loss of step `step` (1-based, as [`ConceptTrainer::steps_done`]
    /// after it). A finite loss marks the weights it was computed with as good; a non-finite
    /// one restores the last good state and returns [`IinError::NonFinite`].
    pub fn report(&mut self, step: usize, loss: f32) -> Result<()> {
        if loss.is_finite() {
            while let Some(s) = self.pending.front() {
                if s.step + 1 > step {
                    break;
                }
                let before = self.pending.pop_front();
                if let Some(before) = before.filter(|s| s.step + 1 == step) {
                    self.last_good = before;
                }
            }
            return Ok(());
        }
        let good = self.last_good.clone();
        let back_to = good.step;
        self.restore(good);
        Err(IinError::NonFinite(format!(
            "the concept's training loss at step {step} (rolled back to the state after step {back_to})"
        )))
    }

    /// [`ConceptTrainer::step`] and a synchronous read of its loss (native convenience).
    pub fn step_checked(&mut self) -> Result<f32> {
        let loss = self.step().into_scalar::<f32>();
        self.report(self.step, loss)?;
        Ok(loss)
    }

    /// The complete state, cheap (tensors are shared, never changed in place).
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            head: self.head.clone(),
            optim: self.optim.clone(),
            concept_pairs: self.concept_pairs.clone(),
            rng: self.rng.clone(),
            step: self.step,
        }
    }

    /// Puts the trainer back into a snapshot's state (weights, optimiser, samplers).
    pub fn restore(&mut self, snapshot: Snapshot) {
        self.head = snapshot.head.clone();
        self.optim = snapshot.optim.clone();
        self.concept_pairs = snapshot.concept_pairs.clone();
        self.rng = snapshot.rng.clone();
        self.step = snapshot.step;
        self.pending.clear();
        if snapshot.step <= self.last_good.step {
            self.last_good = snapshot;
        }
    }

    /// The flow as trained so far with its factors and fresh handles: every factor's first
    /// principal axis over `reference_codes` (`[n, D]`, plain device; the bundle uses its
    /// examples' posterior means), but the concept's: the direction from sketch A to sketch B
    /// ([`concept_handle`]).
    pub fn finish(&self, reference_codes: Tensor<2>) -> Result<LearnedConcept> {
        self.finish_on(reference_codes, &self.device)
    }

    /// [`ConceptTrainer::finish`] computed on `device` (the page finishes on the CPU, where the
    /// handles' synchronous reads work; `reference_codes` must be on `device`). The returned
    /// flow lives on `device`.
    pub fn finish_on(&self, reference_codes: Tensor<2>, device: &Device) -> Result<LearnedConcept> {
        let flow = self.flow()?.fork(device);
        let autoencoder = self.autoencoder.clone().fork(device);
        let mut handles = handles(&flow, &self.factors, reference_codes.clone())?;
        concept_handle(
            &mut handles[self.concept],
            &autoencoder,
            &flow,
            &self.factors,
            self.concept,
            &self.shift,
            self.anchor,
            &self.digits,
            reference_codes,
            256,
            self.seed,
            device,
        )?;
        Ok(LearnedConcept {
            flow,
            factors: self.factors.clone(),
            handles,
            concept: self.concept,
        })
    }

    /// A training batch: the head's coordinates of the frozen flow's `z~` of the first and
    /// second images (`[batch, head dim]`, on the autodiff device) and the shared-coordinate
    /// mask over the same coordinates.
    fn batch(&mut self) -> (Tensor<2>, Tensor<2>, Tensor<2>) {
        let concept = self.concept_pairs.sample(self.batch);
        let sharing: Vec<Sharing> = concept
            .kinds
            .iter()
            .map(|k| k.sharing(self.concept))
            .collect();
        let (a, b) = self.render(&concept);
        let (offset, dim) = (self.head_config.offset, self.head_config.dim);
        let mut inside = |images: Tensor<4>| {
            let z = self.autoencoder.sample_posterior(images, &mut self.rng);
            self.base.forward(z).0.narrow(1, offset, dim).autodiff()
        };
        let r_a = inside(a);
        let r_b = inside(b);
        let ad = self.device.clone().autodiff();
        let mask = self
            .factors
            .shared_mask_batch(&sharing, &ad)
            .narrow(1, offset, dim);
        (r_a, r_b, mask)
    }

    /// The two `[n, 3, 32, 32]` batches of a concept batch, stylised on the device. A
    /// same-image pair renders one dequantised digit twice.
    fn render(&mut self, batch: &ConceptPairBatch) -> (Tensor<4>, Tensor<4>) {
        let first_ink = self.inks(&batch.first.digits);
        let mut second_ink = Vec::with_capacity(first_ink.len());
        for (i, kind) in batch.kinds.iter().enumerate() {
            match kind {
                super::pairs::ConceptPairKind::SameImage => {
                    second_ink.extend_from_slice(&first_ink[i * PIXELS_32..(i + 1) * PIXELS_32])
                }
                super::pairs::ConceptPairKind::SameSketch => {
                    second_ink.extend(self.inks(&batch.second.digits[i..=i]))
                }
            }
        }
        let side = |ink: Vec<f32>, r: &Renderings, device: &Device| {
            let n = r.digits.len();
            let ink =
                Tensor::<4>::from_data(TensorData::new(ink, [n, 1, SIDE_32, SIDE_32]), device);
            let colours = tensor2(r.colours.iter().flatten().copied().collect(), n, 3, device);
            let lambda = tensor2(r.lambdas.clone(), n, 1, device);
            stylise(ink, colours, lambda, &self.shift, self.anchor)
        };
        (
            side(first_ink, &batch.first, &self.device),
            side(second_ink, &batch.second, &self.device),
        )
    }

    /// Dequantised ink in [0, 1] of digits, `n * 1024` values.
    fn inks(&mut self, digits: &[usize]) -> Vec<f32> {
        digits
            .iter()
            .flat_map(|&i| grey32_dequantised(self.digits.image(i), &mut self.rng))
            .map(|v| (v + 1.0) * 0.5)
            .collect()
    }
}
