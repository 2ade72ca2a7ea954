//! Tests of the playground: stepping backwards equals stepping forward fewer times, on every
//! example (the trap and paging ones included) and after a long run; views and errors.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::*;
use crate::cpu::csr_addr;
use crate::cpu::Privilege;

const SUM: &[u8] = include_bytes!("../../../static/examples/sum.elf");
const FACTORIAL: &[u8] = include_bytes!("../../../static/examples/factorial.elf");
const TRAPS: &[u8] = include_bytes!("../../../static/examples/traps.elf");
const PAGING: &[u8] = include_bytes!("../../../static/examples/paging.elf");
const PRIMES: &[u8] = include_bytes!("../../../static/examples/primes.elf");

const EXAMPLES: [(&str, &[u8]); 4] = [
    ("sum", SUM),
    ("factorial", FACTORIAL),
    ("traps", TRAPS),
    ("paging", PAGING),
];

fn loaded(elf: &[u8]) -> Playground {
    let mut p = Playground::new();
    p.apply(Command::Load {
        name: String::from("test"),
        elf_bytes: elf.to_vec(),
    })
    .unwrap();
    p.take_events();
    p
}

fn fresh(elf: &[u8]) -> Machine {
    let mut m = Machine::new(MachineConfig::bare());
    m.load_image(&Image::parse(elf).unwrap()).unwrap();
    m
}

/// Everything architectural about a machine, for comparisons.
#[derive(PartialEq, Eq, Debug)]
struct State {
    regs: [u32; 32],
    pc: u32,
    privilege: Privilege,
    instret: u64,
    csrs: Vec<(u16, Option<u32>)>,
    time: Option<u32>,
    memory: u64,
}

fn state(machine: &Machine) -> State {
    let mut clone = machine.clone();
    State {
        regs: views::registers(machine),
        pc: machine.hart.pc(),
        privilege: machine.hart.privilege(),
        instret: machine.hart.instret(),
        csrs: (0..0x1000u16)
            .filter(|&a| a != csr_addr::TIME && a != csr_addr::TIMEH)
            .map(|a| (a, machine.hart.csr(a)))
            .collect(),
        time: clone.csr(csr_addr::TIME),
        memory: machine.bus.memory.digest(),
    }
}

/// Steps to the halt with Step, returning how many steps that took.
fn steps_to_halt(elf: &[u8]) -> u64 {
    let mut p = loaded(elf);
    while p.halt().is_none() {
        p.apply(Command::Step).unwrap();
        assert!(p.position() < 10_000);
    }
    p.position()
}

#[test]
fn step_backs_equal_fewer_steps_on_every_example() {
    for (name, elf) in EXAMPLES {
        let total = steps_to_halt(elf);
        for n in [1, 2, 7, total / 2, total] {
            let mut p = loaded(elf);
            for _ in 0..n {
                p.apply(Command::Step).unwrap();
            }
            for m in 1..=n {
                p.apply(Command::StepBack).unwrap();
                assert_eq!(p.position(), n - m);
                let mut expected = fresh(elf);
                for _ in 0..n - m {
                    expected.step();
                }
                let got = p.machine().unwrap();
                assert_eq!(state(got), state(&expected), "{name}: {n} steps, {m} back");
            }
            assert_eq!(p.apply(Command::StepBack), Err(PlaygroundError::AtStart));
        }
    }
}

#[test]
fn run_to_the_halt_counts_steps_like_stepping() {
    for (name, elf) in EXAMPLES {
        let total = steps_to_halt(elf);
        let mut p = loaded(elf);
        p.apply(Command::Run {
            max_instructions: 1_000_000,
        })
        .unwrap();
        assert_eq!(p.halt(), Some(Halt::Pass), "{name}");
        assert_eq!(p.position(), total, "{name}");
        // Back from the halt: the state just before the tohost store's step, not halted.
        p.apply(Command::StepBack).unwrap();
        assert_eq!(p.halt(), None);
        let mut expected = fresh(elf);
        for _ in 0..total - 1 {
            expected.step();
        }
        assert_eq!(state(p.machine().unwrap()), state(&expected), "{name}");
        // And forward again halts again.
        p.apply(Command::Step).unwrap();
        assert_eq!(p.halt(), Some(Halt::Pass), "{name}");
    }
}

#[test]
fn step_back_after_a_long_run() {
    let mut p = loaded(PRIMES);
    for _ in 0..10 {
        p.apply(Command::Run {
            max_instructions: 10_000,
        })
        .unwrap();
    }
    assert_eq!(p.position(), 100_000);
    assert!(p.checkpoint_count() > 1);
    let mut back = 0;
    for m in [1u64, 1, 1, 5, 1000, 5000] {
        for _ in 0..m {
            p.apply(Command::StepBack).unwrap();
        }
        back += m;
        let mut expected = fresh(PRIMES);
        assert_eq!(expected.run(100_000 - back), RunExit::StepLimit);
        assert_eq!(state(p.machine().unwrap()), state(&expected), "{back} back");
    }
    assert_eq!(p.last_trap(), LastTrap::None, "primes takes no trap");
    // Reset goes to the start; back from there is refused and changes nothing.
    p.apply(Command::Reset).unwrap();
    assert_eq!(state(p.machine().unwrap()), state(&fresh(PRIMES)));
    p.take_events();
    assert_eq!(p.apply(Command::StepBack), Err(PlaygroundError::AtStart));
    assert!(p.take_events().is_empty());
    assert_eq!(p.last_trap(), LastTrap::None);
}

