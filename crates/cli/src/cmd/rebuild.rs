//! `liuhen rebuild`: replays the whole log into fresh projections (`Services::rebuild`) and
//! reports counts, and how many rows differed from the live projections (0 expected: the live
//! rows were folded by the same pure functions, issue 5 item 6).

use std::collections::BTreeMap;

use anyhow::Context as _;
use clap::Args;
use liuhen_core::ports::{DeadlineQuery, Projection, ProjectionKind, ProjectionQuery, Store};

use super::serve::ServeArgs;

/// Arguments of `liuhen rebuild`.
#[derive(Debug, Args)]
pub struct RebuildArgs {
    #[command(flatten)]
    store: ServeArgs,
}

/// Every projection row of the given kinds, keyed by kind and id.
pub async fn all_projections(
    store: &dyn Store,
    kinds: &[ProjectionKind],
) -> anyhow::Result<BTreeMap<(String, String), Projection>> {
    let mut out = BTreeMap::new();
    for &kind in kinds {
        let mut offset = 0;
        loop {
            let page = store
                .list_projections(&ProjectionQuery {
                    kind: Some(kind),
                    limit: 1000,
                    offset,
                    ..Default::default()
                })
                .await?;
            let n = page.len();
            for row in page {
                out.insert((kind.as_str().to_owned(), row.id.clone()), row);
            }
            if n < 1000 {
                break;
            }
            offset += 1000;
        }
    }
    Ok(out)
}

/// Runs `liuhen rebuild`.
pub fn run(args: RebuildArgs) -> anyhow::Result<std::process::ExitCode> {
    let config = args.store.config("./liuhen-data")?;
    let runtime = tokio::runtime::Runtime::new().context("tokio runtime")?;
    runtime.block_on(async move {
        let opened = liuhen_web::serve::open(&config).await?;
        let services = opened.state.services.clone();
        let store = opened.state.store.clone();
        let mut live_deadlines = store.deadlines(&DeadlineQuery::default()).await?;
        let (replayed, mut deadlines, _) = services.replay().await?;
        // The kinds the fold produces, plus the registries and cases (present even when empty).
        let mut kinds: Vec<ProjectionKind> = vec![
            ProjectionKind::Case,
            ProjectionKind::Body,
            ProjectionKind::Officer,
            ProjectionKind::PowerItem,
            ProjectionKind::User,
        ];
        kinds.extend(replayed.iter().map(|row| row.kind));
        kinds.sort();
        kinds.dedup();
        let live = all_projections(store.as_ref(), &kinds).await?;
        let mut differ = 0u64;
        for row in &replayed {
            if live.get(&(row.kind.as_str().to_owned(), row.id.clone())) != Some(row) {
                differ += 1;
            }
        }
        differ += live.len().abs_diff(replayed.len()) as u64;
        let key = |row: &liuhen_core::ports::DeadlineRow| (row.stream.to_string(), row.key.clone());
        live_deadlines.sort_by_key(key);
        deadlines.sort_by_key(key);
        let deadlines_differ = live_deadlines != deadlines;
        let report = services.rebuild().await?;
        let summary = serde_json::json!({
            "records": report.records,
            "projections": report.projections,
            "deadlines": report.deadlines,
            "projections_differing_from_live": differ,
            "deadlines_differing_from_live": deadlines_differ,
        });
        println!("{summary}");
        opened.store.close().await;
        anyhow::Ok(())
    })?;
    Ok(std::process::ExitCode::SUCCESS)
}
