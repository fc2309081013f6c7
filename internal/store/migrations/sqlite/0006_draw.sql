-- 0006_draw: the verifiable draws (抽取, docs/draw-spec.md). A draw keeps
-- its frozen pool and roster (JSON in the bundle's format), the
-- announcement and its hash, the parties' commitments and reveals, the
-- public value (double entry), and the result. An executed or aborted draw
-- is immutable (triggers below): a redraw is a new draw.

CREATE TABLE draws (
    id                 INTEGER PRIMARY KEY,
    draw_key           TEXT NOT NULL UNIQUE,
    state              TEXT NOT NULL,
    lead_department_id INTEGER NOT NULL REFERENCES departments(id),
    industry_code      TEXT NOT NULL REFERENCES industries(code),
    params             TEXT NOT NULL,
    announcement       TEXT NOT NULL,
    announcement_hash  TEXT NOT NULL,
    pool               TEXT NOT NULL,
    roster             TEXT NOT NULL,
    public_first       TEXT NOT NULL DEFAULT '',
    public_first_by    INTEGER,
    public_value       TEXT NOT NULL DEFAULT '',
    result             TEXT NOT NULL DEFAULT '',
    abort_reason       TEXT NOT NULL DEFAULT '',
    supersedes         TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    executed_at        TEXT,
    aborted_at         TEXT
);
CREATE INDEX draws_state ON draws(state, id);

CREATE TABLE draw_parties (
    draw_id       INTEGER NOT NULL REFERENCES draws(id),
    party         TEXT NOT NULL,
    department_id INTEGER NOT NULL REFERENCES departments(id),
    commitment    TEXT NOT NULL DEFAULT '',
    committed_at  TEXT,
    secret        TEXT NOT NULL DEFAULT '',
    revealed_at   TEXT,
    PRIMARY KEY (draw_id, party)
);

-- The salts of the conflict-of-interest commitments in a frozen roster:
-- private, for the discipline office (纪检).
CREATE TABLE draw_conflict_salts (
    draw_id   INTEGER NOT NULL REFERENCES draws(id),
    inspector TEXT NOT NULL,
    code      TEXT NOT NULL,
    salt      TEXT NOT NULL,
    PRIMARY KEY (draw_id, inspector, code)
);

CREATE TRIGGER draws_frozen_update BEFORE UPDATE ON draws
WHEN OLD.state IN ('executed', 'aborted')
BEGIN
    SELECT RAISE(ABORT, 'an executed or aborted draw is immutable');
END;
CREATE TRIGGER draws_frozen_delete BEFORE DELETE ON draws
BEGIN
    SELECT RAISE(ABORT, 'a draw is never deleted');
END;
CREATE TRIGGER draw_parties_frozen BEFORE UPDATE ON draw_parties
WHEN (SELECT state FROM draws WHERE id = OLD.draw_id) IN ('executed', 'aborted')
BEGIN
    SELECT RAISE(ABORT, 'an executed or aborted draw is immutable');
END;