#[test]
fn checkpoints_stay_bounded_over_a_long_run() {
    let mut p = loaded(PRIMES);
    for _ in 0..200 {
        p.apply(Command::Run {
            max_instructions: 20_000,
        })
        .unwrap();
    }
    let program = p.program.as_ref().unwrap();
    assert!(program.checkpoints.len() <= checkpoints::MAX_CHECKPOINTS);
    assert!(program.checkpoints.held_pages() <= checkpoints::PAGE_BUDGET);
    assert_eq!(program.checkpoints.positions().next(), Some(0));
}

#[test]
fn stepping_the_trap_example_reports_both_traps_and_back_forgets_them() {
    let mut p = loaded(TRAPS);
    let mut traps = Vec::new();
    while p.halt().is_none() {
        p.apply(Command::Step).unwrap();
        for event in p.take_events() {
            if let Event::TrapTaken(trap) = event {
                traps.push((p.position(), views::describe_trap(&trap)));
            }
        }
    }
    assert_eq!(traps.len(), 2, "{traps:?}");
    assert!(traps[0]
        .1
        .starts_with("environment call from M-mode at 0x8000"));
    assert!(traps[1].1.starts_with("illegal instruction at 0x8000"));
    assert!(traps[1].1.ends_with("(tval 0x00000000) -> M-mode handler"));
    // Back to just before the second trap: the last trap is the first one again.
    while p.position() >= traps[1].0 {
        p.apply(Command::StepBack).unwrap();
    }
    assert_eq!(p.last_trap().describe(), traps[0].1);
    while p.position() >= traps[0].0 {
        p.apply(Command::StepBack).unwrap();
    }
    assert_eq!(p.last_trap(), LastTrap::None);
}

/// A Run slice that takes traps reports the last one too, and stepping back from the halt shows the
/// earlier trap again.
#[test]
fn run_reports_the_last_trap_and_back_restores_the_earlier_one() {
    let mut p = loaded(TRAPS);
    p.apply(Command::Run {
        max_instructions: 10_000,
    })
    .unwrap();
    assert!(p.halt().is_some());
    assert!(p
        .last_trap()
        .describe()
        .starts_with("illegal instruction at 0x8000"));
    while p.last_trap().describe().starts_with("illegal") {
        p.apply(Command::StepBack).unwrap();
    }
    assert!(p
        .last_trap()
        .describe()
        .starts_with("environment call from M-mode at 0x8000"));
}

#[test]
fn stepping_the_paging_example_visits_s_and_u_mode() {
    let mut p = loaded(PAGING);
    let mut modes = String::new();
    while p.halt().is_none() {
        p.apply(Command::Step).unwrap();
        let hart = p.hart().unwrap();
        let letter = hart.privilege.letter();
        if !modes.ends_with(letter) {
            modes.push_str(letter);
        }
        if hart.privilege == Privilege::User {
            // The disassembly follows the pc through the page table.
            let lines = p.disasm(6, 20);
            let current = lines.iter().find(|l| l.current).map(|l| l.text.clone());
            assert_ne!(current.as_deref(), Some("(no memory at the pc)"));
        }
    }
    assert_eq!(p.halt(), Some(Halt::Pass));
    assert_eq!(modes, "MSUS");
}

#[test]
fn every_example_passes() {
    let mut all: Vec<(&str, &[u8])> = EXAMPLES.to_vec();
    // primes runs 440 million instructions: too slow in a debug build, so release only.
    if !cfg!(debug_assertions) {
        all.push(("primes", PRIMES));
    }
    for (name, elf) in all {
        let mut p = loaded(elf);
        while p.halt().is_none() {
            p.apply(Command::Run {
                max_instructions: 1_000_000,
            })
            .unwrap();
        }
        assert_eq!(p.halt(), Some(Halt::Pass), "{name}");
        assert_eq!(
            p.apply(Command::Run {
                max_instructions: 1
            }),
            Err(PlaygroundError::Halted)
        );
        assert_eq!(p.apply(Command::Step), Err(PlaygroundError::Halted));
    }
}

