-- 0004_lists: the departments' item catalogues (检查事项) and the joint
-- lists (一业一查联合抽查事项清单) with their versions. A version refers to
-- catalogue items by their stable ID and keeps a snapshot of their text;
-- a published version is immutable (triggers below), only superseded.

CREATE TABLE catalog_items (
    id            INTEGER PRIMARY KEY,
    department_id INTEGER NOT NULL REFERENCES departments(id),
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    content       TEXT NOT NULL,
    legal_basis   TEXT NOT NULL,
    method        TEXT NOT NULL,
    kind          TEXT NOT NULL,
    results       TEXT NOT NULL, -- JSON array of the result options
    status        TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (department_id, code)
);
CREATE INDEX catalog_items_name ON catalog_items(department_id, name);

CREATE TABLE joint_lists (
    id                 INTEGER PRIMARY KEY,
    industry_code      TEXT NOT NULL UNIQUE REFERENCES industries(code),
    lead_department_id INTEGER NOT NULL REFERENCES departments(id),
    created_at         TEXT NOT NULL
);
CREATE INDEX joint_lists_lead ON joint_lists(lead_department_id);

CREATE TABLE joint_list_versions (
    id           INTEGER PRIMARY KEY,
    list_id      INTEGER NOT NULL REFERENCES joint_lists(id),
    number       INTEGER NOT NULL,
    status       TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    subject      TEXT NOT NULL DEFAULT '',
    frequency    INTEGER NOT NULL DEFAULT 1,
    ratio_a      INTEGER NOT NULL DEFAULT 0,
    ratio_b      INTEGER NOT NULL DEFAULT 0,
    ratio_c      INTEGER NOT NULL DEFAULT 0,
    ratio_d      INTEGER NOT NULL DEFAULT 0,
    notes        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    published_at TEXT,
    published_by TEXT NOT NULL DEFAULT '',
    UNIQUE (list_id, number)
);
-- At most one open draft per list.
CREATE UNIQUE INDEX joint_list_versions_draft ON joint_list_versions(list_id) WHERE status = 'draft';

CREATE TABLE joint_list_parts (
    version_id    INTEGER NOT NULL REFERENCES joint_list_versions(id),
    department_id INTEGER NOT NULL REFERENCES departments(id),
    position      INTEGER NOT NULL,
    lead          INTEGER NOT NULL DEFAULT 0,
    division      TEXT NOT NULL DEFAULT '',
    confirmed_at  TEXT,
    confirmed_by  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (version_id, department_id)
);
CREATE INDEX joint_list_parts_department ON joint_list_parts(department_id, version_id);

CREATE TABLE joint_list_items (
    version_id    INTEGER NOT NULL REFERENCES joint_list_versions(id),
    item_id       INTEGER NOT NULL REFERENCES catalog_items(id),
    department_id INTEGER NOT NULL REFERENCES departments(id),
    position      INTEGER NOT NULL,
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    content       TEXT NOT NULL,
    legal_basis   TEXT NOT NULL,
    method        TEXT NOT NULL,
    kind          TEXT NOT NULL,
    results       TEXT NOT NULL,
    PRIMARY KEY (version_id, item_id),
    FOREIGN KEY (version_id, department_id) REFERENCES joint_list_parts(version_id, department_id)
);
CREATE INDEX joint_list_items_item ON joint_list_items(item_id, version_id);

-- A published version is immutable: its row, its parts and its items can be
-- neither changed nor removed, and nothing can be added to it.
CREATE TRIGGER joint_list_versions_frozen_update BEFORE UPDATE ON joint_list_versions
WHEN OLD.status = 'published'
BEGIN
    SELECT RAISE(ABORT, 'a published joint list version is immutable');
END;
CREATE TRIGGER joint_list_versions_frozen_delete BEFORE DELETE ON joint_list_versions
WHEN OLD.status = 'published'
BEGIN
    SELECT RAISE(ABORT, 'a published joint list version is immutable');
END;
CREATE TRIGGER joint_list_parts_frozen_insert BEFORE INSERT ON joint_list_parts
WHEN (SELECT status FROM joint_list_versions WHERE id = NEW.version_id) = 'published'
BEGIN
    SELECT RAISE(ABORT, 'a published joint list version is immutable');
END;
CREATE TRIGGER joint_list_parts_frozen_update BEFORE UPDATE ON joint_list_parts
WHEN (SELECT status FROM joint_list_versions WHERE id = OLD.version_id) = 'published'
BEGIN
    SELECT RAISE(ABORT, 'a published joint list version is immutable');
END;
CREATE TRIGGER joint_list_parts_frozen_delete BEFORE DELETE ON joint_list_parts
WHEN (SELECT status FROM joint_list_versions WHERE id = OLD.version_id) = 'published'
BEGIN
    SELECT RAISE(ABORT, 'a published joint list version is immutable');
END;
CREATE TRIGGER joint_list_items_frozen_insert BEFORE INSERT ON joint_list_items
WHEN (SELECT status FROM joint_list_versions WHERE id = NEW.version_id) = 'published'
BEGIN
    SELECT RAISE(ABORT, 'a published joint list version is immutable');
END;
CREATE TRIGGER joint_list_items_frozen_update BEFORE UPDATE ON joint_list_items
WHEN (SELECT status FROM joint_list_versions WHERE id = OLD.version_id) = 'published'
BEGIN
    SELECT RAISE(ABORT, 'a published joint list version is immutable');
END;
CREATE TRIGGER joint_list_items_frozen_delete BEFORE DELETE ON joint_list_items
WHEN (SELECT status FROM joint_list_versions WHERE id = OLD.version_id) = 'published'
BEGIN
    SELECT RAISE(ABORT, 'a published joint list version is immutable');
END;
