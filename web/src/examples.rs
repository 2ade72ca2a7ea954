//! The example programs built into the page: assembled from `static/examples/*.S` by
//! `static/examples/build.sh` and embedded in the wasm, so the playground needs no fetch.

/// One example program.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Example {
    /// A short stable name, used as the `<option>` value (`sum`, `factorial`, ...).
    pub id: &'static str,
    /// The title shown in the picker.
    pub title: &'static str,
    /// One sentence on what it shows.
    pub summary: &'static str,
    /// The ELF executable.
    pub elf: &'static [u8],
}

/// The examples in the order the picker lists them; the first one is loaded at start.
pub const EXAMPLES: &[Example] = &[
    Example {
        id: "sum",
        title: "Loop: sum 1..10",
        summary: "A counted loop with a conditional branch; a0 ends at 55.",
        elf: include_bytes!("../../static/examples/sum.elf"),
    },
    Example {
        id: "factorial",
        title: "Recursion: factorial(6)",
        summary: "Calls, returns and stack frames; a0 ends at 720.",
        elf: include_bytes!("../../static/examples/factorial.elf"),
    },
    Example {
        id: "traps",
        title: "Traps: ecall and illegal instruction",
        summary: "An M-mode trap handler reads mcause/mepc/mtval and resumes after each trap.",
        elf: include_bytes!("../../static/examples/traps.elf"),
    },
    Example {
        id: "paging",
        title: "Sv32 paging: M -> S -> U",
        summary: "Builds page tables, turns on satp and drops to S-mode, then U-mode.",
        elf: include_bytes!("../../static/examples/paging.elf"),
    },
    Example {
        id: "primes",
        title: "Long run: primes below 30 million",
        summary: "A sieve of 440 million instructions: press Run and watch the speed.",
        elf: include_bytes!("../../static/examples/primes.elf"),
    },
];

/// The example with id `id`.
pub fn by_id(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_are_elf_files_with_unique_ids() {
        for (i, e) in EXAMPLES.iter().enumerate() {
            assert_eq!(&e.elf[..4], b"\x7fELF", "{}", e.id);
            assert_eq!(by_id(e.id), Some(&EXAMPLES[i]));
        }
    }
}
