//! The Snowball tree: one consensus instance over many 256-bit choices, as a modified Patricia
//! trie. Unary nodes vote on a run of bits every remaining choice shares; binary nodes decide one
//! bit. Bits are numbered as `Id::bit` (least-significant first within each byte).
//!
//! Because a unary node counts every vote that passes through it, a poll split between two
//! choices that share a prefix still succeeds for the shared-prefix node; that is why the tree
//! finalizes sooner than a flat count per choice.
//!
//! avalanchego `snow/consensus/snowball/tree.go`.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use crate::chain::id::{Id, ID_BITS};
use crate::chain::params::Parameters;
use crate::chain::snowball::binary::BinarySnowball;
use crate::chain::snowball::unary::UnarySnowball;
use crate::chain::snowball::Bag;
use crate::chain::snowman::TreeNodeView;

/// The first bit index in `[start, stop)` where `a` and `b` differ
/// (avalanchego `ids.FirstDifferenceSubset`).
pub fn first_difference(start: usize, stop: usize, a: &Id, b: &Id) -> Option<usize> {
    let stop = stop.min(ID_BITS);
    let mut i = start;
    while i < stop {
        let byte = i / 8;
        let diff = a.0.get(byte).copied().unwrap_or(0) ^ b.0.get(byte).copied().unwrap_or(0);
        let low = i % 8;
        let high = (stop - byte * 8).min(8);
        // Bits low..high of this byte.
        let mask = (((1u16 << high) - 1) as u8) & !(((1u16 << low) - 1) as u8);
        let masked = diff & mask;
        if masked != 0 {
            return Some(byte * 8 + masked.trailing_zeros() as usize);
        }
        i = byte * 8 + 8;
    }
    None
}

/// Do `a` and `b` agree on every bit in `[start, stop)` (avalanchego `ids.EqualSubset`)?
pub fn equal_subset(start: usize, stop: usize, a: &Id, b: &Id) -> bool {
    first_difference(start, stop, a, b).is_none()
}

/// A run of bits `[decided_prefix, common_prefix)` every live choice below shares.
#[derive(Clone, PartialEq, Eq, Debug)]
struct UnaryNode {
    /// The preferred choice of this sub-tree.
    preference: Id,
    /// Bits before this are decided (by the nodes above).
    decided_prefix: usize,
    /// One past the last bit this node covers.
    common_prefix: usize,
    snowball: UnarySnowball,
    /// The child must record an unsuccessful poll before its next poll (the lazy falter).
    should_reset: bool,
    child: Option<Box<Node>>,
}

/// A node deciding bit `bit`.
#[derive(Clone, PartialEq, Eq, Debug)]
struct BinaryNode {
    /// The preferred choice below each side.
    preferences: [Id; 2],
    bit: usize,
    snowball: BinarySnowball,
    /// Per side: that child must record an unsuccessful poll first.
    should_reset: [bool; 2],
    /// None when this node decides the last bit that distinguishes the choices' side.
    children: [Option<Box<Node>>; 2],
}

#[derive(Clone, PartialEq, Eq, Debug)]
enum Node {
    Unary(UnaryNode),
    Binary(BinaryNode),
}

/// How `Node::add` must restructure the slot it was called on.
enum Split {
    /// Nothing to move.
    None,
    /// Replace the node by a binary one, dropping the node (case 2 of tree.go's comment).
    ReplaceWithBinary(BinaryNode),
    /// Put a binary node in the node's place, the node below it on `side` (case 3).
    BinaryAbove(BinaryNode, usize),
    /// Put a new unary node above a binary one that holds the old node (case 5).
    UnaryAbove(UnaryNode, BinaryNode),
}

impl UnaryNode {
    fn leaf(params: &Parameters, choice: Id, decided_prefix: usize) -> Self {
        UnaryNode {
            preference: choice,
            decided_prefix,
            common_prefix: ID_BITS,
            snowball: UnarySnowball::new(params),
            should_reset: false,
            child: None,
        }
    }
}

fn bit_index(bit: u8) -> usize {
    usize::from(bit & 1)
}

impl Node {
    fn preference(&self) -> Id {
        match self {
            Node::Unary(u) => u.preference,
            Node::Binary(b) => b.preferences[bit_index(b.snowball.preference())],
        }
    }

    fn decided_prefix(&self) -> usize {
        match self {
            Node::Unary(u) => u.decided_prefix,
            Node::Binary(b) => b.bit,
        }
    }

    fn finalized(&self) -> bool {
        match self {
            Node::Unary(u) => u.snowball.finalized(),
            Node::Binary(b) => b.snowball.finalized(),
        }
    }

