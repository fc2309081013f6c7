-- 0005_eval: the evaluation (监督评价): the office's settings (score
-- weights), departments' annual summaries (年度工作总结), progress bulletins
-- (通报) with the departments they name and their responses, typical cases
-- (典型案例).

CREATE TABLE eval_settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- One summary per department and year; filing again replaces it (the
-- audit log keeps every version).
CREATE TABLE annual_summaries (
    year          INTEGER NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    text          TEXT NOT NULL,
    figures       TEXT NOT NULL,
    filed_at      TEXT NOT NULL,
    filed_by      TEXT NOT NULL,
    PRIMARY KEY (year, department_id)
);

CREATE TABLE bulletins (
    id        INTEGER PRIMARY KEY,
    year      INTEGER NOT NULL,
    title     TEXT NOT NULL,
    body      TEXT NOT NULL,
    deadline  TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    issued_by TEXT NOT NULL
);
CREATE INDEX bulletins_year ON bulletins(year, id);

CREATE TABLE bulletin_departments (
    bulletin_id   BIGINT NOT NULL REFERENCES bulletins(id),
    department_id BIGINT NOT NULL REFERENCES departments(id),
    reasons       TEXT NOT NULL,
    response      TEXT NOT NULL DEFAULT '',
    responded_at  TEXT,
    responded_by  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (bulletin_id, department_id)
);
CREATE INDEX bulletin_departments_department ON bulletin_departments(department_id, bulletin_id);

CREATE TABLE typical_cases (
    id            INTEGER PRIMARY KEY,
    year          INTEGER NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    industry_code TEXT REFERENCES industries(code),
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('submitted', 'published', 'returned')),
    note          TEXT NOT NULL DEFAULT '',
    submitted_at  TEXT NOT NULL,
    submitted_by  TEXT NOT NULL,
    published_at  TEXT
);
CREATE INDEX typical_cases_state ON typical_cases(state, year, id);
CREATE INDEX typical_cases_department ON typical_cases(department_id, year, id);

-- The dashboard counts the businesses in scope by industry, township and
-- risk class: with this index that count streams over the index in group
-- order instead of sorting a million rows.
CREATE INDEX entities_scope ON entities(status, industry_code, township_code, risk_class);
