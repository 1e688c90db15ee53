//! Integration tests: one binary, one module per subject.

mod agent_loop;
mod catalog_reference;
mod cli;
mod conformance;
mod control_access;
mod drift;
mod embeddings;
mod fake_e2e;
mod fuzz;
mod hardening;
mod hostile_bodies;
mod identity;
mod invoke_e2e;
mod leniency;
mod lifecycle;
mod live;
mod properties;
mod reasoning;
mod record;
mod record_hardening;
mod round_trips;
mod sigv4;
mod snapshots;
mod support;
mod sync;
mod transport;