    /// Adds a choice below this node (avalanchego tree.go, unaryNode.Add / binaryNode.Add).
    fn add(&mut self, choice: Id, params: &Parameters) {
        let split = match self {
            Node::Binary(b) => {
                let side = bit_index(choice.bit(b.bit));
                let preference = b.preferences[side];
                if let Some(child) = b.children[side].as_mut() {
                    // The choice must still match what the nodes between here and the child
                    // assumed decided; otherwise it was already decided against.
                    if equal_subset(b.bit + 1, child.decided_prefix(), &preference, &choice) {
                        child.add(choice, params);
                    }
                }
                Split::None
            }
            Node::Unary(u) => Self::add_unary(u, choice, params),
        };
        match split {
            Split::None => {}
            Split::ReplaceWithBinary(b) => *self = Node::Binary(b),
            Split::BinaryAbove(b, side) => {
                let old = core::mem::replace(self, Node::Binary(b));
                if let Node::Binary(b) = self {
                    b.children[side] = Some(Box::new(old));
                }
            }
            Split::UnaryAbove(top, mut b) => {
                let old = core::mem::replace(self, Node::Unary(top));
                let side = bit_index(old.preference().bit(b.bit));
                b.children[side] = Some(Box::new(old));
                if let Node::Unary(top) = self {
                    top.child = Some(Box::new(Node::Binary(b)));
                }
            }
        }
    }

    /// The five cases of avalanchego tree.go's unaryNode.Add comment.
    fn add_unary(u: &mut UnaryNode, choice: Id, params: &Parameters) -> Split {
        if u.snowball.finalized() {
            // A finalized node (the tree is decided, or this is a decided leaf) takes nothing.
            return Split::None;
        }
        let Some(index) =
            first_difference(u.decided_prefix, u.common_prefix, &u.preference, &choice)
        else {
            // Case 1: no difference in my bits; the child (if any) splits. Without a child the
            // choice is already in the tree.
            if let Some(child) = u.child.as_mut() {
                child.add(choice, params);
            }
            return Split::None;
        };
        let bit = u.preference.bit(index);
        let side = bit_index(bit);
        let mut preferences = [choice; 2];
        preferences[side] = u.preference;
        let mut b = BinaryNode {
            preferences,
            bit: index,
            snowball: u.snowball.extend(bit, params),
            should_reset: [u.should_reset; 2],
            children: [None, None],
        };
        let new_child = Box::new(Node::Unary(UnaryNode::leaf(params, choice, index + 1)));
        if u.decided_prefix + 1 == u.common_prefix {
            // Case 2: I voted on exactly one bit: I become the binary node.
            let child = u.child.take();
            if child.is_some() {
                b.children[1 - side] = Some(new_child);
            }
            b.children[side] = child;
            Split::ReplaceWithBinary(b)
        } else if index == u.decided_prefix {
            // Case 3: split on my first bit: the binary node goes above me.
            u.decided_prefix += 1;
            b.children[1 - side] = Some(new_child);
            Split::BinaryAbove(b, side)
        } else if index + 1 == u.common_prefix {
            // Case 4: split on my last bit: the binary node goes below me.
            u.common_prefix -= 1;
            let child = u.child.take();
            if child.is_some() {
                b.children[1 - side] = Some(new_child);
            }
            b.children[side] = child;
            u.child = Some(Box::new(Node::Binary(b)));
            Split::None
        } else {
            // Case 5: split on an interior bit: a copy of me covers the bits before it, the
            // binary node decides it, and I keep the bits after it.
            let top = UnaryNode {
                preference: u.preference,
                decided_prefix: u.decided_prefix,
                common_prefix: index,
                snowball: u.snowball,
                should_reset: false,
                child: None,
            };
            u.decided_prefix = index + 1;
            b.children[1 - side] = Some(new_child);
            Split::UnaryAbove(top, b)
        }
    }

