-- 0008_plans: annual plans (年度抽查计划), tasks, batches, adjustments; the
-- draw's selections; joint visits with their department parts, items and
-- inspector assignments (the tables the inspection work builds on); the
-- in-app inbox.

CREATE TABLE plans (
    id            INTEGER PRIMARY KEY,
    year          INTEGER NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    state         TEXT NOT NULL,
    -- Most visits per business per year by risk class; 0 means no cap.
    cap_a         INTEGER NOT NULL DEFAULT 0,
    cap_b         INTEGER NOT NULL DEFAULT 0,
    cap_c         INTEGER NOT NULL DEFAULT 0,
    cap_d         INTEGER NOT NULL DEFAULT 0,
    merge_policy  TEXT NOT NULL,
    filed_at      TEXT,
    filed_by      TEXT NOT NULL DEFAULT '',
    published_at  TEXT,
    published_by  TEXT NOT NULL DEFAULT '',
    updated_at    TEXT NOT NULL
);

CREATE TABLE plan_tasks (
    id                 INTEGER PRIMARY KEY,
    plan_id            INTEGER NOT NULL REFERENCES plans(id),
    seq                INTEGER NOT NULL DEFAULT 0,
    industry_code      TEXT NOT NULL REFERENCES industries(code),
    lead_department_id INTEGER NOT NULL REFERENCES departments(id),
    name               TEXT NOT NULL,
    -- The published joint-list version (issue 3) the items come from.
    list_version_id    INTEGER,
    -- Scope (联查对象): comma-separated codes; '' does not restrict.
    scope_kinds        TEXT NOT NULL DEFAULT '',
    scope_townships    TEXT NOT NULL DEFAULT '',
    scope_statuses     TEXT NOT NULL DEFAULT '',
    implementer        TEXT NOT NULL DEFAULT '',
    -- Ratios in basis points (100 = 1 %).
    ratio_a            INTEGER NOT NULL,
    ratio_b            INTEGER NOT NULL,
    ratio_c            INTEGER NOT NULL,
    ratio_d            INTEGER NOT NULL,
    note               TEXT NOT NULL DEFAULT '',
    state              TEXT NOT NULL,
    remark             TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX plan_tasks_plan ON plan_tasks(plan_id, seq, id);
CREATE INDEX plan_tasks_lead ON plan_tasks(lead_department_id, plan_id);

CREATE TABLE task_departments (
    task_id       INTEGER NOT NULL REFERENCES plan_tasks(id) ON DELETE CASCADE,
    department_id INTEGER NOT NULL REFERENCES departments(id),
    position      INTEGER NOT NULL,
    division      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (task_id, department_id)
);
CREATE INDEX task_departments_department ON task_departments(department_id, task_id);

-- item_id is the catalogue item's stable ID (joint lists, issue 3).
CREATE TABLE task_items (
    task_id       INTEGER NOT NULL REFERENCES plan_tasks(id) ON DELETE CASCADE,
    department_id INTEGER NOT NULL REFERENCES departments(id),
    item_id       INTEGER NOT NULL,
    position      INTEGER NOT NULL,
    PRIMARY KEY (task_id, item_id)
);

CREATE TABLE task_batches (
    id         INTEGER PRIMARY KEY,
    task_id    INTEGER NOT NULL REFERENCES plan_tasks(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    start_on   TEXT NOT NULL,
    end_on     TEXT NOT NULL,
    state      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (task_id, seq)
);

CREATE TABLE plan_adjustments (
    id            INTEGER PRIMARY KEY,
    plan_id       INTEGER NOT NULL REFERENCES plans(id),
    task_id       INTEGER NOT NULL REFERENCES plan_tasks(id),
    batch_id      INTEGER REFERENCES task_batches(id),
    kind          TEXT NOT NULL,
    reason        TEXT NOT NULL,
    -- JSON of what is asked: ratios, window, windows.
    detail        TEXT NOT NULL,
    before_text   TEXT NOT NULL DEFAULT '',
    after_text    TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL,
    department_id INTEGER NOT NULL REFERENCES departments(id),
    filed_by      TEXT NOT NULL,
    filed_at      TEXT NOT NULL,
    decided_by    TEXT NOT NULL DEFAULT '',
    decided_at    TEXT,
    remark        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX plan_adjustments_plan ON plan_adjustments(plan_id, id);
CREATE INDEX plan_adjustments_task ON plan_adjustments(task_id, id);

-- A batch's selection as the draw hands it over: businesses in draw order
-- and each one's inspector team.
CREATE TABLE batch_selection (
    batch_id  INTEGER NOT NULL REFERENCES task_batches(id),
    entity_id INTEGER NOT NULL REFERENCES entities(id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (batch_id, entity_id)
);
CREATE TABLE batch_team (
    batch_id     INTEGER NOT NULL REFERENCES task_batches(id),
    entity_id    INTEGER NOT NULL REFERENCES entities(id),
    inspector_id INTEGER NOT NULL REFERENCES inspectors(id),
    position     INTEGER NOT NULL,
    PRIMARY KEY (batch_id, entity_id, inspector_id)
);

-- One joint visit of one business (一次上门).
CREATE TABLE visits (
    id                 INTEGER PRIMARY KEY,
    entity_id          INTEGER NOT NULL REFERENCES entities(id),
    risk_class         TEXT NOT NULL,
    year               INTEGER NOT NULL,
    lead_department_id INTEGER NOT NULL REFERENCES departments(id),
    start_on           TEXT NOT NULL,
    end_on             TEXT NOT NULL,
    state              TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX visits_entity ON visits(entity_id, year);
CREATE INDEX visits_year ON visits(year, id);

-- The batches a visit serves; the primary key makes dispatch idempotent
-- (one business is served once per batch). merged = 1 when the batch
-- joined a visit another batch created: one separate visit avoided.
CREATE TABLE visit_batches (
    batch_id  INTEGER NOT NULL REFERENCES task_batches(id),
    entity_id INTEGER NOT NULL REFERENCES entities(id),
    visit_id  INTEGER NOT NULL REFERENCES visits(id),
    merged    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (batch_id, entity_id)
);
CREATE INDEX visit_batches_visit ON visit_batches(visit_id);

-- Selected businesses dispatch left out, with the reason.
CREATE TABLE batch_exclusions (
    batch_id  INTEGER NOT NULL REFERENCES task_batches(id),
    entity_id INTEGER NOT NULL REFERENCES entities(id),
    reason    TEXT NOT NULL,
    visit_id  INTEGER REFERENCES visits(id),
    PRIMARY KEY (batch_id, entity_id)
);

-- Each department's part of a visit.
CREATE TABLE visit_parts (
    id            INTEGER PRIMARY KEY,
    visit_id      INTEGER NOT NULL REFERENCES visits(id),
    department_id INTEGER NOT NULL REFERENCES departments(id),
    state         TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (visit_id, department_id)
);
CREATE INDEX visit_parts_department ON visit_parts(department_id, visit_id);

-- The items of a part: item_id is the catalogue item ID (issue 3), task_id
-- the task that asked for it. An item two merged tasks share is checked once.
CREATE TABLE visit_part_items (
    part_id  INTEGER NOT NULL REFERENCES visit_parts(id),
    item_id  INTEGER NOT NULL,
    task_id  INTEGER NOT NULL REFERENCES plan_tasks(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (part_id, item_id)
);

CREATE TABLE visit_assignments (
    visit_id      INTEGER NOT NULL REFERENCES visits(id),
    inspector_id  INTEGER NOT NULL REFERENCES inspectors(id),
    department_id INTEGER NOT NULL REFERENCES departments(id),
    batch_id      INTEGER NOT NULL REFERENCES task_batches(id),
    PRIMARY KEY (visit_id, inspector_id)
);
CREATE INDEX visit_assignments_inspector ON visit_assignments(inspector_id, visit_id);

-- The in-app inbox. recipient is 'office', 'dept:<id>' or 'insp:<id>';
-- dedupe makes a notice that an idempotent action would send twice a no-op.
CREATE TABLE notices (
    id         INTEGER PRIMARY KEY,
    recipient  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    args       TEXT NOT NULL,
    link       TEXT NOT NULL,
    dedupe     TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    read_at    TEXT
);
CREATE INDEX notices_recipient ON notices(recipient, id);
