//! The chain page: holds the [`ChainState`] reducer, installs `window.snowrv`, drives Run's timer,
//! computes the core's views once per render and lays out the panels.

use std::collections::BTreeMap;
use std::rc::Rc;

use gloo::timers::callback::Interval;
use yew::prelude::*;

use snowrv_core::chain::engine::NodeIndex;
use snowrv_core::chain::network::{BlockView, Network, NodeView};
use snowrv_core::chain::Id;

use super::block_tree::TreeBlock;
use super::node_grid::GridCell;
use super::{
    AcceptedChart, BlockInspector, BlockTree, ChainControls, ChainStatus, ConfidenceChart,
    DecisionLog, Mempool, NodeGrid, NodeInspector, ParamsForm, PollInspector,
};
use crate::chain_state::{
    ChainAction, ChainRunState, ChainSession, ChainState, DecisionFilter, IdLabel, ParamInput,
};

/// Milliseconds between Run ticks: the browser's minimum; each tick computes for at most
/// [`crate::chain_state::SLICE_BUDGET_MS`], so the rest of the frame paints and answers clicks.
const TICK_INTERVAL_MS: u32 = 1;
/// Decision-log rows rendered at most.
const LOG_ROWS: usize = 200;

/// The blocks as the tree draws them, seen from `node`.
fn tree_blocks(
    session: &ChainSession,
    net: &Network,
    node: Option<&NodeView>,
    blocks: &[BlockView],
) -> Vec<TreeBlock> {
    let preference = node.map(|v| v.preference);
    let last_accepted = node.map(|v| v.last_accepted);
    let index = node.map_or(0, |v| v.index);
    let parents: BTreeMap<Id, Id> = blocks.iter().map(|b| (b.id, b.parent)).collect();
    // The preferred chain: from the preference up through processing ancestors.
    let mut preferred = std::collections::BTreeSet::new();
    let mut cursor = preference;
    while let Some(id) = cursor {
        if Some(id) == last_accepted || !preferred.insert(id) {
            break;
        }
        cursor = parents.get(&id).copied();
    }
    blocks
        .iter()
        .map(|b| TreeBlock {
            id: b.id,
            label: session.label(&b.id),
            parent: b.parent,
            height: b.height,
            status: net.status_on(index, &b.id),
            accepted_by: b.accepted_by,
            rejected_by: b.rejected_by,
            builder: b.builder,
            preferred: preferred.contains(&b.id),
            last_accepted: Some(b.id) == last_accepted,
        })
        .collect()
}

/// One grid cell per node. Labels come from the session's cache, so the cost per cell is a
/// map lookup, not a CB58 encoding.
fn grid_cells(session: &ChainSession, net: &Network) -> (Vec<GridCell>, Vec<(IdLabel, u32)>) {
    let preferences = net.preferences();
    let last_accepted = net.last_accepted_all();
    let mut counts: BTreeMap<Id, u32> = BTreeMap::new();
    let cells = preferences
        .iter()
        .zip(&last_accepted)
        .enumerate()
        .map(|(i, (pref, (accepted, _)))| {
            let node = i as NodeIndex;
            *counts.entry(*pref).or_insert(0) += 1;
            GridCell {
                preference: session.label(pref),
                last_accepted: session.label(accepted).cb58,
                crashed: net.is_crashed(node),
                byzantine: !net.is_honest(node),
            }
        })
        .collect();
    let mut legend: Vec<(IdLabel, u32)> = counts
        .into_iter()
        .map(|(id, n)| (session.label(&id), n))
        .collect();
    legend.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cb58.cmp(&b.0.cb58)));
    (cells, legend)
}

/// While running, the grid is refreshed at most this often (ms): painting 2,000 cells on every
/// slice would take most of each frame from the simulation, and a 10 Hz grid looks as live. When
/// paused it is always fresh.
const GRID_REFRESH_MS: f64 = 100.0;

/// The grid's cells and its legend (distinct preferences with their node counts).
type Grid = (Rc<Vec<GridCell>>, Rc<Vec<(IdLabel, u32)>>);

/// The node grid's last cells, reused while running until [`GRID_REFRESH_MS`] have passed.
#[derive(Default)]
struct GridCache {
    /// When they were made (ms), the network they show (node count), the cells, the legend.
    made: Option<(f64, u32, Grid)>,
}

impl GridCache {
    fn get(&mut self, session: &ChainSession, net: &Network, running: bool, now: f64) -> Grid {
        if let Some((made, nodes, grid)) = &self.made {
            if running && *nodes == net.node_count() && now - made < GRID_REFRESH_MS {
                return grid.clone();
            }
        }
        let (cells, legend) = grid_cells(session, net);
        let grid = (Rc::new(cells), Rc::new(legend));
        self.made = Some((now, net.node_count(), grid.clone()));
        grid
    }
}