    /// Records a poll whose `votes` all match this node's decided prefix; filters `votes` in
    /// place on the way down. Returns whether this node had a successful poll.
    fn record_poll(
        &mut self,
        votes: &mut Vec<(Id, u64)>,
        reset: bool,
        params: &Parameters,
    ) -> bool {
        let alpha = u64::from(params.alpha_preference);
        let (successful, collapse) = match self {
            // avalanchego tree.go, unaryNode.RecordPoll.
            Node::Unary(u) => {
                if reset {
                    // My parent did not get enough votes earlier, so neither did I.
                    u.snowball.record_unsuccessful_poll();
                    u.should_reset = true;
                }
                let count = total(votes);
                if count < alpha {
                    u.snowball.record_unsuccessful_poll();
                    u.should_reset = true;
                    return false;
                }
                u.snowball.record_poll(count);
                let mut collapse = false;
                if let Some(child) = u.child.as_mut() {
                    // Every vote here shares my bits, so the child sees them all.
                    child.record_poll(votes, u.should_reset, params);
                    if u.snowball.finalized() {
                        collapse = true;
                    } else {
                        u.preference = child.preference();
                    }
                }
                u.should_reset = false;
                (true, collapse)
            }
            // avalanchego tree.go, binaryNode.RecordPoll.
            Node::Binary(b) => {
                let ones = votes
                    .iter()
                    .filter(|(id, _)| id.bit(b.bit) == 1)
                    .fold(0u64, |sum, (_, count)| sum.saturating_add(*count));
                // Only the side that can have a successful poll matters.
                let side: usize = if ones >= alpha { 1 } else { 0 };
                if reset {
                    b.snowball.record_unsuccessful_poll();
                    b.should_reset[side] = true;
                }
                // The other side did not get a quorum.
                b.should_reset[1 - side] = true;
                let bit = b.bit;
                votes.retain(|(id, _)| usize::from(id.bit(bit)) == side);
                let count = total(votes);
                if count < alpha {
                    b.snowball.record_unsuccessful_poll();
                    b.should_reset[side] = true;
                    return false;
                }
                b.snowball.record_poll(count, side as u8);
                let mut collapse = false;
                let preference = b.preferences[side];
                if let Some(child) = b.children[side].as_mut() {
                    // Keep only votes that match what the child assumes decided.
                    let decided = child.decided_prefix();
                    votes.retain(|(id, _)| equal_subset(bit + 1, decided, &preference, id));
                    child.record_poll(votes, b.should_reset[side], params);
                    if b.snowball.finalized() {
                        // Decided here by this poll, for this side.
                        collapse = true;
                    } else {
                        b.preferences[side] = child.preference();
                    }
                }
                b.should_reset[side] = false;
                (true, collapse)
            }
        };
        if collapse {
            // A finalized node with a child hands its place to the child.
            let child = match self {
                Node::Unary(u) => u.child.take(),
                Node::Binary(b) => {
                    let side = bit_index(b.snowball.preference());
                    b.children[side].take()
                }
            };
            if let Some(child) = child {
                *self = *child;
            }
        }
        successful
    }

    /// Depth-first views, preferred side first.
    fn views(&self, depth: u32, reset: bool, out: &mut Vec<TreeNodeView>) {
        match self {
            Node::Unary(u) => {
                out.push(TreeNodeView {
                    kind: "unary",
                    depth,
                    bit_start: u.decided_prefix as u32,
                    bit_end: u.common_prefix as u32,
                    preference: u.preference,
                    strength: [u.snowball.strength(), 0],
                    confidence: if reset { 0 } else { u.snowball.confidence() },
                    finalized: u.snowball.finalized(),
                    rogue: false,
                });
                if let Some(child) = &u.child {
                    child.views(depth + 1, reset || u.should_reset, out);
                }
            }
            Node::Binary(b) => {
                let preferred = bit_index(b.snowball.preference());
                out.push(TreeNodeView {
                    kind: "binary",
                    depth,
                    bit_start: b.bit as u32,
                    bit_end: b.bit as u32 + 1,
                    preference: b.preferences[preferred],
                    strength: b.snowball.strength(),
                    confidence: if reset { 0 } else { b.snowball.confidence() },
                    finalized: b.snowball.finalized(),
                    rogue: true,
                });
                for side in [preferred, 1 - preferred] {
                    if let Some(child) = &b.children[side] {
                        child.views(depth + 1, reset || b.should_reset[side], out);
                    }
                }
            }
        }
    }
}

impl Node {
    /// Raw counters, side 0 before side 1 (the layout of avalanchego's `Tree.String`).
    fn describe(&self, depth: usize, out: &mut String) {
        for _ in 0..depth {
            out.push_str("    ");
        }
        match self {
            Node::Unary(u) => {
                let _ = writeln!(
                    out,
                    "U[{},{}) polls={} conf={} final={}",
                    u.decided_prefix,
                    u.common_prefix,
                    u.snowball.strength(),
                    u.snowball.confidence(),
                    u.snowball.finalized()
                );
                if let Some(child) = &u.child {
                    child.describe(depth + 1, out);
                }
            }
            Node::Binary(b) => {
                let [zero, one] = b.snowball.strength();
                let _ = writeln!(
                    out,
                    "B{} pref={} polls=[{},{}] conf={} final={}",
                    b.bit,
                    b.snowball.preference(),
                    zero,
                    one,
                    b.snowball.confidence(),
                    b.snowball.finalized()
                );
                for child in b.children.iter().flatten() {
                    child.describe(depth + 1, out);
                }
            }
        }
    }
}

