-- 0003_translog: the transparency log (公示记录透明日志) of everything published.
-- log_records holds each record's canonical JSON (the leaf); log_hashes the
-- hashes golang.org/x/mod/sumdb/tlog stores for it (StoredHashes, keyed by
-- StoredHashIndex); log_head the size, locked (FOR UPDATE) and raised by
-- every append in the publishing transaction, so appends are serialised.
-- The signing key is never in the database.

CREATE TABLE log_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    size BIGINT NOT NULL
);
INSERT INTO log_head (id, size) VALUES (1, 0);

CREATE TABLE log_records (
    idx        BIGINT PRIMARY KEY,
    type       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    object_key TEXT NOT NULL,
    data       BYTEA NOT NULL,
    at         TIMESTAMPTZ NOT NULL
);
-- A published object is logged once: its (type, key) names it for ever.
CREATE UNIQUE INDEX log_records_object ON log_records(type, object_key);

CREATE TABLE log_hashes (
    id   BIGINT PRIMARY KEY,
    hash BYTEA NOT NULL
);

-- Checkpoints signed by the log's key (the whole note text), and the
-- co-signatures (见证签名) other parties add to them.
CREATE TABLE log_checkpoints (
    size      BIGINT PRIMARY KEY,
    root_hash BYTEA NOT NULL,
    note      TEXT NOT NULL,
    at        TIMESTAMPTZ NOT NULL
);

CREATE TABLE log_witnesses (
    name     TEXT PRIMARY KEY,
    verifier TEXT NOT NULL UNIQUE,
    label    TEXT NOT NULL DEFAULT '',
    added_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE log_cosignatures (
    size      BIGINT NOT NULL REFERENCES log_checkpoints(size),
    witness   TEXT NOT NULL REFERENCES log_witnesses(name),
    signature TEXT NOT NULL,
    at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (size, witness)
);

-- Append-only, like the audit log: the application never changes a leaf or
-- a hash, and a person who does so by hand is caught by 'log verify'.
CREATE FUNCTION log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER log_records_no_change BEFORE UPDATE OR DELETE ON log_records
    FOR EACH ROW EXECUTE FUNCTION log_append_only();
CREATE TRIGGER log_records_no_truncate BEFORE TRUNCATE ON log_records
    FOR EACH STATEMENT EXECUTE FUNCTION log_append_only();
CREATE TRIGGER log_hashes_no_change BEFORE UPDATE OR DELETE ON log_hashes
    FOR EACH ROW EXECUTE FUNCTION log_append_only();
CREATE TRIGGER log_hashes_no_truncate BEFORE TRUNCATE ON log_hashes
    FOR EACH STATEMENT EXECUTE FUNCTION log_append_only();
