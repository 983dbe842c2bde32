//! Support code for acceptance tests.
