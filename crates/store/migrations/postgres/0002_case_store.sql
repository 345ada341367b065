-- Case store (issue 5, item 6): records, projections, deadlines, audit, sign-in.
-- The verifiable log's own tables are created by 0001 (liuhen-store `log` module).
--
-- Same shape as migrations/sqlite/0002_case_store.sql so that one SQL text serves both backends
-- (DESIGN.md "Stack"):
--   * instants are RFC 3339 text (keeps the +08:00 offset of T1 exactly as given);
--   * calendar dates are Julian day numbers (INTEGER), so that comparison is numeric;
--   * hashes are 32-byte BYTEA; projection data is JSON text.
-- Identifier columns use COLLATE "C": ordering "by id" must be bytewise, as on SQLite, not the
-- database's linguistic collation (which ignores '-' and '.' at the first level).

CREATE TABLE records (
    log_index   BIGINT  PRIMARY KEY CHECK (log_index >= 0),
    stream      TEXT    COLLATE "C" NOT NULL,
    seq         BIGINT  NOT NULL CHECK (seq >= 1),
    body        TEXT    COLLATE "C" NOT NULL,
    record_type TEXT    NOT NULL,
    entry_time  TEXT    NOT NULL,
    hash        BYTEA   NOT NULL CHECK (octet_length(hash) = 32),
    canonical   BYTEA   NOT NULL,
    UNIQUE (stream, seq)
);
CREATE INDEX records_body ON records (body, log_index);

-- Records are never updated or deleted in place (R4-a: supersede instead of edit).
CREATE FUNCTION liuhen_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (%)', TG_TABLE_NAME, TG_ARGV[0];
END;
$$;
CREATE TRIGGER records_append_only BEFORE UPDATE OR DELETE ON records
    FOR EACH ROW EXECUTE FUNCTION liuhen_refuse_change('R4-a');
CREATE TRIGGER records_no_truncate BEFORE TRUNCATE ON records
    FOR EACH STATEMENT EXECUTE FUNCTION liuhen_refuse_change('R4-a');

CREATE TABLE projections (
    kind     TEXT   COLLATE "C" NOT NULL,
    id       TEXT   COLLATE "C" NOT NULL,
    body     TEXT   COLLATE "C",
    status   TEXT   COLLATE "C" NOT NULL,
    last_seq BIGINT NOT NULL CHECK (last_seq >= 0),
    data     TEXT   NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX projections_body ON projections (kind, body, id);
CREATE INDEX projections_status ON projections (kind, status, id);

CREATE TABLE deadlines (
    stream          TEXT    COLLATE "C" NOT NULL,
    obligation_key  TEXT    COLLATE "C" NOT NULL,
    case_id         TEXT    COLLATE "C",
    body            TEXT    COLLATE "C" NOT NULL,
    period          TEXT    NOT NULL,
    due             BIGINT  NOT NULL,
    provisional     BOOLEAN NOT NULL,
    met_on          BIGINT,
    PRIMARY KEY (stream, obligation_key)
);
CREATE INDEX deadlines_due ON deadlines (due);
CREATE INDEX deadlines_body_due ON deadlines (body, due);

-- Audit log (R4-b): append-only.
CREATE TABLE audit (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time      TEXT NOT NULL,
    user_id   TEXT COLLATE "C",
    action    TEXT NOT NULL,
    object    TEXT COLLATE "C" NOT NULL,
    client_ip TEXT,
    outcome   TEXT NOT NULL
);
CREATE INDEX audit_user ON audit (user_id, id);
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION liuhen_refuse_change('R4-b');
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION liuhen_refuse_change('R4-b');

CREATE TABLE users_auth (
    user_id  TEXT COLLATE "C" PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    phc      TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash   BYTEA  PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    user_id      TEXT   COLLATE "C" NOT NULL,
    created_at   TEXT   NOT NULL,
    expires_at   TEXT   NOT NULL,
    expires_unix BIGINT NOT NULL,
    csrf         TEXT   NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_unix);
