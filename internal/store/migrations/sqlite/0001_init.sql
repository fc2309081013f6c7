-- 0001_init: reference data, accounts, the two directories and the audit log.
-- Times are TEXT in UTC, fixed width (2006-01-02T15:04:05.000000Z) so they
-- sort as strings; dates are TEXT YYYY-MM-DD; booleans INTEGER 0/1.

CREATE TABLE departments (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL UNIQUE,
    short_name    TEXT NOT NULL DEFAULT '',
    liaison       TEXT NOT NULL DEFAULT '',
    liaison_phone TEXT NOT NULL DEFAULT '',
    leader        TEXT NOT NULL DEFAULT '',
    leader_phone  TEXT NOT NULL DEFAULT '',
    updated_at    TEXT NOT NULL
);

CREATE TABLE townships (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE industries (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE entities (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    code_flagged  INTEGER NOT NULL DEFAULT 0,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    industry_code TEXT NOT NULL REFERENCES industries(code),
    township_code TEXT NOT NULL REFERENCES townships(code),
    address       TEXT NOT NULL DEFAULT '',
    legal_rep     TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    risk_class    TEXT NOT NULL,
    risk_set_on   TEXT,
    updated_at    TEXT NOT NULL
);
-- One index per filter, in name order so that a filtered page sorted by
-- name reads only its rows; each also carries the other filter columns so
-- that counting the matches of combined filters over a million rows is an
-- index-only scan.
CREATE INDEX entities_name ON entities(name);
CREATE INDEX entities_industry ON entities(industry_code, name, township_code, risk_class, status);
CREATE INDEX entities_township ON entities(township_code, name, industry_code, risk_class, status);
CREATE INDEX entities_risk ON entities(risk_class, name, industry_code, township_code, status);
CREATE INDEX entities_status ON entities(status, name, industry_code, township_code, risk_class);
CREATE INDEX entities_updated ON entities(updated_at, industry_code, township_code, risk_class, status);

CREATE TABLE inspectors (
    id            INTEGER PRIMARY KEY,
    department_id INTEGER NOT NULL REFERENCES departments(id),
    key           TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    id_number     TEXT NOT NULL DEFAULT '',
    cert_no       TEXT NOT NULL DEFAULT '',
    cert_expiry   TEXT,
    expertise     TEXT NOT NULL DEFAULT '',
    expert        INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL,
    phone         TEXT NOT NULL DEFAULT '',
    updated_at    TEXT NOT NULL
);
CREATE INDEX inspectors_department ON inspectors(department_id, name);
CREATE INDEX inspectors_name ON inspectors(name);
CREATE INDEX inspectors_cert ON inspectors(cert_no);

CREATE TABLE inspector_labels (
    inspector_id INTEGER NOT NULL REFERENCES inspectors(id) ON DELETE CASCADE,
    label        TEXT NOT NULL,
    position     INTEGER NOT NULL,
    PRIMARY KEY (inspector_id, label)
);
CREATE INDEX inspector_labels_label ON inspector_labels(label);

CREATE TABLE inspector_conflicts (
    inspector_id INTEGER NOT NULL REFERENCES inspectors(id) ON DELETE CASCADE,
    entity_code  TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    declared_on  TEXT,
    position     INTEGER NOT NULL,
    PRIMARY KEY (inspector_id, entity_code)
);
CREATE INDEX inspector_conflicts_entity ON inspector_conflicts(entity_code);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password      TEXT NOT NULL,
    role          TEXT NOT NULL,
    department_id INTEGER REFERENCES departments(id),
    inspector_id  INTEGER REFERENCES inspectors(id),
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    actor_id      INTEGER,
    actor_name    TEXT NOT NULL,
    action        TEXT NOT NULL,
    object_type   TEXT NOT NULL,
    object_key    TEXT NOT NULL,
    department_id INTEGER,
    before_json   TEXT,
    after_json    TEXT
);
CREATE INDEX audit_log_object ON audit_log(object_type, object_key, id);
CREATE INDEX audit_log_department ON audit_log(department_id, id);
CREATE INDEX audit_log_actor ON audit_log(actor_id, id);

-- The audit log is append-only: nothing, not even the application, may
-- change or remove a row once written.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
