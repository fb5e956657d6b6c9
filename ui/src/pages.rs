//! The screens of the main area, one per [`View`](crate::state::View) (the search page also
//! serves as the palette). Pages compose components and the state below them; the app's root
//! picks one.

pub mod brief;
pub mod documents;
pub mod inbox;
pub mod my_questions;
pub mod reader;
pub mod saved;
pub mod search;
pub mod settings;
pub mod setup;
pub mod signin;
pub mod timeline;
