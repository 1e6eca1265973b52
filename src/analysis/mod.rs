//! Measurements on trained models: Fréchet distance, 2-D and 1-D embeddings, swap metrics and
//! the classifier's response to each factor.

pub mod explore;
pub mod fid;
pub mod linalg;
pub mod metrics;
pub mod pca;
