-- Projection list elements (liuhen_core::ports::ProjectionItem): the `records` summaries of a
-- case projection are kept one row per element, so that an append writes the summaries it
-- changed instead of rewriting the whole case (issue 5 bench: the cost of an append must not
-- grow with the case). A projection row whose list field is JSON null has its list here, in
-- `item_key` order (positions 0..n).
CREATE TABLE projection_items (
    kind     TEXT    NOT NULL,
    id       TEXT    NOT NULL,
    item_key INTEGER NOT NULL CHECK (item_key >= 0),
    data     TEXT    NOT NULL,
    PRIMARY KEY (kind, id, item_key)
);
