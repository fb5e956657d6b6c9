//! The data in `shared/` beside the checkout (`/work/main` and `/work/shared`): real service
//! responses and seed articles, read in place and never copied into the repository.

use std::path::PathBuf;

/// `shared/zsxq/samples`: the real responses the contract and `inspect` tests check.
pub fn samples_dir() -> PathBuf {
    shared("zsxq/samples")
}

/// `shared/seed`: real article text for the search tests.
pub fn seed_dir() -> PathBuf {
    shared("seed")
}

/// The seed's article: a Zhihu thread saved by Omnivore as Markdown, with front matter, the
/// full text with `==marked==` passages, and a `## Highlights` section.
pub fn seed_article() -> PathBuf {
    seed_dir().join("000_ca898871228feaea.txt")
}

/// A folder of `shared/`. Panics when it is absent: a test that passed with nothing checked
/// would hide a broken checkout rather than report it.
fn shared(sub: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(sub);
    assert!(
        dir.is_dir(),
        "{} is missing: check out `shared/` beside the repository (as /work/shared is beside \
         /work/main); the tests read its real data in place",
        dir.display()
    );
    dir
}
