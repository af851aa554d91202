//! The project's own code has no cryptography or SIMD of its own and reads nothing from the environment:
//! cryptography comes from reviewed crates only, and a switch read from the environment (as a hand-written
//! GCM once read `SESSION_SEAL_NO_VAES` each time a key was built) lets whoever sets it change the code path.
//! Every Rust source of the repository is scanned: the core, the napi glue, the fuzz targets and these tests.

use std::path::{Path, PathBuf};

fn rust_sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy();
        if path.is_dir() {
            if name != "target" && name != "node_modules" && !name.starts_with('.') {
                rust_sources(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_intrinsics_hand_written_simd_or_environment_switches() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in ["src", "crates", "fuzz"] {
        rust_sources(&root.join(dir), &mut files);
    }
    assert!(
        files.len() > 20,
        "the scan must find the sources: {files:?}"
    );
    let this_file = file!().rsplit('/').next().unwrap();
    // Spelled in pieces so that this file does not match itself.
    let forbidden = [
        ["core::", "arch"].concat(),
        ["std::", "arch"].concat(),
        ["target_", "feature"].concat(),
        ["is_x86_feature_", "detected"].concat(),
        ["SESSION_SEAL_", "NO_VAES"].concat(),
        ["env::", "var"].concat(),
    ];
    for file in files {
        if file.ends_with(this_file) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for word in &forbidden {
            assert!(
                !text.contains(word.as_str()),
                "{} contains {word}",
                file.display()
            );
        }
    }
}
