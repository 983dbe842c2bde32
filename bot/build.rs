//! Rebuilds the crate when a migration changes: `sqlx::migrate!` embeds the migration files
//! at compile time, and without this hint cargo would keep a binary with stale migrations.

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
