//! Checkpoints for stepping backwards: snapshots of the machine at known positions (steps since
//! the program was loaded), from which any earlier state is rebuilt by running forward again. The
//! machine is deterministic (no wall clock, `Machine::run(n)` equals `n` single steps), so a
//! snapshot plus a step count names a state exactly.
//!
//! # Policy
//! - Position 0 (the program as loaded) is always kept: it is Reset, and the floor for stepping
//!   back.
//! - While the program moves forward, a snapshot is taken whenever the position is at least
//!   `spacing = max(`[`MIN_SPACING`]`, span / 16)` past the newest one, where `span` is the
//!   distance from the start (running forward) or the length of the stretch being re-executed
//!   (stepping back). Re-executing a long stretch therefore leaves snapshots behind, so the next
//!   step back re-executes at most a sixteenth of it: repeated step-backs get cheap quickly.
//! - Snapshots are thinned when there are more than [`MAX_CHECKPOINTS`] or when the memory pages
//!   only they hold (page versions the machine has overwritten since) exceed [`PAGE_BUDGET`]. The
//!   one removed is the one that leaves the smallest gap relative to its distance from the
//!   present, so they end up dense near the present and sparse (geometrically) in the past.
//! - Snapshots later than the present are dropped when stepping back.
//!
//! Memory is thus bounded by [`MAX_CHECKPOINTS`] hart snapshots (a few KiB each) plus
//! [`PAGE_BUDGET`] pages of 4 KiB (copy-on-write: a page costs nothing until the running machine
//! writes it), except that the position-0 snapshot is never dropped.

use alloc::vec::Vec;

use crate::machine::Machine;
use crate::mem::Memory;

/// The closest two snapshots ever are, in steps.
pub const MIN_SPACING: u64 = 1024;
/// The most snapshots kept.
pub const MAX_CHECKPOINTS: usize = 48;
/// The most 4 KiB page versions held only by snapshots (16 384 pages = 64 MiB).
pub const PAGE_BUDGET: usize = 16_384;

/// One snapshot.
#[derive(Clone, Debug)]
struct Checkpoint {
    /// Steps since the program was loaded.
    position: u64,
    machine: Machine,
    /// Page versions this snapshot holds that the next snapshot does not (0 for the newest).
    held: usize,
}

/// The snapshots of one program's history, oldest first.
#[derive(Clone, Debug)]
pub struct Checkpoints {
    entries: Vec<Checkpoint>,
}

/// Pages of `a` whose contents `b` does not share (copy-on-write versions `a` alone keeps alive
/// as far as `b` is concerned).
fn unshared_pages(a: &Memory, b: &Memory) -> usize {
    a.allocated_ppns()
        .filter(|&ppn| match (a.page(ppn), b.page(ppn)) {
            (Some(x), Some(y)) => !core::ptr::eq(x, y),
            _ => true,
        })
        .count()
}

/// The spacing between snapshots over a stretch of `span` steps.
pub fn spacing(span: u64) -> u64 {
    (span / 16).max(MIN_SPACING)
}

impl Checkpoints {
    /// The history of a program just loaded as `initial`.
    pub fn new(initial: Machine) -> Checkpoints {
        Checkpoints {
            entries: alloc::vec![Checkpoint {
                position: 0,
                machine: initial,
                held: 0,
            }],
        }
    }

    /// The machine as loaded (position 0).
    pub fn initial(&self) -> Option<&Machine> {
        self.entries.first().map(|c| &c.machine)
    }

