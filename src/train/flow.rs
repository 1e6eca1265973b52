//! Optimisation of a [`Flow`] with the unsupervised or the pair loss (METHOD.md §3).

use burn::config::Config;
use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::Tensor;

use crate::error::{IinError, Result};
use crate::flow::Flow;
use crate::loss::{nll, PairLoss};
use crate::tensor_util::ensure_finite;

/// Optimiser settings (published: Adam(0.5, 0.9), lr 1.125e-4 at batch 25; we train far fewer
/// steps with larger batches, so the default learning rate is higher).
#[derive(Config, Debug)]
pub struct FlowTrainerConfig {
    #[config(default = 1e-3)]
    pub lr: f64,
    #[config(default = 0.5)]
    pub beta_1: f32,
    #[config(default = 0.9)]
    pub beta_2: f32,
    #[config(default = 0.975)]
    pub rho: f64,
}

/// Holds a flow on an autodiff device and its optimiser state.
pub struct FlowTrainer {
    flow: Flow,
    optim: ModuleOptimizer,
    pair_loss: PairLoss,
    lr: f64,
    step: usize,
}

impl FlowTrainer {
    /// `flow` must live on an autodiff device (`device.autodiff()`), and should have been
    /// initialised from data ([`Flow::init_from_batch`]).
    pub fn new(flow: Flow, config: &FlowTrainerConfig) -> Result<Self> {
        let optim = AdamConfig::new()
            .with_beta_1(config.beta_1)
            .with_beta_2(config.beta_2)
            .init();
        Ok(Self {
            flow,
            optim,
            pair_loss: PairLoss::new(config.rho)?,
            lr: config.lr,
            step: 0,
        })
    }

    pub fn flow(&self) -> &Flow {
        &self.flow
    }

    /// The trained flow, detached from autodiff (for inference).
    pub fn into_flow(self) -> Flow {
        self.flow.valid()
    }

    pub fn steps_done(&self) -> usize {
        self.step
    }

    pub fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }

    /// One step on the unsupervised NLL of `z` (`[batch, D]`); returns the loss.
    pub fn step_unsupervised(&mut self, z: Tensor<2>) -> Result<f32> {
        let (z_tilde, log_det) = self.flow.forward(z);
        self.apply(nll(z_tilde, log_det))
    }

    /// One step on the pair loss: codes `z_a`, `z_b` (`[batch, D]`) and the shared-coordinate
    /// mask (`[batch, D]`); returns the loss.
    pub fn step_pairs(&mut self, z_a: Tensor<2>, z_b: Tensor<2>, shared: Tensor<2>) -> Result<f32> {
        let (za, lda) = self.flow.forward(z_a);
        let (zb, ldb) = self.flow.forward(z_b);
        self.apply(self.pair_loss.forward(za, lda, zb, ldb, shared))
    }

    /// Backpropagates `loss` and takes one Adam step, unless the loss is not finite: then the
    /// weights are left as they were and the error names the step.
    fn apply(&mut self, loss: Tensor<1>) -> Result<f32> {
        let value = loss.clone().into_scalar::<f32>();
        if ensure_finite(&loss, "loss").is_err() || !value.is_finite() {
            return Err(IinError::NonFinite(format!(
                "the training loss at step {}",
                self.step + 1
            )));
        }
        let grads = GradientsParams::from_grads(loss.backward(), &self.flow);
        self.flow = self.optim.step(self.lr, self.flow.clone(), grads);
        self.step += 1;
        Ok(value)
    }
}
