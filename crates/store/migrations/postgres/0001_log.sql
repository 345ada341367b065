-- The verifiable record log (liuhen-ledger): one log per schema (DESIGN.md "The verifiable log").
-- Nothing here is updated in place except the single metadata row (also the append lock row)
-- and the partial tiles on the right edge of the tree (C2SP tlog-tiles).
CREATE TABLE log_meta (
    id      BIGINT PRIMARY KEY CHECK (id = 1),
    profile TEXT   NOT NULL,
    origin  TEXT   NOT NULL,
    size    BIGINT NOT NULL,
    root    BYTEA  NOT NULL
);

CREATE TABLE log_tiles (
    level BIGINT NOT NULL,
    idx   BIGINT NOT NULL,
    width BIGINT NOT NULL,
    data  BYTEA  NOT NULL,
    PRIMARY KEY (level, idx)
);

-- Leaf data is kept so that `liuhen log verify` can recompute the whole tree.
CREATE TABLE log_leaves (
    idx  BIGINT PRIMARY KEY,
    data BYTEA  NOT NULL
);

-- Signed checkpoints (C2SP signed-note text), by tree size.
CREATE TABLE log_checkpoints (
    size BIGINT PRIMARY KEY,
    note TEXT   NOT NULL
);
