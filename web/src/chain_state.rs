//! The chain page's model and its transitions: a [`ChainSession`] (the core's
//! [`ChainPlayground`] plus what only the page cares about: the selected node and block, the run
//! state and its speed, the last error, the decision-log filter), the [`ChainAction`]s a user, the
//! run loop or the `window.snowrv` bridge sends, and [`ChainState`], the [`Reducible`] that Yew's
//! `use_reducer` holds.
//!
//! No consensus happens here: every action becomes one [`ChainCommand`] (or, for Run, a few), the
//! core's events are drained after each one, and every panel reads the core's views. What the
//! page adds is the clock: Run delivers messages in slices measured with `performance.now()` so
//! each timer tick computes for at most [`SLICE_BUDGET_MS`].
//!
//! # Sharing with `window.snowrv` and re-rendering
//! The session lives in an `Rc<RefCell<_>>` shared by the reducer and the bridge
//! ([`crate::bridge`]). A JavaScript `window.snowrv.rpc(request)` call borrows the session
//! mutably, runs the request synchronously against the same [`ChainPlayground`] the page shows
//! (so the response, and any call right after it, see the new state), drains the events, and
//! then dispatches [`ChainAction::Refresh`]: that transition changes nothing but the
//! [`ChainState::version`], which makes Yew re-render the page on its next scheduler pass. A
//! call made while the session is borrowed (impossible from JavaScript in a single-threaded
//! page, but cheap to guard) answers a JSON-RPC "busy" error instead of panicking.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use snowrv_core::chain::engine::{Behavior, NodeIndex};
use snowrv_core::chain::network::{Network, NetworkConfig, StepOutcome};
use snowrv_core::chain::params::{Parameters, PRESETS};
use snowrv_core::chain::Id;
use snowrv_core::playground::chain::{ChainCommand, ChainPlayground, COMMAND_BUDGET};
use yew::Reducible;

/// The most nodes the page lets a user configure (the grid stays responsive up to this).
pub const MAX_PAGE_NODES: u32 = 2_000;
/// How long one Run slice may compute, in milliseconds: the rest of a 16 ms frame is left for
/// rendering the panels and answering clicks.
pub const SLICE_BUDGET_MS: f64 = 8.0;
/// Bounds of the adaptive chunk (messages per `Run` command inside a slice).
const CHUNK_BOUNDS: (u64, u64) = (8, 1_000_000);
/// The window over which messages per second are averaged.
const RATE_WINDOW_MS: f64 = 500.0;
/// The speeds offered (messages per tick); 0 means "as many as fit in the slice budget".
pub const SPEEDS: [u64; 6] = [1, 10, 100, 1_000, 10_000, 0];

/// Whether the network runs on its own.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ChainRunState {
    /// Waiting for a step button or Run.
    Paused,
    /// Delivering messages on every timer tick ([`ChainAction::Tick`]).
    Running,
}

impl ChainRunState {
    /// The word shown on the page.
    pub fn label(self) -> &'static str {
        match self {
            ChainRunState::Paused => "paused",
            ChainRunState::Running => "running",
        }
    }
}

/// Which decisions the log shows.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum DecisionKind {
    /// Accepts and rejects.
    #[default]
    All,
    /// Only accepts.
    Accepted,
    /// Only rejects.
    Rejected,
}

impl DecisionKind {
    /// The value used in the filter's `<select>`.
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::All => "all",
            DecisionKind::Accepted => "accepted",
            DecisionKind::Rejected => "rejected",
        }
    }

    /// Parses a `<select>` value (anything unknown is `All`).
    pub fn parse(text: &str) -> DecisionKind {
        match text {
            "accepted" => DecisionKind::Accepted,
            "rejected" => DecisionKind::Rejected,
            _ => DecisionKind::All,
        }
    }

    /// Whether a decision (`accepted` or not) passes.
    pub fn admits(self, accepted: bool) -> bool {
        match self {
            DecisionKind::All => true,
            DecisionKind::Accepted => accepted,
            DecisionKind::Rejected => !accepted,
        }
    }
}

/// The decision log's filter.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct DecisionFilter {
    /// Accepts, rejects or both.
    pub kind: DecisionKind,
    /// Only this node's decisions (None: every node).
    pub node: Option<NodeIndex>,
}

/// The parameter form as typed: every field is text until Apply parses it, so a non-number is
/// reported, not silently dropped.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ParamInput {
    /// Preset name (`default`, `2020`): supplies OptimalProcessing and the form's initial values.
    pub preset: String,
    /// Number of nodes.
    pub nodes: String,
    /// K.
    pub k: String,
    /// AlphaPreference.
    pub alpha_preference: String,
    /// AlphaConfidence.
    pub alpha_confidence: String,
    /// Beta.
    pub beta: String,
    /// BetaRogue (the 2020 rule; equal to Beta today).
    pub beta_rogue: String,
    /// ConcurrentRepolls.
    pub concurrent_repolls: String,
    /// The seed.
    pub seed: String,
    /// Smallest latency (ms).
    pub latency_min: String,
    /// Largest latency (ms).
    pub latency_max: String,
    /// Drop chance per mille.
    pub drop: String,
    /// How many Byzantine nodes.
    pub byzantine: String,
    /// What they do (`fixed-vote`, `silent`, `equivocating`).
    pub byzantine_behavior: String,
}

