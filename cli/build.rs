//! Embeds the benchmark workloads: every `static/bench/*.elf` present at build time becomes a
//! `(name, bytes)` entry of `BENCH_WORKLOADS` (in `$OUT_DIR/bench_workloads.rs`), included by
//! `src/bench.rs`. Missing files are not an error: `snowrv bench` then says there are none.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/bench");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut elfs: Vec<_> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "elf"))
        .collect();
    elfs.sort();
    let mut out = String::from("/// Workloads embedded from static/bench/*.elf.\n");
    out.push_str("pub const BENCH_WORKLOADS: &[(&str, &[u8])] = &[\n");
    for path in &elfs {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_stem().unwrap_or_default().to_string_lossy();
        let _ = writeln!(
            out,
            "    ({name:?}, include_bytes!({:?})),",
            path.display().to_string()
        );
    }
    out.push_str("];\n");
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|_| String::from("."));
    let target = Path::new(&out_dir).join("bench_workloads.rs");
    if let Err(e) = std::fs::write(&target, out) {
        println!("cargo:warning=cannot write {}: {e}", target.display());
    }
}
