//! `loket deliveries`: the administrator's view of the forwarding queue's dead letters
//! (deliveries that failed N times) and the way to put one back in the queue.

use crate::configuration::Settings;
use anyhow::Context;

pub(crate) fn list_failed(limit: u32) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let store = Settings::load()?.store().await?;
        let dead = store.list_dead(limit).await.context("cannot list dead deliveries")?;
        if dead.is_empty() {
            println!("no failed deliveries");
        }
        for d in dead {
            println!(
                "{}  {:?}  handler={}  attempts={}  last_error={}",
                d.id,
                d.kind,
                d.handler_id.as_deref().unwrap_or("-"),
                d.attempts,
                d.last_error.as_deref().unwrap_or("-")
            );
        }
        store.close().await;
        Ok(())
    })
}

pub(crate) fn requeue(id: &str) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let store = Settings::load()?.store().await?;
        let requeued = store.requeue(id).await.context("cannot requeue the delivery")?;
        store.close().await;
        anyhow::ensure!(
            requeued,
            "no failed delivery with id {id} (see `loket deliveries --failed`)"
        );
        println!("delivery {id} is queued again");
        Ok(())
    })
}
