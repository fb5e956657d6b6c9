//! Building a [`World`] from a [`Dataset`]: the `demo` circles, `generated:N`, `jsonl:PATH` and
//! `hostile`.

pub(crate) mod checkins;
pub(crate) mod corpus;
mod generate;
mod hostile;
mod jsonl;

use crate::config::{Dataset, SimConfig, SimError};
use crate::world::World;

use generate::ANCHOR_MS;
pub(crate) use generate::new_topic_meta;

/// Topics per demo circle: a few thousand in all, enough for many pages and every kind.
const DEMO_TOPICS: [u64; 4] = [900, 1000, 600, 450];

/// Circles of `generated:N`, which splits N between them.
const GENERATED_CIRCLES: usize = 3;

pub(crate) fn build(config: &SimConfig) -> Result<World, SimError> {
    let mut world = generate::new_world(config.seed, config.newest_ms.unwrap_or(ANCHOR_MS));
    world.same_millisecond_runs = config.same_millisecond_runs;
    world
        .mobile_only_files
        .extend(config.mobile_only_files.iter().copied());
    match &config.dataset {
        Dataset::Demo => {
            for (theme, &topics) in DEMO_TOPICS.iter().enumerate() {
                let c = generate::add_circle(&mut world, theme, None, None, topics);
                generate::fill_timeline(&mut world, c, topics);
            }
        }
        Dataset::Generated(n) => {
            let circles = GENERATED_CIRCLES as u64;
            for theme in 0..GENERATED_CIRCLES {
                let share = n / circles + u64::from((theme as u64) < n % circles);
                let c = generate::add_circle(&mut world, theme, None, None, share);
                generate::fill_timeline(&mut world, c, share);
            }
        }
        Dataset::Hostile => hostile::build(&mut world),
        Dataset::Jsonl(path) => {
            jsonl::load(&mut world, path).map_err(|reason| SimError::Dataset {
                dataset: config.dataset.to_string(),
                reason,
            })?;
        }
    }
    for c in 0..world.circles.len() {
        generate::set_read_markers(&mut world, c);
    }
    Ok(world)
}
