//! Build script: lists the benchmark programs `static/bench/*.elf` (written by the test-programs
//! build) into `$OUT_DIR/bench_programs.rs`, so the browser benchmark test embeds whatever is there
//! without failing when the directory is empty.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let bench = manifest.join("../static/bench");
    println!("cargo:rerun-if-changed={}", bench.display());
    let mut elfs: Vec<PathBuf> = std::fs::read_dir(&bench)
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "elf"))
                .collect()
        })
        .unwrap_or_default();
    elfs.sort();
    let mut out = String::from(
        "/// `(name, ELF bytes)` of every `static/bench/*.elf` present at build time.\n\
         pub const BENCH_PROGRAMS: &[(&str, &[u8])] = &[\n",
    );
    for path in &elfs {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("?");
        let _ = writeln!(
            out,
            "    ({name:?}, include_bytes!({:?})),",
            path.display().to_string()
        );
    }
    out.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    if let Err(e) = std::fs::write(out_dir.join("bench_programs.rs"), out) {
        println!("cargo:warning=cannot write bench_programs.rs: {e}");
    }
}
