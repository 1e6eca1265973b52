//! Training loops shared by the native CLI, the tests and (later) the page. No I/O in here: the
//! caller supplies batches and decides what to print or save.

mod autoencoder;
mod bank;
mod classifier;
mod flow;

pub use autoencoder::{AutoencoderStepStats, AutoencoderTrainer, AutoencoderTrainerConfig};
pub use bank::{CodeBank, CodePairs, Encoded};
pub use classifier::{ClassifierStepStats, ClassifierTrainer, ClassifierTrainerConfig};
pub use flow::{FlowTrainer, FlowTrainerConfig};
