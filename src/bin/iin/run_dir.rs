//! A training run's folder: the config that started it (`config.json`), the latest good
//! checkpoint (`model.bin` + `state.json`), written atomically so an interrupted run resumes
//! from its last checkpoint and a bad step never overwrites a good one.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// Where a run stands: steps done and the last loss.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunState {
    pub step: usize,
    pub total_steps: usize,
    pub last_loss: f32,
    pub finished: bool,
}

pub struct RunDir {
    path: PathBuf,
}

impl RunDir {
    /// Opens `path` for a run with `config`. A fresh folder gets the config written; an existing
    /// run must have been started with the same config (else resuming would mix two runs).
    pub fn open<C: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(
        path: &Path,
        config: &C,
    ) -> Result<Self> {
        fs::create_dir_all(path).with_context(|| format!("creating {}", path.display()))?;
        let config_path = path.join("config.json");
        if config_path.exists() {
            let text = fs::read_to_string(&config_path)
                .with_context(|| format!("reading {}", config_path.display()))?;
            let existing: C = serde_json::from_str(&text)
                .with_context(|| format!("parsing {}", config_path.display()))?;
            if &existing != config {
                bail!(
                    "{} holds a run with another configuration:\n  there: {existing:?}\n  asked: {config:?}\n\
                     use another --out folder, or delete that one to start over",
                    path.display()
                );
            }
        } else {
            write_atomic(
                &config_path,
                serde_json::to_string_pretty(config)?.as_bytes(),
            )?;
        }
        Ok(Self {
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn model_path(&self) -> PathBuf {
        self.path.join("model.bin")
    }

    /// The last good checkpoint, if any: the model bytes and the state.
    pub fn checkpoint(&self) -> Result<Option<(Vec<u8>, RunState)>> {
        let state_path = self.path.join("state.json");
        if !state_path.exists() || !self.model_path().exists() {
            return Ok(None);
        }
        let state: RunState = serde_json::from_str(&fs::read_to_string(&state_path)?)
            .with_context(|| format!("parsing {}", state_path.display()))?;
        let bytes = fs::read(self.model_path())
            .with_context(|| format!("reading {}", self.model_path().display()))?;
        Ok(Some((bytes, state)))
    }

    /// Writes the model, then the state that points at it, each atomically.
    pub fn save(&self, model: &[u8], state: &RunState) -> Result<()> {
        write_atomic(&self.model_path(), model)?;
        write_atomic(
            &self.path.join("state.json"),
            serde_json::to_string_pretty(state)?.as_bytes(),
        )
    }
}

/// Write to a temporary file beside `path`, then rename over it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    fs::rename(&tmp, path).with_context(|| format!("renaming {} into place", tmp.display()))
}