fn total(votes: &[(Id, u64)]) -> u64 {
    votes
        .iter()
        .fold(0u64, |sum, (_, count)| sum.saturating_add(*count))
}

/// A Snowball tree over 256-bit choices (avalanchego `snowball.Tree`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Tree {
    params: Parameters,
    root: Node,
    /// The root must record an unsuccessful poll before its next poll.
    should_reset: bool,
}

impl Tree {
    /// A tree with one choice.
    pub fn new(params: Parameters, choice: Id) -> Self {
        let root = Node::Unary(UnaryNode::leaf(&params, choice, 0));
        Tree {
            params,
            root,
            should_reset: false,
        }
    }

    /// The parameters.
    pub fn parameters(&self) -> &Parameters {
        &self.params
    }

    /// Adds a choice (ignored when a decision already went against it, or it is present).
    // avalanchego tree.go, Tree.Add.
    pub fn add(&mut self, choice: Id) {
        let decided = self.root.decided_prefix();
        if equal_subset(0, decided, &self.root.preference(), &choice) {
            self.root.add(choice, &self.params);
        }
    }

    /// Records a poll given as a bag. Returns whether it was successful at the root.
    pub fn record_poll(&mut self, votes: &Bag) -> bool {
        let mut scratch: Vec<(Id, u64)> = votes.iter().map(|(id, count)| (*id, count)).collect();
        self.record_poll_votes(&mut scratch)
    }

    /// Records a poll given as `(choice, votes)` pairs; `votes` is used as scratch space and
    /// left filtered (no allocation).
    // avalanchego tree.go, Tree.RecordPoll: votes for choices already decided against are
    // dropped first.
    pub fn record_poll_votes(&mut self, votes: &mut Vec<(Id, u64)>) -> bool {
        let decided = self.root.decided_prefix();
        let preference = self.root.preference();
        votes.retain(|(id, count)| *count > 0 && equal_subset(0, decided, &preference, id));
        let reset = self.should_reset;
        self.should_reset = false;
        self.root.record_poll(votes, reset, &self.params)
    }

    /// Records a poll without a quorum; applied lazily on the next poll.
    pub fn record_unsuccessful_poll(&mut self) {
        self.should_reset = true;
    }

    /// The preferred choice.
    pub fn preference(&self) -> Id {
        self.root.preference()
    }

    /// Decided: the whole preferred path has finalized.
    pub fn finalized(&self) -> bool {
        self.root.finalized()
    }

    /// The confidence toward deciding the preference: the smallest confidence on the preferred
    /// path from the root, counting a pending (lazy) reset as 0. The tree finalizes when every
    /// node on that path has reached Beta.
    pub fn confidence(&self) -> u32 {
        if self.should_reset {
            return 0;
        }
        let mut node = &self.root;
        let mut least = u32::MAX;
        loop {
            match node {
                Node::Unary(u) => {
                    least = least.min(u.snowball.confidence());
                    match &u.child {
                        Some(_) if u.should_reset => return 0,
                        Some(child) => node = child,
                        None => return least,
                    }
                }
                Node::Binary(b) => {
                    least = least.min(b.snowball.confidence());
                    let side = bit_index(b.snowball.preference());
                    match &b.children[side] {
                        Some(_) if b.should_reset[side] => return 0,
                        Some(child) => node = child,
                        None => return least,
                    }
                }
            }
        }
    }

    /// The trie as text, one node a line, indented by depth, side 0 before side 1, with raw
    /// counters (pending resets not applied): `U[start,end) polls=.. conf=.. final=..` for a
    /// unary node, `B<bit> pref=<side> polls=[side0,side1] conf=.. final=..` for a binary one.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        self.root.describe(0, &mut out);
        out.truncate(out.trim_end().len());
        out
    }

    /// The trie's nodes, depth-first, preferred side first; confidences shown after pending
    /// resets.
    pub fn views(&self) -> Vec<TreeNodeView> {
        let mut out = Vec::new();
        self.root.views(0, self.should_reset, &mut out);
        out
    }
}

#[cfg(test)]
mod tests;
