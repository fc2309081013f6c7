-- 0003_translog: the transparency log (公示记录透明日志) of everything published.
-- log_records holds each record's canonical JSON (the leaf); log_hashes the
-- hashes golang.org/x/mod/sumdb/tlog stores for it (StoredHashes, keyed by
-- StoredHashIndex); log_head the size, read and raised by every append in
-- the publishing transaction. The signing key is never in the database.

CREATE TABLE log_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    size INTEGER NOT NULL
);
INSERT INTO log_head (id, size) VALUES (1, 0);

CREATE TABLE log_records (
    idx        INTEGER PRIMARY KEY,
    type       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    object_key TEXT NOT NULL,
    data       BLOB NOT NULL,
    at         TEXT NOT NULL
);
-- A published object is logged once: its (type, key) names it for ever.
CREATE UNIQUE INDEX log_records_object ON log_records(type, object_key);

CREATE TABLE log_hashes (
    id   INTEGER PRIMARY KEY,
    hash BLOB NOT NULL
);

-- Checkpoints signed by the log's key (the whole note text), and the
-- co-signatures (见证签名) other parties add to them.
CREATE TABLE log_checkpoints (
    size      INTEGER PRIMARY KEY,
    root_hash BLOB NOT NULL,
    note      TEXT NOT NULL,
    at        TEXT NOT NULL
);

CREATE TABLE log_witnesses (
    name     TEXT PRIMARY KEY,
    verifier TEXT NOT NULL UNIQUE,
    label    TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL
);

CREATE TABLE log_cosignatures (
    size      INTEGER NOT NULL REFERENCES log_checkpoints(size),
    witness   TEXT NOT NULL REFERENCES log_witnesses(name),
    signature TEXT NOT NULL,
    at        TEXT NOT NULL,
    PRIMARY KEY (size, witness)
);

-- Append-only, like the audit log: the application never changes a leaf or
-- a hash, and a person who does so by hand is caught by 'log verify'.
CREATE TRIGGER log_records_no_update BEFORE UPDATE ON log_records
BEGIN SELECT RAISE(ABORT, 'log_records is append-only'); END;
CREATE TRIGGER log_records_no_delete BEFORE DELETE ON log_records
BEGIN SELECT RAISE(ABORT, 'log_records is append-only'); END;
CREATE TRIGGER log_hashes_no_update BEFORE UPDATE ON log_hashes
BEGIN SELECT RAISE(ABORT, 'log_hashes is append-only'); END;
CREATE TRIGGER log_hashes_no_delete BEFORE DELETE ON log_hashes
BEGIN SELECT RAISE(ABORT, 'log_hashes is append-only'); END;