/// The block the acceptance chart follows: the highest block; at a fork, the one most honest
/// nodes accepted, then the one built last.
fn followed(blocks: &[BlockView], last_built: Option<Id>) -> Option<&BlockView> {
    blocks
        .iter()
        .filter(|b| b.builder.is_some())
        .max_by(|a, b| {
            a.height
                .cmp(&b.height)
                .then(a.accepted_by.cmp(&b.accepted_by))
                .then((Some(a.id) == last_built).cmp(&(Some(b.id) == last_built)))
                .then(b.id.cmp(&a.id))
        })
}

/// Every callback the panels get, made once per page: a callback made during render would differ
/// from the last one (callbacks compare by pointer) and re-render its panel on every tick, which
/// for the 2,000-cell grid is most of a frame.
struct Handlers {
    propose: Callback<String>,
    select_node: Callback<NodeIndex>,
    select_block: Callback<Id>,
    close_block: Callback<()>,
    build: Callback<()>,
    build_conflict: Callback<()>,
    step_message: Callback<()>,
    step_poll: Callback<()>,
    step_round: Callback<()>,
    run_until_decided: Callback<()>,
    run: Callback<()>,
    pause: Callback<()>,
    speed: Callback<u64>,
    crash: Callback<()>,
    restart: Callback<()>,
    dismiss: Callback<()>,
    apply: Callback<ParamInput>,
    filter: Callback<DecisionFilter>,
}

impl Handlers {
    fn new(dispatcher: &UseReducerDispatcher<ChainState>) -> Handlers {
        fn with<T: 'static>(
            dispatcher: &UseReducerDispatcher<ChainState>,
            action: impl Fn(T) -> ChainAction + 'static,
        ) -> Callback<T> {
            let dispatcher = dispatcher.clone();
            Callback::from(move |value: T| dispatcher.dispatch(action(value)))
        }
        let send = |action: ChainAction| with(dispatcher, move |()| action.clone());
        Handlers {
            propose: with(dispatcher, ChainAction::Propose),
            select_node: with(dispatcher, ChainAction::SelectNode),
            select_block: with(dispatcher, |id| ChainAction::SelectBlock(Some(id))),
            close_block: send(ChainAction::SelectBlock(None)),
            build: send(ChainAction::Build),
            build_conflict: send(ChainAction::BuildConflicting),
            step_message: send(ChainAction::StepMessage),
            step_poll: send(ChainAction::StepPoll),
            step_round: send(ChainAction::StepRound),
            run_until_decided: send(ChainAction::RunUntilDecided),
            run: send(ChainAction::Run),
            pause: send(ChainAction::Pause),
            speed: with(dispatcher, ChainAction::SetSpeed),
            crash: send(ChainAction::Crash),
            restart: send(ChainAction::Restart),
            dismiss: send(ChainAction::DismissError),
            apply: with(dispatcher, |input| {
                ChainAction::ApplyParams(Box::new(input))
            }),
            filter: with(dispatcher, ChainAction::FilterDecisions),
        }
    }
}

