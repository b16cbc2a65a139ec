//! Compiles the default corpus (`corpus/`) into the binary, so
//! `kartotek serve` and `kartotek search` work on a fresh machine with no
//! path given.
use std::fmt::Write;
use std::path::Path;

fn main() {
    // Read when the script runs, not baked in when it is compiled: a build
    // script binary reused from another checkout must not read that one's corpus.
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&root).join("corpus");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    let mut out = String::from("/// The built-in corpus: `(file name, bytes)`.\npub static BUILTIN_CORPUS: &[(&str, &[u8])] = &[\n");
    for f in files {
        let name = match f.file_name().and_then(|n| n.to_str()) {
            Some(n) => n.to_string(),
            None => continue,
        };
        if !f.is_file() || name.starts_with('.') || name.eq_ignore_ascii_case("README.md") {
            continue;
        }
        println!("cargo:rerun-if-changed={}", f.display());
        let _ = writeln!(
            out,
            "    ({:?}, include_bytes!({:?})),",
            name,
            f.display().to_string()
        );
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("corpus.rs");
    std::fs::write(dest, out).expect("write corpus.rs");
}