/// The Byzantine behaviours the form offers: (`<select>` value, label, behaviour).
pub const BYZANTINE_BEHAVIORS: [(&str, &str, Behavior); 3] = [
    (
        "fixed-vote",
        "always vote for a conflicting block",
        Behavior::FixedVote,
    ),
    ("silent", "never answer", Behavior::Silent),
    (
        "equivocating",
        "answer peers differently",
        Behavior::Equivocating,
    ),
];

/// The form value of a behaviour.
pub fn behavior_value(behavior: Behavior) -> &'static str {
    BYZANTINE_BEHAVIORS
        .iter()
        .find(|(_, _, b)| *b == behavior)
        .map_or("fixed-vote", |(value, _, _)| value)
}

/// The preset whose parameters equal `params`, or `default`.
pub fn preset_of(params: &Parameters) -> &'static str {
    PRESETS
        .iter()
        .find(|p| p.parameters == *params)
        .or_else(|| {
            // Edited values keep the preset whose OptimalProcessing they carry.
            PRESETS
                .iter()
                .find(|p| p.parameters.optimal_processing == params.optimal_processing)
        })
        .map_or("default", |p| p.name)
}

impl ParamInput {
    /// The form showing `config`.
    pub fn from_config(config: &NetworkConfig) -> ParamInput {
        let p = &config.params;
        ParamInput {
            preset: String::from(preset_of(p)),
            nodes: config.nodes.to_string(),
            k: p.k.to_string(),
            alpha_preference: p.alpha_preference.to_string(),
            alpha_confidence: p.alpha_confidence.to_string(),
            beta: p.beta.to_string(),
            beta_rogue: p.beta_rogue.to_string(),
            concurrent_repolls: p.concurrent_repolls.to_string(),
            seed: config.seed.to_string(),
            latency_min: config.latency_min_ms.to_string(),
            latency_max: config.latency_max_ms.to_string(),
            drop: config.drop_per_mille.to_string(),
            byzantine: config.byzantine.to_string(),
            byzantine_behavior: String::from(behavior_value(config.byzantine_behavior)),
        }
    }

    /// The form with the consensus fields of preset `name` (other fields kept).
    pub fn with_preset(&self, name: &str) -> ParamInput {
        let Some(preset) = PRESETS.iter().find(|p| p.name == name) else {
            return self.clone();
        };
        let p = &preset.parameters;
        ParamInput {
            preset: String::from(preset.name),
            k: p.k.to_string(),
            alpha_preference: p.alpha_preference.to_string(),
            alpha_confidence: p.alpha_confidence.to_string(),
            beta: p.beta.to_string(),
            beta_rogue: p.beta_rogue.to_string(),
            concurrent_repolls: p.concurrent_repolls.to_string(),
            ..self.clone()
        }
    }

    /// The config the form describes, starting from `current` (fields the form lacks are kept),
    /// validated by the core. The error names the field: a parse error for text that is not a
    /// whole number, the page's node limit, or the core's validation reason.
    pub fn to_config(&self, current: &NetworkConfig) -> Result<NetworkConfig, String> {
        fn whole<T: std::str::FromStr>(label: &str, text: &str) -> Result<T, String> {
            let trimmed = text.trim();
            trimmed.parse::<T>().map_err(|_| {
                if trimmed.is_empty() {
                    format!("{label}: enter a whole number")
                } else {
                    format!("{label}: \"{trimmed}\" is not a whole number")
                }
            })
        }
        let preset = PRESETS
            .iter()
            .find(|p| p.name == self.preset)
            .ok_or_else(|| format!("preset: unknown preset \"{}\"", self.preset))?;
        let nodes: u32 = whole("nodes", &self.nodes)?;
        if nodes > MAX_PAGE_NODES {
            return Err(format!(
                "nodes: {nodes} is more than the page allows ({MAX_PAGE_NODES}); the CLI and the \
                 benchmarks go to 10,000"
            ));
        }
        let params = Parameters {
            k: whole("K", &self.k)?,
            alpha_preference: whole("AlphaPreference", &self.alpha_preference)?,
            alpha_confidence: whole("AlphaConfidence", &self.alpha_confidence)?,
            beta: whole("Beta", &self.beta)?,
            beta_rogue: whole("BetaRogue", &self.beta_rogue)?,
            concurrent_repolls: whole("ConcurrentRepolls", &self.concurrent_repolls)?,
            optimal_processing: preset.parameters.optimal_processing,
        };
        let byzantine_behavior = BYZANTINE_BEHAVIORS
            .iter()
            .find(|(value, _, _)| *value == self.byzantine_behavior)
            .map(|(_, _, b)| *b)
            .ok_or_else(|| {
                format!(
                    "Byzantine behaviour: unknown behaviour \"{}\"",
                    self.byzantine_behavior
                )
            })?;
        let config = NetworkConfig {
            nodes,
            params,
            seed: whole("seed", &self.seed)?,
            latency_min_ms: whole("latency min", &self.latency_min)?,
            latency_max_ms: whole("latency max", &self.latency_max)?,
            drop_per_mille: whole("drop ‰", &self.drop)?,
            byzantine: whole("Byzantine nodes", &self.byzantine)?,
            byzantine_behavior,
            ..current.clone()
        };
        config.validate().map_err(|e| e.to_string())?;
        Ok(config)
    }
}

