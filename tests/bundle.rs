//! The committed model bundle (`www/assets/`) loads with the current code and reproduces the
//! outputs stored at export; a bundle that does not match the code is refused with a reason.

use std::path::{Path, PathBuf};

use burn::tensor::Device;
use iin::analysis::metrics::codes;
use iin::bundle::{
    channel_means, parse_examples, Bundle, Manifest, FLOW_SUPERVISED, MANIFEST_FILE,
};
use iin::data::image_tensor;
use iin::tensor_util::to_vec;
use iin::IinError;

fn assets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("www/assets")
}

fn close(a: &[f32], b: &[f32], tol: f32, what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: lengths differ");
    let worst = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max);
    assert!(
        worst <= tol,
        "{what}: differs from the stored reference by {worst} (> {tol})"
    );
}

#[test]
fn committed_bundle_loads_and_reproduces_its_reference() {
    let device = Device::flex();
    let bundle = Bundle::load_dir(&assets(), &device).expect("the committed bundle must load");
    let manifest = &bundle.manifest;
    let examples =
        parse_examples(&std::fs::read(assets().join(&manifest.examples.file)).unwrap()).unwrap();
    assert_eq!(examples.len(), manifest.examples.count);
    let r = &manifest.reference;
    let pixels: Vec<f32> = examples[..r.count]
        .iter()
        .flat_map(|e| e.image.clone())
        .collect();
    let images = image_tensor(pixels, 3, &device).unwrap();
    let z = codes(&bundle.autoencoder, images);
    close(&to_vec(z.clone()).unwrap(), &r.codes, 1e-4, "codes");
    let (z_tilde, _) = bundle.flow(FLOW_SUPERVISED).unwrap().forward(z.clone());
    close(&to_vec(z_tilde).unwrap(), &r.z_tilde, 1e-3, "z~");
    let decoded = to_vec(bundle.autoencoder.decode(z)).unwrap();
    close(
        &channel_means(&decoded, r.count),
        &r.decoded_means,
        1e-4,
        "decoded means",
    );
}

fn copy_bundle(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iin-bundle-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(assets()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    dir
}

#[test]
fn a_bundle_of_another_version_or_architecture_is_refused() {
    let text = std::fs::read_to_string(assets().join(MANIFEST_FILE)).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["format_version"] = serde_json::json!(99);
    assert!(matches!(
        Manifest::from_json(&json.to_string()),
        Err(IinError::FormatVersion { found: 99, .. })
    ));

    let dir = copy_bundle("arch");
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let hidden = json["flows"][FLOW_SUPERVISED]["config"]["hidden"]
        .as_u64()
        .unwrap();
    json["flows"][FLOW_SUPERVISED]["config"]["hidden"] = serde_json::json!(hidden + 1);
    std::fs::write(dir.join(MANIFEST_FILE), json.to_string()).unwrap();
    let err = Bundle::load_dir(&dir, &Device::flex())
        .err()
        .expect("must be refused");
    let msg = err.to_string();
    assert!(
        msg.contains("hidden"),
        "the message should name the field: {msg}"
    );
    std::fs::remove_dir_all(dir).ok();
}
