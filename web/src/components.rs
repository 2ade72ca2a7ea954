//! One Yew component per panel; each takes `XxxProps` and reports user input through `on<verb>`
//! callbacks, never touching the machine or the network itself. The chain page's panels are in
//! [`chain`].

pub mod chain;
pub mod csrs;
pub mod disasm;
pub mod registers;
pub mod status;
pub mod toolbar;

pub use csrs::Csrs;
pub use disasm::Disasm;
pub use registers::Registers;
pub use status::Status;
pub use toolbar::Toolbar;