/// What a user, the run loop or the bridge asks for. Node-specific actions act on the selected
/// node.
#[derive(Clone, PartialEq, Debug)]
pub enum ChainAction {
    /// Propose data (text, or 64 hex digits) into the selected node's mempool.
    Propose(String),
    /// The selected node builds a block on its preference.
    Build,
    /// The selected node builds a sibling of the newest processing block it knows.
    BuildConflicting,
    /// Deliver one message.
    StepMessage,
    /// Deliver messages until one poll finishes on any node.
    StepPoll,
    /// Every live honest node finishes one more poll.
    StepRound,
    /// Run until the newest processing block is decided on every live honest node.
    RunUntilDecided,
    /// Start running in slices.
    Run,
    /// Stop running.
    Pause,
    /// Messages per tick (0: as many as fit in the slice budget).
    SetSpeed(u64),
    /// One slice of a run, sent by the timer.
    Tick,
    /// Select a node (ignored when out of range).
    SelectNode(NodeIndex),
    /// Select a block for the inspector (None: close it).
    SelectBlock(Option<Id>),
    /// Replace the network with the form's config (parsed and validated first).
    ApplyParams(Box<ParamInput>),
    /// Crash the selected node.
    Crash,
    /// Restart the selected node.
    Restart,
    /// Hide the error message.
    DismissError,
    /// Change the decision log's filter.
    FilterDecisions(DecisionFilter),
    /// Something outside the reducer (the `window.snowrv` bridge) changed the session: re-render.
    Refresh,
}

/// Labels of one ID, computed once: CB58 is a base58 conversion plus a SHA-256, too slow to
/// redo for every cell of a 2,000-node grid on every frame.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct IdLabel {
    /// The full CB58.
    pub cb58: Rc<str>,
    /// Its first 8 characters.
    pub short: Rc<str>,
    /// A stable CSS color for the block (derived from its bytes).
    pub color: Rc<str>,
    /// `--c:<color>`, the node grid's cell style.
    pub style: Rc<str>,
}

/// A stable hue (0..360) for a block ID, from its last two bytes: the first bytes decide the
/// first CB58 characters, so IDs that look alike ("2Xz…", "2Ri…") would get alike colors.
pub fn id_hue(id: &Id) -> u32 {
    let word = u32::from(id.0[31]) << 8 | u32::from(id.0[30]);
    word * 360 / 65_536
}

/// A stable CSS color for a block ID: the hue from [`id_hue`], the lightness (60..72%) from
/// another byte, so two blocks of similar hue still tell apart. Blues and violets look darker at
/// the same lightness, so they get a little more: the dark text on chips stays readable.
pub fn id_color(id: &Id) -> String {
    let hue = id_hue(id);
    let boost = if (210..=290).contains(&hue) { 8 } else { 0 };
    format!(
        "hsl({hue} 64% {}%)",
        60 + boost + u32::from(id.0[29]) * 12 / 256
    )
}

impl IdLabel {
    fn new(id: &Id) -> IdLabel {
        let cb58 = id.to_cb58();
        let short: String = cb58.chars().take(8).collect();
        let color = id_color(id);
        IdLabel {
            cb58: Rc::from(cb58),
            short: Rc::from(short),
            style: Rc::from(format!("--c:{color}")),
            color: Rc::from(color),
        }
    }
}

/// The chain playground and what the page remembers beside it.
#[derive(Debug)]
pub struct ChainSession {
    /// The simulation (None only when even the default network could not be made).
    chain: Option<ChainPlayground>,
    /// The node the controls, the mempool, the inspectors and `timestampvm.*` calls act on.
    selected_node: NodeIndex,
    /// The block shown in the block inspector.
    selected_block: Option<Id>,
    /// Running or paused.
    run_state: ChainRunState,
    /// While running until a block is decided: the block.
    until: Option<Id>,
    /// Messages Run Until Decided may still deliver before it gives up.
    until_budget: u64,
    /// Messages per tick (0: as many as fit).
    speed: u64,
    /// Messages per `Run` command inside a slice (adapted to the measured cost).
    chunk: u64,
    /// Messages delivered or dropped per second over the last window, while running.
    rate: Option<f64>,
    /// Start of the rate window (ms) and messages counted in it.
    window: Option<(f64, u64)>,
    /// The last error, shown until dismissed or until the next command succeeds.
    error: Option<String>,
    /// Why the last Apply was refused.
    param_error: Option<String>,
    /// What the last command did, in words (`network quiet`, `budget used up`, ...).
    note: Option<String>,
    /// The decision log's filter.
    filter: DecisionFilter,
    /// CB58 and color of every ID shown so far (cleared with the network).
    labels: RefCell<BTreeMap<Id, IdLabel>>,
}

impl Default for ChainSession {
    /// The default network (20 nodes, today's parameters), paused.
    fn default() -> ChainSession {
        ChainSession::new(NetworkConfig::default())
    }
}

impl ChainSession {
    /// A session over a new network from `config`; an invalid config leaves the page with an
    /// error and no network.
    pub fn new(config: NetworkConfig) -> ChainSession {
        let (chain, error) = match ChainPlayground::new(config) {
            Ok(chain) => (Some(chain), None),
            Err(e) => (None, Some(format!("cannot make the network: {e}"))),
        };
        let mut session = ChainSession {
            chain,
            selected_node: 0,
            selected_block: None,
            run_state: ChainRunState::Paused,
            until: None,
            until_budget: 0,
            speed: 0,
            chunk: 256,
            rate: None,
            window: None,
            error,
            param_error: None,
            note: None,
            filter: DecisionFilter::default(),
            labels: RefCell::new(BTreeMap::new()),
        };
        session.drain_events();
        session
    }

