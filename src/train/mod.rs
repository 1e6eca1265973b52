//! Training loops shared by the native CLI, the tests and (later) the page. No I/O in here: the
//! caller supplies batches and decides what to print or save.

mod flow;

pub use flow::{FlowTrainer, FlowTrainerConfig};