/// The chain page.
#[function_component(ChainPage)]
pub fn chain_page() -> Html {
    let state = use_reducer(ChainState::default);
    let dispatcher = state.dispatcher();

    // `window.snowrv`: installed once, removed when the page unmounts.
    {
        let handle = state.handle();
        let dispatcher = dispatcher.clone();
        use_effect_with((), move |()| {
            let notify = Callback::from(move |()| dispatcher.dispatch(ChainAction::Refresh));
            let bridge = crate::bridge::install(handle, notify);
            move || drop(bridge)
        });
    }

    let run_state = state
        .session()
        .map_or(ChainRunState::Paused, |s| s.run_state());
    {
        let dispatcher = dispatcher.clone();
        use_effect_with(run_state == ChainRunState::Running, move |running| {
            let interval = running.then(|| {
                Interval::new(TICK_INTERVAL_MS, move || {
                    dispatcher.dispatch(ChainAction::Tick)
                })
            });
            move || drop(interval)
        });
    }

    let h = use_memo((), move |()| Handlers::new(&dispatcher));
    let grid_cache = use_mut_ref(GridCache::default);

    let Some(session) = state.session() else {
        return html! {};
    };
    let Some(net) = session.network() else {
        return html! {
            <div class="chain-page">
                <p class="load-error" role="alert" data-testid="chain-error">
                    { session.error().unwrap_or("no network").to_string() }</p>
            </div>
        };
    };

    // Every view once per render.
    let config = net.config().clone();
    let nodes = net.node_count();
    let honest = net.honest_count();
    let selected = session.selected_node();
    let crashed = session.is_crashed(selected);
    let node_view = net.node(selected).map(Rc::new);
    let blocks = net.blocks();
    let tree = Rc::new(tree_blocks(&session, net, node_view.as_deref(), &blocks));
    let (la_id, la_height) = node_view.as_ref().map_or((Id::EMPTY, 0), |v| {
        (v.last_accepted, v.last_accepted_height)
    });
    let last_accepted = (session.label(&la_id).cb58, la_height);
    let (cells, legend) = grid_cache.borrow_mut().get(
        &session,
        net,
        run_state == ChainRunState::Running,
        crate::state::now_ms(),
    );
    let inspected = session
        .selected_block()
        .and_then(|id| net.block(&id))
        .map(|b| {
            let status = net.status_on(selected, &b.id);
            (Rc::new(b), status)
        });
    let own_poll = net.last_poll(Some(selected));
    let (poll, own) = match own_poll {
        Some(p) => (Some(p), true),
        None => (net.last_poll(None), false),
    };
    let poll = poll.map(|p| Rc::new(p.clone()));
    let filter = session.filter();
    let decisions = net.decisions();
    let mut matching = 0;
    let rows: Vec<_> = decisions
        .iter()
        .rev()
        .filter(|d| filter.kind.admits(d.accepted) && filter.node.is_none_or(|n| n == d.node))
        .inspect(|_| matching += 1)
        .take(LOG_ROWS)
        .copied()
        .collect();
    // `take` stops counting early; count the rest for the header.
    let matching = if rows.len() < LOG_ROWS {
        matching
    } else {
        decisions
            .iter()
            .filter(|d| filter.kind.admits(d.accepted) && filter.node.is_none_or(|n| n == d.node))
            .count()
    };
    let followed = followed(&blocks, session.last_built());
    let accepted_points = Rc::new(
        followed
            .map(|b| net.acceptance_history(&b.id))
            .unwrap_or_default(),
    );
    let followed_label = followed.map(|b| session.label(&b.id));
    let confidence = Rc::new(
        node_view
            .as_ref()
            .map(|v| v.confidence_history.clone())
            .unwrap_or_default(),
    );
    let mempool = Rc::new(
        node_view
            .as_ref()
            .map(|v| v.mempool.clone())
            .unwrap_or_default(),
    );
    let transcript = AttrValue::from(net.transcript_hash().to_cb58());

    html! {
        <div class="chain-page">
            <ChainControls
                {run_state}
                speed={session.speed()}
                {nodes}
                {selected}
                {crashed}
                onpropose={h.propose.clone()}
                onselectnode={h.select_node.clone()}
                onbuild={h.build.clone()}
                onbuildconflict={h.build_conflict.clone()}
                onstepmessage={h.step_message.clone()}
                onsteppoll={h.step_poll.clone()}
                onstepround={h.step_round.clone()}
                onrununtildecided={h.run_until_decided.clone()}
                onrun={h.run.clone()}
                onpause={h.pause.clone()}
                onspeed={h.speed.clone()}
                oncrash={if crashed { h.restart.clone() } else { h.crash.clone() }}
            />
            <ChainStatus
                run_state={run_state.label()}
                until={session.running_until().map(|id| AttrValue::Rc(session.label(&id).short))}
                now={net.now()}
                stats={net.stats()}
                rate={session.rate()}
                nodes={(nodes, honest)}
                {transcript}
                note={session.note().map(|n| AttrValue::from(n.to_string()))}
                error={session.error().map(|e| AttrValue::from(e.to_string()))}
                ondismiss={h.dismiss.clone()}
            />
            <main class="chain-panels">
                <div class="chain-main">
                    <BlockTree blocks={tree} {honest} node={selected} {last_accepted}
                        selected={session.selected_block()} onselectblock={h.select_block.clone()} />
                    if let Some((block, status)) = inspected {
                        <BlockInspector {block} {status} node={selected} {honest}
                            onclose={h.close_block.clone()} />
                    }
                    <div class="charts">
                        <ConfidenceChart node={selected} points={confidence} beta={config.params.beta} />
                        <AcceptedChart block={followed_label} points={accepted_points} {honest} now={net.now()} />
                    </div>
                    <PollInspector record={poll} {own} params={config.params} />
                    <DecisionLog rows={Rc::new(rows)} {matching} total={decisions.len()} {filter} onfilter={h.filter.clone()} />
                </div>
                <div class="chain-side">
                    <NodeGrid {cells} {legend} {selected} onselectnode={h.select_node.clone()} />
                    <NodeInspector node={node_view} params={config.params} />
                    <Mempool node={selected} entries={mempool} />
                    <ParamsForm config={config.clone()}
                        error={session.param_error().map(|e| AttrValue::from(e.to_string()))}
                        onapply={h.apply.clone()} />
                </div>
            </main>
        </div>
    }
}