    /// The network, for the panels' views.
    pub fn network(&self) -> Option<&Network> {
        self.chain.as_ref().map(ChainPlayground::network)
    }

    /// The chain playground (the bridge's RPC runs against it).
    pub fn chain_mut(&mut self) -> Option<&mut ChainPlayground> {
        self.chain.as_mut()
    }

    /// The selected node.
    pub fn selected_node(&self) -> NodeIndex {
        self.selected_node
    }

    /// The block shown in the inspector.
    pub fn selected_block(&self) -> Option<Id> {
        self.selected_block
    }

    /// The block the last Build made (by a click or an RPC call; None after Apply).
    pub fn last_built(&self) -> Option<Id> {
        self.chain.as_ref().and_then(ChainPlayground::last_built)
    }

    /// Running or paused.
    pub fn run_state(&self) -> ChainRunState {
        self.run_state
    }

    /// The block Run Until Decided waits for, while it runs.
    pub fn running_until(&self) -> Option<Id> {
        self.until
    }

    /// Messages per tick (0: as many as fit).
    pub fn speed(&self) -> u64 {
        self.speed
    }

    /// Messages handled per second while running.
    pub fn rate(&self) -> Option<f64> {
        self.rate
    }

    /// The last error.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Why the last Apply was refused.
    pub fn param_error(&self) -> Option<&str> {
        self.param_error.as_deref()
    }

    /// What the last command did, in words.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// Is `node` crashed?
    pub fn is_crashed(&self, node: NodeIndex) -> bool {
        self.network().is_some_and(|n| n.is_crashed(node))
    }

    /// The decision log's filter.
    pub fn filter(&self) -> DecisionFilter {
        self.filter
    }

    /// CB58, short form and color of `id` (cached).
    pub fn label(&self, id: &Id) -> IdLabel {
        let mut labels = self.labels.borrow_mut();
        labels
            .entry(*id)
            .or_insert_with(|| IdLabel::new(id))
            .clone()
    }

    /// Applies `command` and drains the events (sans-I/O: after every input, drain the outputs).
    /// An error is shown and changes nothing; a success clears the last error.
    fn command(&mut self, command: ChainCommand) -> Option<StepOutcome> {
        let chain = self.chain.as_mut()?;
        let result = chain.apply(command);
        self.drain_events();
        match result {
            Ok(outcome) => {
                self.error = None;
                Some(outcome)
            }
            Err(e) => {
                self.error = Some(e.to_string());
                None
            }
        }
    }

    /// Drains the core's events. The panels read the core's views, which already hold what the
    /// events said; draining keeps the event buffer from growing while the page runs.
    pub fn drain_events(&mut self) {
        if let Some(chain) = self.chain.as_mut() {
            drop(chain.take_events());
        }
    }

    /// The words for a step's outcome.
    fn describe(outcome: StepOutcome, what: &str) -> Option<String> {
        match outcome {
            StepOutcome::Progress => None,
            StepOutcome::Quiet => Some(format!("{what}: nothing in flight, the network is quiet")),
            StepOutcome::Budget => Some(format!(
                "{what}: stopped after the per-click message budget; click again to continue"
            )),
        }
    }

    /// A one-shot command from a button: pauses a run first, shows what happened.
    fn step(&mut self, command: ChainCommand, what: &str) {
        self.pause();
        self.note = self
            .command(command)
            .and_then(|outcome| ChainSession::describe(outcome, what));
    }

    /// Proposes `data` on the selected node.
    pub fn propose(&mut self, data: &str) {
        let node = self.selected_node;
        self.note = self
            .command(ChainCommand::Propose {
                node,
                data: String::from(data),
            })
            .map(|_| format!("proposed {data:?} on node {node}"));
    }

    /// The selected node builds (a conflicting block when `conflicting`); the new block becomes
    /// the selected one.
    pub fn build(&mut self, conflicting: bool) {
        let node = self.selected_node;
        let command = if conflicting {
            ChainCommand::BuildConflicting { node }
        } else {
            ChainCommand::Build { node }
        };
        self.pause();
        self.note = None;
        if self.command(command).is_some() {
            if let Some(id) = self.last_built() {
                self.selected_block = Some(id);
                self.note = Some(format!(
                    "node {node} built {}{}",
                    self.label(&id).short,
                    if conflicting { " (a fork)" } else { "" }
                ));
            }
        }
    }

    /// Starts running (a no-op without a network).
    pub fn run(&mut self) {
        if self.chain.is_some() && self.run_state == ChainRunState::Paused {
            self.run_state = ChainRunState::Running;
            self.window = None;
            self.note = None;
        }
    }

    /// Stops running (and Run Until Decided).
    pub fn pause(&mut self) {
        self.run_state = ChainRunState::Paused;
        self.until = None;
        self.rate = None;
        self.window = None;
    }

    /// Sets the messages per tick (0: as many as fit).
    pub fn set_speed(&mut self, speed: u64) {
        self.speed = speed;
    }

    /// Selects a node (ignored when out of range).
    pub fn select_node(&mut self, node: NodeIndex) {
        if self.network().is_some_and(|n| node < n.node_count()) {
            self.selected_node = node;
        }
    }

