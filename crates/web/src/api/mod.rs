//! Route handlers, one module per area. Each handler carries its `#[utoipa::path]` description;
//! `crate::api_routes` registers handler and description together.

pub mod casefile;
pub mod cases;
pub mod disclosure;
pub mod evidence;
pub mod log;
pub mod meta;
pub mod registry;
pub mod review;
