//! Building a [`World`] from a [`Dataset`]: the `demo` circles, `generated:N` (and
//! `generated:N:C`, over C circles), `jsonl:PATH` and `hostile`.

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

/// Cohort names of a theme's second and later circles in `generated:N:C`.
const COHORTS: [&str; 4] = ["二期", "三期", "四期", "五期"];

/// `n` topics split between `circles` circles that take the themes in turn.
fn generated(world: &mut World, n: u64, circles: usize) {
    let count = circles as u64;
    for k in 0..circles {
        let share = n / count + u64::from((k as u64) < n % count);
        let cycle = k / corpus::THEMES.len();
        let name = (cycle > 0).then(|| {
            let theme = &corpus::THEMES[k % corpus::THEMES.len()];
            let cohort = COHORTS
                .get(cycle - 1)
                .map_or_else(|| format!("{}期", cycle + 1), |c| (*c).to_owned());
            format!("{} · {cohort}", theme.name)
        });
        let c = generate::add_circle(world, k, name, None, share);
        generate::fill_timeline(world, c, share);
    }
}

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
        Dataset::Generated(n) => generated(&mut world, *n, GENERATED_CIRCLES),
        Dataset::GeneratedCircles { topics, circles } => {
            generated(&mut world, *topics, usize::from(*circles));
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
