//! What to mirror, with what each choice costs ([`MirrorPlanDto`]): every circle the service
//! lists with its size, what is archived, and for each choice offered (the member's own among
//! them) the topics it holds and how long fetching the rest takes at `pace`.

use orrery_ipc::commands::{ChoiceDto, CirclePlanDto, MirrorPlanDto};
use orrery_ipc::id as ipc;

use super::{ReaderError, mirror_dto};
use crate::store::{Mirror, Store};
use crate::sync::estimate::{self, Pace};

/// The plan at `pace`, counting images when the sync caches them.
pub async fn mirror_plan(
    store: &Store,
    pace: Pace,
    images: bool,
    now_ms: i64,
) -> Result<MirrorPlanDto, ReaderError> {
    let mut circles = Vec::new();
    for circle in store.circles().await? {
        let group = circle.group_id;
        let backlog = store.backlog(group, images).await?;
        if !backlog.listed {
            continue;
        }
        let mut offered = Mirror::OFFERED.to_vec();
        if !offered.contains(&circle.mirror) {
            offered.insert(1, circle.mirror);
        }
        let mut choices = Vec::with_capacity(offered.len());
        for mirror in offered {
            let archived = estimate::archived_in(store, &backlog, mirror, now_ms).await?;
            let e = estimate::estimate(&backlog, mirror, archived, pace, now_ms);
            choices.push(ChoiceDto {
                mirror: mirror_dto(mirror),
                topics: e.expected,
                requests: e.requests,
                remaining_ms: e
                    .remaining
                    .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            });
        }
        circles.push(CirclePlanDto {
            id: ipc::CircleId::new(group.get()),
            name: circle.name,
            mirror: mirror_dto(circle.mirror),
            topics: backlog.size.and_then(|s| s.topics),
            archived: backlog.archived,
            expired: backlog.expired,
            choices,
        });
    }
    Ok(MirrorPlanDto {
        circles,
        request_ms: u64::try_from((pace.secs_per_request * 1000.0).round() as i64).unwrap_or(0),
    })
}
