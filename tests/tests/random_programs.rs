//! Random programs: any sequence of 32-bit and 16-bit words, in any privilege mode, with random
//! registers, trap vectors and page-table root, executes or traps and never panics; and the fast
//! path (`Machine::run`, decode cache and batched counters) ends in exactly the state that the same
//! number of observable single steps (`Machine::step`) reaches.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use snowrv_core::cpu::csr_addr as csr;
use snowrv_core::cpu::{Privilege, Reg};
use snowrv_core::machine::{Machine, MachineConfig, RunExit};

const RAM: u32 = 0x8000_0000;

/// Everything a program can observe or change, for comparing two machines.
fn state(m: &Machine) -> (u32, [u32; 32], Privilege, u64, Vec<Option<u32>>, u64) {
    let csrs = [
        csr::MSTATUS,
        csr::MEPC,
        csr::MCAUSE,
        csr::MTVAL,
        csr::SEPC,
        csr::SCAUSE,
        csr::STVAL,
        csr::SATP,
        csr::MIP,
        csr::MCYCLE,
        csr::MINSTRET,
    ]
    .iter()
    .map(|&a| m.hart.csr(a))
    .collect();
    (
        m.hart.pc(),
        *m.hart.regs(),
        m.hart.privilege(),
        m.hart.instret(),
        csrs,
        m.bus.memory.digest(),
    )
}

fn privilege() -> impl Strategy<Value = Privilege> {
    prop_oneof![
        Just(Privilege::Machine),
        Just(Privilege::Supervisor),
        Just(Privilege::User)
    ]
}

/// A word that is often a plausible instruction: random bits, or random bits with a real opcode.
fn word() -> impl Strategy<Value = u32> {
    prop_oneof![
        any::<u32>(),
        any::<u32>().prop_map(|w| w | 0b11),
        (
            any::<u32>(),
            prop::sample::select(vec![
                0x03u32, 0x0f, 0x13, 0x17, 0x23, 0x2f, 0x33, 0x37, 0x63, 0x67, 0x6f, 0x73
            ])
        )
            .prop_map(|(w, op)| (w & !0x7f) | op),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn run_equals_steps_and_nothing_panics(
        words in prop::collection::vec(word(), 1..64),
        regs in prop::collection::vec(
            prop_oneof![any::<u32>(), (0u32..0x2000).prop_map(|o| RAM + o)], 31),
        mode in privilege(),
        mtvec in 0u32..0x100,
        stvec in 0u32..0x100,
        medeleg in any::<u32>(),
        satp_on in any::<bool>(),
        steps in 1u64..400,
    ) {
        let mut a = Machine::new(MachineConfig::bare());
        let code: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        a.write_bytes(RAM, &code).unwrap();
        for (i, v) in regs.iter().enumerate() {
            a.hart.set_reg(Reg::new(i as u8 + 1).unwrap(), *v);
        }
        a.hart.set_pc(RAM);
        a.hart.set_csr(csr::MTVEC, RAM + (mtvec & !3));
        a.hart.set_csr(csr::STVEC, RAM + (stvec & !3));
        a.hart.set_csr(csr::MEDELEG, medeleg);
        if satp_on {
            // Sv32 with the root table in (mostly zero) RAM: walks fault or find random PTEs.
            a.hart.set_csr(csr::SATP, 0x8000_0000 | ((RAM >> 12) + 1));
        }
        a.hart.set_privilege(mode);
        let mut b = a.clone();

        let mut stepped = 0;
        let mut step_exit = None;
        while stepped < steps {
            let report = a.step();
            stepped += 1;
            if let Some(exit) = report.exit {
                step_exit = Some(exit);
                break;
            }
        }
        let run_exit = b.run(stepped);
        prop_assert_eq!(state(&a), state(&b));
        match step_exit {
            Some(exit) => prop_assert_eq!(exit, run_exit),
            None => prop_assert!(matches!(run_exit, RunExit::StepLimit | RunExit::Wfi)),
        }
    }
}