    /// Selects a block for the inspector.
    pub fn select_block(&mut self, block: Option<Id>) {
        self.selected_block = block;
    }

    /// Replaces the network with the form's config; an invalid form changes nothing and shows
    /// why in the form.
    pub fn apply_params(&mut self, input: &ParamInput) {
        let Some(current) = self.network().map(|n| n.config().clone()) else {
            return;
        };
        let config = match input.to_config(&current) {
            Ok(config) => config,
            Err(reason) => {
                self.param_error = Some(reason);
                return;
            }
        };
        self.pause();
        let nodes = config.nodes;
        let Some(chain) = self.chain.as_mut() else {
            return;
        };
        match chain.apply(ChainCommand::Configure(config)) {
            Ok(_) => {
                self.param_error = None;
                self.error = None;
                self.note = Some(format!("new network: {nodes} nodes"));
                self.labels.borrow_mut().clear();
                self.selected_block = None;
                if self.selected_node >= nodes {
                    self.selected_node = 0;
                }
                self.drain_events();
            }
            Err(e) => {
                self.drain_events();
                self.param_error = Some(e.to_string());
            }
        }
    }

    /// Runs one slice: `Run` commands of [`ChainSession::chunk`] messages until the speed's
    /// count is reached or [`SLICE_BUDGET_MS`] has passed (`clock` reads the wall clock in ms).
    /// A quiet network or an error pauses.
    pub fn tick(&mut self, clock: &dyn Fn() -> f64) {
        if self.run_state != ChainRunState::Running {
            return;
        }
        let start = clock();
        // Run Until Decided goes as fast as the budget allows, whatever the speed setting.
        let target = match (self.until, self.speed) {
            (Some(_), _) | (None, 0) => u64::MAX,
            (None, speed) => speed,
        };
        let handled = |s: &ChainSession| {
            s.network()
                .map_or(0, |n| n.stats().delivered + n.stats().dropped)
        };
        let before = handled(self);
        let mut asked = 0u64;
        let mut elapsed = 0.0;
        while asked < target && self.run_state == ChainRunState::Running {
            let chunk = self.chunk.min(target - asked);
            asked += chunk;
            match self.until {
                Some(block) => self.slice_until(block, chunk),
                None => self.slice_run(chunk),
            }
            elapsed = clock() - start;
            if elapsed >= SLICE_BUDGET_MS {
                break;
            }
        }
        let done = handled(self).saturating_sub(before);
        // Adapt the chunk so about four chunks fill the budget: small enough to stop near the
        // budget, large enough that the clock is read rarely.
        if done > 0 && target == u64::MAX {
            let per_message = (elapsed / done as f64).max(1e-6);
            let ideal = (SLICE_BUDGET_MS / 4.0 / per_message) as u64;
            self.chunk = ideal.clamp(CHUNK_BOUNDS.0, CHUNK_BOUNDS.1);
        }
        let end = clock();
        let (window_start, counted) = self.window.unwrap_or((start, 0));
        let counted = counted + done;
        if end - window_start >= RATE_WINDOW_MS {
            self.rate = Some(counted as f64 * 1000.0 / (end - window_start));
            self.window = Some((end, 0));
        } else if self.run_state == ChainRunState::Running {
            self.window = Some((window_start, counted));
        }
    }

    /// One chunk of Run: up to `messages` messages; a quiet network or an error pauses.
    fn slice_run(&mut self, messages: u64) {
        match self.command(ChainCommand::Run { messages }) {
            Some(StepOutcome::Progress | StepOutcome::Budget) => {}
            Some(StepOutcome::Quiet) => {
                self.pause();
                self.note = Some(String::from(
                    "run: the network is quiet (nothing in flight)",
                ));
            }
            None => self.pause(),
        }
    }

    /// One chunk of Run Until Decided: the core's budgeted run-until-decided, which stops
    /// exactly at the decision (so the transcript does not depend on chunk sizes); pauses when
    /// `block` is decided on every live honest node, the network is quiet, or the per-click
    /// budget ([`COMMAND_BUDGET`] messages) is used up.
    fn slice_until(&mut self, block: Id, messages: u64) {
        let messages = messages.min(self.until_budget);
        let Some(chain) = self.chain.as_mut() else {
            self.pause();
            return;
        };
        let result = chain.run_until_decided(Some(block), messages);
        self.drain_events();
        let short = self.label(&block).short;
        match result {
            Ok((_, StepOutcome::Progress)) => {
                self.pause();
                self.note = Some(format!(
                    "run until decided: {short} is decided on every live honest node"
                ));
            }
            Ok((_, StepOutcome::Quiet)) => {
                self.pause();
                self.note = Some(format!(
                    "run until decided: the network went quiet before {short} was decided \
                     everywhere (crashed, partitioned or silent nodes?)"
                ));
            }
            Ok((_, StepOutcome::Budget)) => {
                self.until_budget = self.until_budget.saturating_sub(messages);
                if self.until_budget == 0 {
                    let hint = self.network().map_or("", |net| {
                        if net.config().params.k >= net.node_count() {
                            " With K equal to the number of nodes every poll asks every node, \
                             so a split that never reaches AlphaPreference stays split; try \
                             more nodes than K."
                        } else {
                            ""
                        }
                    });
                    let note = format!(
                        "run until decided: stopped after {} messages without a decision; \
                         click again to continue.{hint}",
                        crate::components::chain::format::count(COMMAND_BUDGET)
                    );
                    self.pause();
                    self.note = Some(note);
                }
            }
            Err(e) => {
                self.pause();
                self.error = Some(e.to_string());
            }
        }
    }

