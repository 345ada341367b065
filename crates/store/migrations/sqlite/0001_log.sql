-- The verifiable record log (liuhen-ledger): one log per database (DESIGN.md "The verifiable log").
-- Nothing here is updated in place except the single metadata row and the partial tiles on the
-- right edge of the tree, which grow as leaves are appended (C2SP tlog-tiles).
CREATE TABLE log_meta (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    profile TEXT    NOT NULL,
    origin  TEXT    NOT NULL,
    size    INTEGER NOT NULL,
    root    BLOB    NOT NULL
);

CREATE TABLE log_tiles (
    level INTEGER NOT NULL,
    idx   INTEGER NOT NULL,
    width INTEGER NOT NULL,
    data  BLOB    NOT NULL,
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;

-- Leaf data is kept so that `liuhen log verify` can recompute the whole tree.
CREATE TABLE log_leaves (
    idx  INTEGER PRIMARY KEY,
    data BLOB    NOT NULL
);

-- Signed checkpoints (C2SP signed-note text), by tree size.
CREATE TABLE log_checkpoints (
    size INTEGER PRIMARY KEY,
    note TEXT    NOT NULL
);
