-- 0010_inspect: the inspection itself (检查): each department's results of
-- its items in a visit (谁检查、谁录入), reasoned additions outside the
-- scope lock, the part's sign-off and publication (谁公开, 一公开), the
-- joint record the lead department closes (联合总表), and the evidence
-- attached (photos, PDFs: bytes on disk under their SHA-256, the record
-- here).

-- One result per item of a part. item_id is the catalogue item ID (issue
-- 3): an item of the part (visit_part_items) or, with added = 1, an item of
-- the department's catalogue checked outside the published list, with the
-- reason (scope lock: flagged, never silent). finding = 1 when the result
-- is a problem; rule is then the rule broken.
CREATE TABLE visit_results (
    part_id    INTEGER NOT NULL REFERENCES visit_parts(id),
    item_id    INTEGER NOT NULL REFERENCES catalog_items(id),
    result     TEXT NOT NULL,
    finding    INTEGER NOT NULL DEFAULT 0,
    note       TEXT NOT NULL DEFAULT '',
    rule       TEXT NOT NULL DEFAULT '',
    added      INTEGER NOT NULL DEFAULT 0,
    reason     TEXT NOT NULL DEFAULT '',
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    PRIMARY KEY (part_id, item_id)
);

-- A part's sign-off (the department's result is formed) and publication.
-- formed_on is the day of sign-off in China time; due_on the publication
-- deadline counted from it in working days (NULL when the calendar does
-- not cover it yet); published_at is set once and never cleared. A part
-- reopened before publication loses its row.
CREATE TABLE part_signoffs (
    part_id      INTEGER PRIMARY KEY REFERENCES visit_parts(id),
    visit_id     INTEGER NOT NULL REFERENCES visits(id),
    department_id INTEGER NOT NULL REFERENCES departments(id),
    signed_by    TEXT NOT NULL,
    signed_at    TEXT NOT NULL,
    finding      INTEGER NOT NULL DEFAULT 0,
    formed_on    TEXT NOT NULL,
    due_on       TEXT,
    published_at TEXT,
    published_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX part_signoffs_visit ON part_signoffs(visit_id);
CREATE INDEX part_signoffs_department ON part_signoffs(department_id, due_on);
CREATE INDEX part_signoffs_unpublished ON part_signoffs(due_on) WHERE published_at IS NULL;

-- The joint record (联合总表) the lead department closes: the overall
-- result category (the national closed list), the disposal (处置) and its
-- text, and for a rectification order (责令改正) its deadline.
CREATE TABLE visit_records (
    visit_id      INTEGER PRIMARY KEY REFERENCES visits(id),
    category      TEXT NOT NULL,
    disposal      TEXT NOT NULL,
    disposal_text TEXT NOT NULL DEFAULT '',
    rectify_due   TEXT,
    closed_by     TEXT NOT NULL,
    closed_at     TEXT NOT NULL
);

-- Evidence attached to a visit by a department (its part). The bytes are
-- in the blob store under sha256; a blob no row refers to is swept.
CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    visit_id      INTEGER NOT NULL REFERENCES visits(id),
    part_id       INTEGER REFERENCES visit_parts(id),
    department_id INTEGER NOT NULL REFERENCES departments(id),
    item_id       INTEGER,
    sha256        TEXT NOT NULL,
    name          TEXT NOT NULL,
    mime          TEXT NOT NULL,
    size          INTEGER NOT NULL,
    uploaded_by   TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX attachments_visit ON attachments(visit_id, id);
CREATE INDEX attachments_sha256 ON attachments(sha256);

-- The inspection settings the office keeps (publication deadline in
-- working days, warning lead).
CREATE TABLE inspect_settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
