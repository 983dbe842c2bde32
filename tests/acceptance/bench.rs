//! The intake and forwarding benchmark (ignored by default; measures, never asserts speed):
//! `cargo test --release -p loket-acceptance -- --ignored bench --nocapture`. Prints one Markdown
//! row per backend. `LOKET_BENCH_N` sets the number of complaints (default 2,000).

use loket_acceptance::bench::{DELIVERY_WORKERS, INTAKE_CONCURRENCY, intake_benchmark};
use loket_acceptance::{Backend, TestDatabase};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: run explicitly with --ignored in a release build"]
async fn intake_and_forwarding_throughput() {
    let n: usize = std::env::var("LOKET_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    println!(
        "\n| backend | complaints | intake/s (Open311 POST, {INTAKE_CONCURRENCY} in flight) | deliveries/s ({DELIVERY_WORKERS} workers) |"
    );
    println!("| --- | --- | --- | --- |");
    for backend in Backend::BOTH {
        let db = TestDatabase::create(backend).await;
        let figures = intake_benchmark(&db.url, n).await;
        db.destroy().await;
        let f = figures.expect("benchmark run");
        println!(
            "| {} | {} | {:.0} ({:.2} s) | {:.0} ({:.2} s) |",
            f.backend,
            f.complaints,
            f.intake_per_sec,
            f.intake_elapsed.as_secs_f64(),
            f.deliveries_per_sec,
            f.delivery_elapsed.as_secs_f64()
        );
    }
}
