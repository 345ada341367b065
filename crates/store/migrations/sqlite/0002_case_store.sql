-- Case store (issue 5, item 6): records, projections, deadlines, audit, sign-in.
-- The verifiable log's own tables are created by 0001 (liuhen-store `log` module).
--
-- Conventions shared with migrations/postgres/0002_case_store.sql, so that one SQL text serves both
-- backends (DESIGN.md "Stack"):
--   * instants are RFC 3339 text (keeps the +08:00 offset of T1 exactly as given);
--   * calendar dates are Julian day numbers (INTEGER), so that comparison is numeric;
--   * hashes are 32-byte BLOBs; projection data is JSON text.

-- One row per record. `log_index` is the record's leaf index in the global log (DESIGN.md
-- "Data flow": record row + log leaf in one transaction). UNIQUE(stream, seq) is the last line of
-- defence behind the store's head check: a stream's sequence stays gap-free and unique (R4-a).
CREATE TABLE records (
    log_index   INTEGER PRIMARY KEY CHECK (log_index >= 0),
    stream      TEXT    NOT NULL,
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    body        TEXT    NOT NULL,
    record_type TEXT    NOT NULL,
    entry_time  TEXT    NOT NULL,
    hash        BLOB    NOT NULL CHECK (length(hash) = 32),
    canonical   BLOB    NOT NULL,
    UNIQUE (stream, seq)
);
CREATE INDEX records_body ON records (body, log_index);

-- Records are never updated or deleted in place (R4-a: supersede instead of edit).
CREATE TRIGGER records_no_update BEFORE UPDATE ON records
BEGIN
    SELECT RAISE(ABORT, 'records are append-only (R4-a)');
END;
CREATE TRIGGER records_no_delete BEFORE DELETE ON records
BEGIN
    SELECT RAISE(ABORT, 'records are append-only (R4-a)');
END;

-- Projections: folded state per stream, rebuilt from records by `liuhen rebuild`.
CREATE TABLE projections (
    kind     TEXT    NOT NULL,
    id       TEXT    NOT NULL,
    body     TEXT,
    status   TEXT    NOT NULL,
    last_seq INTEGER NOT NULL CHECK (last_seq >= 0),
    data     TEXT    NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX projections_body ON projections (kind, body, id);
CREATE INDEX projections_status ON projections (kind, status, id);

-- Deadline rows (R28, R29, 《行政处罚法》第六十条 …); each stream's set is replaced as a whole.
CREATE TABLE deadlines (
    stream          TEXT    NOT NULL,
    obligation_key  TEXT    NOT NULL,
    case_id         TEXT,
    body            TEXT    NOT NULL,
    period          TEXT    NOT NULL,
    due             INTEGER NOT NULL,
    provisional     BOOLEAN NOT NULL,
    met_on          INTEGER,
    PRIMARY KEY (stream, obligation_key)
);
CREATE INDEX deadlines_due ON deadlines (due);
CREATE INDEX deadlines_body_due ON deadlines (body, due);

-- Audit log (R4-b): append-only, enforced here as well as by the absence of any UPDATE/DELETE in code.
CREATE TABLE audit (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    time      TEXT NOT NULL,
    user_id   TEXT,
    action    TEXT NOT NULL,
    object    TEXT NOT NULL,
    client_ip TEXT,
    outcome   TEXT NOT NULL
);
CREATE INDEX audit_user ON audit (user_id, id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only (R4-b)');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only (R4-b)');
END;

-- Sign-in: Argon2id PHC strings per user (the password itself is never stored).
CREATE TABLE users_auth (
    user_id  TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    phc      TEXT NOT NULL
);

-- Sessions, keyed by SHA-256 of the token (the token itself is never stored).
-- `expires_unix` duplicates `expires_at` as seconds since the epoch, for the expiry sweep.
CREATE TABLE sessions (
    token_hash   BLOB    PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id      TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL,
    expires_unix INTEGER NOT NULL,
    csrf         TEXT    NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_unix);