#[test]
fn a_bad_elf_is_a_typed_error_and_keeps_the_current_program() {
    let mut p = loaded(SUM);
    p.apply(Command::Step).unwrap();
    let before = state(p.machine().unwrap());
    let err = p
        .apply(Command::Load {
            name: String::from("junk.bin"),
            elf_bytes: b"not an elf at all".to_vec(),
        })
        .unwrap_err();
    assert!(matches!(err, PlaygroundError::Elf { .. }));
    assert!(format!("{err}").starts_with("junk.bin: not a loadable RISC-V ELF"));
    assert_eq!(state(p.machine().unwrap()), before);
    assert_eq!(p.position(), 1);
    assert_eq!(p.program_name(), Some("test"));
    // Nothing loaded: every command but Load is refused, never a panic.
    let mut empty = Playground::new();
    for command in [
        Command::Step,
        Command::StepBack,
        Command::Run {
            max_instructions: 10,
        },
        Command::Reset,
    ] {
        assert_eq!(empty.apply(command), Err(PlaygroundError::NotLoaded));
    }
    assert!(empty.hart().is_none() && empty.disasm(6, 20).is_empty());
}

#[test]
fn events_and_changed_registers() {
    let mut p = Playground::new();
    p.apply(Command::Load {
        name: String::from("sum"),
        elf_bytes: SUM.to_vec(),
    })
    .unwrap();
    assert_eq!(
        p.take_events(),
        [Event::Loaded {
            name: String::from("sum"),
            entry: 0x8000_0000
        }]
    );
    // sum.S: li a0,0; li t0,10; add a0,a0,t0.
    for _ in 0..3 {
        p.apply(Command::Step).unwrap();
    }
    let hart = p.hart().unwrap();
    assert_eq!((hart.pc, hart.instret, hart.regs[10]), (0x8000_0006, 3, 10));
    assert_eq!(hart.changed, 1 << 10);
    assert_eq!(p.take_events().len(), 3);
    p.apply(Command::StepBack).unwrap();
    assert_eq!(p.take_events(), [Event::SteppedBack { position: 2 }]);
    let hart = p.hart().unwrap();
    assert_eq!((hart.pc, hart.instret, hart.regs[10]), (0x8000_0004, 2, 0));
    assert_eq!(hart.changed, 1 << 10);
}

fn window_after(elf: &[u8], steps: usize) -> (u32, Vec<DisasmLine>) {
    let mut p = loaded(elf);
    for _ in 0..steps {
        p.apply(Command::Step).unwrap();
    }
    (p.hart().unwrap().pc, p.disasm(6, 20))
}

#[test]
fn window_shows_context_before_the_pc_and_labels() {
    // sum.S after 7 steps: pc in the loop, 6 lines before it counting from _start.
    let (pc, lines) = window_after(SUM, 7);
    let current = lines.iter().position(|l| l.current).unwrap();
    assert_eq!(lines[current].addr, pc);
    assert_eq!(current, 4, "{lines:#?}"); // only 4 instructions precede it in the program
    assert_eq!(lines[0].label.as_deref(), Some("_start"));
    assert_eq!(lines[0].text, "li a0,0");
    // The tohost words collapse into a `.zero` line under their label; the free RAM after the
    // program ends the listing.
    let tohost = lines
        .iter()
        .find(|l| l.label.as_deref() == Some("tohost"))
        .unwrap();
    assert_eq!(tohost.text, ".zero 8");
    assert_eq!(lines.last().unwrap().text, "… (zero-filled memory)");
    assert!(lines.len() <= 20);
}

#[test]
fn window_follows_a_virtual_pc() {
    // paging.S: the first user-mode instruction is at 0x00400000 (found through satp).
    let (pc, lines) = window_after(PAGING, 49);
    assert_eq!(pc, 0x0040_0000);
    let current = lines.iter().find(|l| l.current).unwrap();
    assert_eq!(current.text, "li a0,6");
}

#[test]
fn csr_rows_decode_their_values() {
    let mut p = loaded(PAGING);
    for _ in 0..49 {
        p.apply(Command::Step).unwrap();
    }
    let rows = p.csrs();
    let satp = rows.iter().find(|r| r.name == "satp").unwrap();
    assert!(satp.note.as_deref().unwrap_or("").starts_with("Sv32"));
    assert_eq!(rows.len(), 11);
}

/// Timing of step-backs deep into a long run (release builds: `cargo test --release -p
/// snowrv-core step_back_timing -- --ignored --nocapture`).
#[test]
#[ignore = "timing measurement of checkpoint overhead; run in release mode"]
fn step_back_timing() {
    extern crate std;
    let mut m = fresh(PRIMES);
    let t = std::time::Instant::now();
    for _ in 0..200 {
        m.run(1_000_000);
    }
    std::println!("bare machine, 200M: {:?}", t.elapsed());
    let mut p = loaded(PRIMES);
    let t = std::time::Instant::now();
    for _ in 0..200 {
        p.apply(Command::Run {
            max_instructions: 1_000_000,
        })
        .unwrap();
    }
    let program = p.program.as_ref().unwrap();
    std::println!(
        "run 200M: {:?}, {} checkpoints, {} held pages, positions {:?}",
        t.elapsed(),
        program.checkpoints.len(),
        program.checkpoints.held_pages(),
        program.checkpoints.positions().collect::<Vec<_>>()
    );
    for i in 0..6 {
        let t = std::time::Instant::now();
        p.apply(Command::StepBack).unwrap();
        std::println!("back {i}: {:?}", t.elapsed());
    }
}
