//! Rebuilds the crate when a migration is added, so that `sqlx::migrate!` embeds it (it reads
//! the migration folders at compile time).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
