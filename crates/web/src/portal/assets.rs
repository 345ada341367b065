//! Static assets of the portal, embedded in the binary (DESIGN.md "Stack": no CDN; every asset
//! served by liuhen). The portal needs no JavaScript: forms and pages work without it.

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::PageError;

/// The portal's style sheet (responsive, system CJK fonts, WCAG AA contrast).
pub const PORTAL_CSS: &str = include_str!("../../assets/portal.css");
/// The favicon (SVG: 留 on the district's blue).
pub const FAVICON_SVG: &str = include_str!("../../assets/favicon.svg");

/// `GET /assets/{file}`: the embedded assets, cacheable for a day.
pub(crate) async fn asset(Path(file): Path<String>) -> Result<Response, PageError> {
    match file.as_str() {
        "portal.css" => Ok((
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            PORTAL_CSS,
        )
            .into_response()),
        _ => Err(PageError::NotFound("未找到该文件".to_owned())),
    }
}

/// `GET /favicon.svg` (also answers `/favicon.ico`, which browsers ask for unprompted).
pub(crate) async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        FAVICON_SVG,
    )
        .into_response()
}

/// `GET /robots.txt`: the portal is public; the API and exports need not be crawled.
pub(crate) async fn robots() -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "User-agent: *\nDisallow: /api/\nDisallow: /correction/\n",
    )
        .into_response()
}
