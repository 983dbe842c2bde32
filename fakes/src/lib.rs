//! Fake platform APIs on loopback, shared by the `loket` crate's unit tests and the acceptance
//! tests (`loket-acceptance`). Dev-only: no product crate depends on this one, so test servers
//! stay out of the production library.

pub mod graph;