    /// Starts Run Until Decided on the newest processing block (the core's choice); it runs in
    /// timer slices like Run, so the page stays responsive and Pause stops it.
    pub fn run_until_decided(&mut self) {
        self.pause();
        let Some(chain) = self.chain.as_ref() else {
            return;
        };
        match chain.newest_processing() {
            Ok(block) => {
                self.error = None;
                self.note = None;
                self.until = Some(block);
                self.until_budget = COMMAND_BUDGET;
                self.run_state = ChainRunState::Running;
                self.window = None;
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Applies `action` in place; `clock` reads the wall clock in milliseconds.
    pub fn apply(&mut self, action: ChainAction, clock: &dyn Fn() -> f64) {
        match action {
            ChainAction::Propose(data) => self.propose(&data),
            ChainAction::Build => self.build(false),
            ChainAction::BuildConflicting => self.build(true),
            ChainAction::StepMessage => self.step(ChainCommand::StepMessage, "step message"),
            ChainAction::StepPoll => self.step(ChainCommand::StepPoll { node: None }, "step poll"),
            ChainAction::StepRound => self.step(ChainCommand::StepRound, "step round"),
            ChainAction::RunUntilDecided => self.run_until_decided(),
            ChainAction::Run => self.run(),
            ChainAction::Pause => self.pause(),
            ChainAction::SetSpeed(speed) => self.set_speed(speed),
            ChainAction::Tick => self.tick(clock),
            ChainAction::SelectNode(node) => self.select_node(node),
            ChainAction::SelectBlock(block) => self.select_block(block),
            ChainAction::ApplyParams(input) => self.apply_params(&input),
            ChainAction::Crash => {
                let node = self.selected_node;
                self.step(ChainCommand::Crash { node }, "crash");
            }
            ChainAction::Restart => {
                let node = self.selected_node;
                self.step(ChainCommand::Restart { node }, "restart");
            }
            ChainAction::DismissError => self.error = None,
            ChainAction::FilterDecisions(filter) => self.filter = filter,
            ChainAction::Refresh => {}
        }
    }
}

/// A JSON-RPC 2.0 error response with a null id (for requests the page could not hand to the
/// core's dispatcher).
pub fn rpc_error(code: i32, message: &str) -> String {
    let escaped: String = message
        .chars()
        .flat_map(|c| match c {
            '"' | '\\' => vec!['\\', c],
            c if c.is_control() => vec![' '],
            c => vec![c],
        })
        .collect();
    format!(r#"{{"jsonrpc":"2.0","id":null,"error":{{"code":{code},"message":"{escaped}"}}}}"#)
}

impl ChainSession {
    /// Runs one JSON-RPC request (text) against the chain playground, `timestampvm.*` on the
    /// selected node, and drains the events; returns the response text (empty for a
    /// notification, a request without `id`).
    pub fn rpc(&mut self, request: &str) -> String {
        let node = self.selected_node;
        let Some(chain) = self.chain.as_mut() else {
            return rpc_error(-32000, "there is no network");
        };
        let response = snowrv_core::chain::rpc::dispatch(chain, node, request.as_bytes());
        self.drain_events();
        String::from_utf8(response)
            .unwrap_or_else(|_| rpc_error(-32603, "Internal error: the response is not UTF-8"))
    }
}

/// The handle the reducer and the bridge share.
pub type ChainHandle = Rc<RefCell<ChainSession>>;

/// The state Yew holds: the shared session and a version that changes on every transition.
#[derive(Clone, Debug)]
pub struct ChainState {
    session: ChainHandle,
    /// Incremented by every transition.
    pub version: u64,
}

impl Default for ChainState {
    fn default() -> ChainState {
        ChainState::new(ChainSession::default())
    }
}

impl PartialEq for ChainState {
    fn eq(&self, other: &ChainState) -> bool {
        Rc::ptr_eq(&self.session, &other.session) && self.version == other.version
    }
}

impl ChainState {
    /// A state showing `session`.
    pub fn new(session: ChainSession) -> ChainState {
        ChainState {
            session: Rc::new(RefCell::new(session)),
            version: 0,
        }
    }

    /// The shared session (for the bridge).
    pub fn handle(&self) -> ChainHandle {
        Rc::clone(&self.session)
    }

    /// Reads the session. `None` only while a transition or an RPC call holds it, which cannot
    /// happen while rendering (wasm is single-threaded and both run to completion).
    pub fn session(&self) -> Option<std::cell::Ref<'_, ChainSession>> {
        self.session.try_borrow().ok()
    }

    /// Applies `action` to the session in place.
    pub fn apply(&self, action: ChainAction, clock: &dyn Fn() -> f64) {
        if let Ok(mut session) = self.session.try_borrow_mut() {
            session.apply(action, clock);
        }
    }
}

impl Reducible for ChainState {
    type Action = ChainAction;

    fn reduce(self: Rc<Self>, action: ChainAction) -> Rc<Self> {
        self.apply(action, &crate::state::now_ms);
        Rc::new(ChainState {
            session: Rc::clone(&self.session),
            version: self.version.wrapping_add(1),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ParamInput {
        ParamInput::from_config(&NetworkConfig::default())
    }

    #[test]
    fn the_form_round_trips_the_default_config() {
        let current = NetworkConfig::default();
        assert_eq!(input().to_config(&current), Ok(current));
    }

    #[test]
    fn non_numbers_name_the_field() {
        let form = ParamInput {
            k: String::from("twenty"),
            ..input()
        };
        let error = form.to_config(&NetworkConfig::default()).unwrap_err();
        assert_eq!(error, "K: \"twenty\" is not a whole number");
        let form = ParamInput {
            seed: String::from(" "),
            ..input()
        };
        let error = form.to_config(&NetworkConfig::default()).unwrap_err();
        assert_eq!(error, "seed: enter a whole number");
        let form = ParamInput {
            beta: String::from("-3"),
            ..input()
        };
        assert!(form.to_config(&NetworkConfig::default()).is_err());
    }

    #[test]
    fn core_validation_reasons_come_through() {
        let form = ParamInput {
            k: String::from("0"),
            ..input()
        };
        let error = form.to_config(&NetworkConfig::default()).unwrap_err();
        assert!(error.contains("K = 0"), "{error}");
        let form = ParamInput {
            alpha_preference: String::from("9"),
            ..input()
        };
        let error = form.to_config(&NetworkConfig::default()).unwrap_err();
        assert!(error.contains("AlphaPreference = 9"), "{error}");
    }

    #[test]
    fn the_page_limits_nodes() {
        let form = ParamInput {
            nodes: String::from("2001"),
            ..input()
        };
        let error = form.to_config(&NetworkConfig::default()).unwrap_err();
        assert!(error.starts_with("nodes: 2001 is more than"), "{error}");
    }

    #[test]
    fn presets_fill_the_consensus_fields() {
        let form = input().with_preset("2020");
        assert_eq!(
            (form.k.as_str(), form.alpha_preference.as_str()),
            ("20", "18")
        );
        assert_eq!(form.beta_rogue, "30");
        let config = form.to_config(&NetworkConfig::default()).unwrap();
        assert_eq!(config.params, Parameters::LAUNCH_2020);
        assert_eq!(ParamInput::from_config(&config).preset, "2020");
    }

    #[test]
    fn an_invalid_form_changes_nothing() {
        let mut session = ChainSession::default();
        let before = session.network().map(|n| n.config().clone());
        session.apply_params(&ParamInput {
            alpha_confidence: String::from("abc"),
            ..input()
        });
        assert_eq!(
            session.param_error(),
            Some("AlphaConfidence: \"abc\" is not a whole number")
        );
        assert_eq!(session.network().map(|n| n.config().clone()), before);
    }

    #[test]
    fn a_valid_form_replaces_the_network_and_keeps_the_selection_in_range() {
        let mut session = ChainSession::default();
        session.select_node(15);
        assert_eq!(session.selected_node(), 15);
        session.apply_params(&ParamInput {
            nodes: String::from("10"),
            k: String::from("5"),
            alpha_preference: String::from("4"),
            alpha_confidence: String::from("4"),
            ..input()
        });
        assert_eq!(session.param_error(), None);
        assert_eq!(session.network().map(Network::node_count), Some(10));
        assert_eq!(session.selected_node(), 0);
        session.select_node(10);
        assert_eq!(session.selected_node(), 0, "out of range is ignored");
    }

    #[test]
    fn hues_are_stable_and_in_range() {
        let a = Id::digest(b"a");
        assert_eq!(id_hue(&a), id_hue(&Id::digest(b"a")));
        assert!(id_hue(&Id([0xff; 32])) < 360);
        let label = IdLabel::new(&Id::EMPTY);
        assert_eq!(&*label.cb58, "11111111111111111111111111111111LpoYY");
        assert_eq!(&*label.short, "11111111");
    }

    fn fake_clock() -> f64 {
        0.0
    }

    #[test]
    fn propose_build_and_run_until_decided_accept_the_block_everywhere() {
        let mut session = ChainSession::default();
        session.apply(ChainAction::Propose(String::from("hello")), &fake_clock);
        assert_eq!(session.error(), None);
        session.apply(ChainAction::Build, &fake_clock);
        assert_eq!(session.error(), None);
        let built = session.last_built().expect("Build names the block it made");
        assert_eq!(session.selected_block(), Some(built));
        session.apply(ChainAction::RunUntilDecided, &fake_clock);
        assert_eq!(session.error(), None);
        assert_eq!(session.running_until(), Some(built));
        let mut ticks = 0;
        while session.run_state() == ChainRunState::Running && ticks < 100_000 {
            session.apply(ChainAction::Tick, &fake_clock);
            ticks += 1;
        }
        assert_eq!(session.run_state(), ChainRunState::Paused);
        assert!(
            session
                .note()
                .is_some_and(|n| n.contains("is decided on every live honest node")),
            "{:?}",
            session.note()
        );
        let net = session.network().unwrap();
        for node in 0..net.node_count() {
            assert_eq!(
                net.status_on(node, &built),
                snowrv_core::chain::vm::Status::Accepted,
                "node {node}"
            );
        }
    }

    #[test]
    fn run_ticks_until_quiet_then_pauses() {
        let mut session = ChainSession::default();
        session.apply(ChainAction::Propose(String::from("tick")), &fake_clock);
        session.apply(ChainAction::Build, &fake_clock);
        session.apply(ChainAction::Run, &fake_clock);
        let mut ticks = 0;
        while session.run_state() == ChainRunState::Running && ticks < 10_000 {
            session.apply(ChainAction::Tick, &fake_clock);
            ticks += 1;
        }
        assert_eq!(session.run_state(), ChainRunState::Paused, "{ticks} ticks");
        let built = session.last_built().unwrap();
        let net = session.network().unwrap();
        assert_eq!(
            net.status_on(0, &built),
            snowrv_core::chain::vm::Status::Accepted
        );
    }

    fn run_to_pause(session: &mut ChainSession) {
        let mut ticks = 0;
        while session.run_state() == ChainRunState::Running && ticks < 100_000 {
            session.apply(ChainAction::Tick, &fake_clock);
            ticks += 1;
        }
    }

    #[test]
    fn a_fork_on_more_nodes_than_k_decides_one_block_and_rejects_the_other() {
        let mut session = ChainSession::new(NetworkConfig {
            nodes: 50,
            ..NetworkConfig::default()
        });
        session.apply(ChainAction::Propose(String::from("a")), &fake_clock);
        session.apply(ChainAction::Build, &fake_clock);
        let a = session.last_built().unwrap();
        session.apply(ChainAction::SelectNode(1), &fake_clock);
        session.apply(ChainAction::Propose(String::from("b")), &fake_clock);
        session.apply(ChainAction::BuildConflicting, &fake_clock);
        assert_eq!(session.error(), None);
        let b = session.last_built().unwrap();
        assert_ne!(a, b);
        session.apply(ChainAction::RunUntilDecided, &fake_clock);
        run_to_pause(&mut session);
        let net = session.network().unwrap();
        let statuses = [net.status_on(7, &a), net.status_on(7, &b)];
        use snowrv_core::chain::vm::Status;
        assert!(
            statuses.contains(&Status::Accepted) && statuses.contains(&Status::Rejected),
            "{statuses:?}"
        );
    }

    #[test]
    fn run_until_decided_stops_at_the_decision_whatever_the_slice_size() {
        let transcript = |chunk: u64| {
            let mut session = ChainSession {
                chunk,
                ..ChainSession::default()
            };
            session.apply(ChainAction::Propose(String::from("same")), &fake_clock);
            session.apply(ChainAction::Build, &fake_clock);
            session.apply(ChainAction::RunUntilDecided, &fake_clock);
            run_to_pause(&mut session);
            let net = session.network().unwrap();
            (net.transcript_hash(), net.stats())
        };
        let small = transcript(8);
        assert_eq!(small, transcript(1_000_000));
        assert_eq!(small, transcript(333));
    }

    #[test]
    fn pause_stops_run_until_decided() {
        let mut session = ChainSession::default();
        session.apply(ChainAction::Propose(String::from("p")), &fake_clock);
        session.apply(ChainAction::Build, &fake_clock);
        session.apply(ChainAction::RunUntilDecided, &fake_clock);
        session.apply(ChainAction::Pause, &fake_clock);
        assert_eq!(session.running_until(), None);
        let sent = session.network().unwrap().stats().sent;
        session.apply(ChainAction::Tick, &fake_clock);
        assert_eq!(session.network().unwrap().stats().sent, sent);
    }

    #[test]
    fn run_until_decided_without_a_processing_block_is_an_error() {
        let mut session = ChainSession::default();
        session.apply(ChainAction::RunUntilDecided, &fake_clock);
        assert!(session.error().is_some());
        assert_eq!(session.run_state(), ChainRunState::Paused);
    }

    #[test]
    fn a_refused_command_shows_the_reason_and_keeps_the_network() {
        let mut session = ChainSession::default();
        session.apply(ChainAction::Build, &fake_clock);
        assert!(session.error().is_some(), "an empty mempool cannot build");
        assert!(session.network().is_some());
        session.apply(ChainAction::DismissError, &fake_clock);
        assert_eq!(session.error(), None);
    }

    #[test]
    fn rpc_runs_against_the_pages_network_on_the_selected_node() {
        let mut session = ChainSession::default();
        session.select_node(4);
        let ping = session.rpc(r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#);
        assert!(ping.contains(r#""success":true"#), "{ping}");
        let proposed = session.rpc(
            r#"{"jsonrpc":"2.0","id":2,"method":"timestampvm.proposeBlock","params":{"data":"rpc"}}"#,
        );
        assert!(proposed.contains(r#""Success":true"#), "{proposed}");
        let net = session.network().unwrap();
        assert_eq!(
            net.node(4).unwrap().mempool.len(),
            1,
            "on the selected node"
        );
        assert_eq!(net.node(0).unwrap().mempool.len(), 0);
        let junk = session.rpc("{");
        assert!(junk.contains("-32700"), "{junk}");
    }

    #[test]
    fn rpc_errors_are_json() {
        assert_eq!(
            rpc_error(-32000, "a \"quoted\" \\ word"),
            r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32000,"message":"a \"quoted\" \\ word"}}"#
        );
    }

    #[test]
    fn decision_kinds_filter() {
        assert!(DecisionKind::All.admits(false));
        assert!(DecisionKind::Accepted.admits(true));
        assert!(!DecisionKind::Accepted.admits(false));
        assert!(DecisionKind::Rejected.admits(false));
        assert_eq!(DecisionKind::parse("rejected"), DecisionKind::Rejected);
        assert_eq!(DecisionKind::parse("junk"), DecisionKind::All);
    }
}
