//! The chain page's panels, one component per file, each taking `XxxProps` and reporting user
//! input through `on<verb>` callbacks. [`page::ChainPage`] holds the [`crate::chain_state`]
//! reducer, computes the core's views once per render and hands each panel what it shows.

pub mod block_inspector;
pub mod block_tree;
pub mod charts;
pub mod controls;
pub mod decision_log;
pub mod format;
pub mod mempool;
pub mod node_grid;
pub mod node_inspector;
pub mod page;
pub mod params_form;
pub mod poll_inspector;
pub mod status;

pub use block_inspector::BlockInspector;
pub use block_tree::BlockTree;
pub use charts::{AcceptedChart, ConfidenceChart};
pub use controls::ChainControls;
pub use decision_log::DecisionLog;
pub use mempool::Mempool;
pub use node_grid::NodeGrid;
pub use node_inspector::NodeInspector;
pub use page::ChainPage;
pub use params_form::ParamsForm;
pub use poll_inspector::PollInspector;
pub use status::ChainStatus;
