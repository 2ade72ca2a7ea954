//! SEAM (owner: rpc helper): the chain playground (commands in, events out, views).
