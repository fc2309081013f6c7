-- 0009_revisits: the discipline office's revisits (回访): each draw's
-- announcement with its frozen pool of completed visits and the office's
-- commitment, then the revealed secret, the public value and the sample
-- (internal/revisit), and each revisit's outcome.

CREATE TABLE revisit_draws (
    id                INTEGER PRIMARY KEY,
    year              INTEGER NOT NULL,
    announcement      TEXT NOT NULL, -- JSON of revisit.Announcement
    announcement_hash TEXT NOT NULL UNIQUE,
    commitment        TEXT NOT NULL,
    announced_by      TEXT NOT NULL,
    secret            TEXT NOT NULL DEFAULT '',
    public_sources    TEXT NOT NULL DEFAULT '', -- the public value as entered, one source a line
    public_key        TEXT NOT NULL DEFAULT '', -- its RFC 3797 key string
    seed              TEXT NOT NULL DEFAULT '',
    drawn_at          TEXT,
    drawn_by          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX revisit_draws_year ON revisit_draws(year, id);

CREATE TABLE revisit_pool (
    draw_id  BIGINT NOT NULL REFERENCES revisit_draws(id),
    visit_id BIGINT NOT NULL REFERENCES visits(id),
    code     TEXT NOT NULL,
    PRIMARY KEY (draw_id, visit_id)
);

CREATE TABLE revisits (
    draw_id     BIGINT NOT NULL REFERENCES revisit_draws(id),
    visit_id    BIGINT NOT NULL REFERENCES visits(id),
    position    INTEGER NOT NULL,
    key         TEXT NOT NULL,
    outcome     TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'ok', 'problem')),
    note        TEXT NOT NULL DEFAULT '',
    recorded_at TEXT,
    recorded_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (draw_id, visit_id)
);