    /// How many snapshots there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none (never: position 0 is always kept).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The positions of the snapshots, oldest first.
    pub fn positions(&self) -> impl Iterator<Item = u64> + '_ {
        self.entries.iter().map(|c| c.position)
    }

    /// Page versions held only by snapshots.
    pub fn held_pages(&self) -> usize {
        self.entries.iter().map(|c| c.held).sum()
    }

    /// The newest snapshot's position.
    pub fn newest(&self) -> u64 {
        self.entries.last().map_or(0, |c| c.position)
    }

    /// The newest snapshot at or before `position`, cloned.
    pub fn at_or_before(&self, position: u64) -> Option<(u64, Machine)> {
        self.entries
            .iter()
            .rev()
            .find(|c| c.position <= position)
            .map(|c| (c.position, c.machine.clone()))
    }

    /// Drops every snapshot later than `position` (the history after it is being rewritten by
    /// stepping back).
    pub fn truncate_after(&mut self, position: u64) {
        self.entries.retain(|c| c.position <= position);
        if let Some(last) = self.entries.last_mut() {
            last.held = 0;
        }
    }

    /// Records `machine` at `position` (later than every snapshot), then thins the snapshots as
    /// the module docs describe, `position` being the present.
    pub fn record(&mut self, position: u64, machine: &Machine) {
        if position <= self.newest() {
            return;
        }
        if let Some(last) = self.entries.last_mut() {
            last.held = unshared_pages(&last.machine.bus.memory, &machine.bus.memory);
        }
        self.entries.push(Checkpoint {
            position,
            machine: machine.clone(),
            held: 0,
        });
        self.thin(position);
    }

    fn thin(&mut self, now: u64) {
        while self.entries.len() > 1
            && (self.entries.len() > MAX_CHECKPOINTS || self.held_pages() > PAGE_BUDGET)
        {
            let Some(victim) = self.least_useful(now) else {
                break;
            };
            self.entries.remove(victim);
            // The predecessor now shares with the victim's successor instead.
            let (before, after) = self.entries.split_at_mut(victim);
            if let Some(prev) = before.last_mut() {
                prev.held = match after.first() {
                    Some(next) => {
                        unshared_pages(&prev.machine.bus.memory, &next.machine.bus.memory)
                    }
                    None => 0,
                };
            }
        }
    }

    /// The snapshot (never the first) whose removal leaves the smallest gap relative to its
    /// distance from `now`: gap `(next - prev)` over `(now - position + MIN_SPACING)`, compared
    /// by cross-multiplying in integers.
    fn least_useful(&self, now: u64) -> Option<usize> {
        let mut best: Option<(usize, u128, u128)> = None;
        for i in 1..self.entries.len() {
            let prev = self.entries[i - 1].position;
            let next = self.entries.get(i + 1).map_or(now, |c| c.position);
            let gap = u128::from(next.saturating_sub(prev));
            let distance =
                u128::from(now.saturating_sub(self.entries[i].position)) + u128::from(MIN_SPACING);
            let better = match best {
                None => true,
                Some((_, g, d)) => gap * d < g * distance,
            };
            if better {
                best = Some((i, gap, distance));
            }
        }
        best.map(|(i, _, _)| i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::MachineConfig;

    #[test]
    fn thinning_keeps_the_start_and_a_bounded_count_dense_near_the_present() {
        let machine = Machine::new(MachineConfig::bare());
        let mut cps = Checkpoints::new(machine.clone());
        for k in 1..=1000u64 {
            cps.record(k * MIN_SPACING, &machine);
        }
        let positions: Vec<u64> = cps.positions().collect();
        assert!(positions.len() <= MAX_CHECKPOINTS);
        assert_eq!(positions[0], 0);
        assert_eq!(positions.last(), Some(&(1000 * MIN_SPACING)));
        // Gaps grow going back in time.
        let gaps: Vec<u64> = positions.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gaps.first() > gaps.last(), "{gaps:?}");
    }

    #[test]
    fn truncate_drops_the_future() {
        let machine = Machine::new(MachineConfig::bare());
        let mut cps = Checkpoints::new(machine.clone());
        cps.record(5000, &machine);
        cps.record(9000, &machine);
        cps.truncate_after(6000);
        assert_eq!(cps.positions().collect::<Vec<_>>(), [0, 5000]);
        assert_eq!(cps.at_or_before(4999).map(|c| c.0), Some(0));
    }
}
