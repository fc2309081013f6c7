-- 0013_perf: a draw's frozen pool (its canonical text, about 100 MB for a
-- million businesses) moves out of the draws row into a table of its own.
-- In the row it lay before the columns every step reads (state, result,
-- supersedes, summary): each read of a draw walked the pool's overflow
-- pages, and each UPDATE of the draw's state rewrote the whole pool.
-- Written once when the draw is announced, read when it is executed and
-- when its bundle is served; never changed.
CREATE TABLE draw_pools (
    draw_id INTEGER PRIMARY KEY REFERENCES draws(id),
    pool    TEXT NOT NULL
);
INSERT INTO draw_pools (draw_id, pool) SELECT id, pool FROM draws;
ALTER TABLE draws DROP COLUMN pool;
CREATE TRIGGER draw_pools_frozen_update BEFORE UPDATE ON draw_pools
BEGIN
    SELECT RAISE(ABORT, 'a frozen pool is immutable');
END;
CREATE TRIGGER draw_pools_frozen_delete BEFORE DELETE ON draw_pools
BEGIN
    SELECT RAISE(ABORT, 'a draw is never deleted');
END;

-- A draw's redraw is found by the aborted draw's key.
CREATE INDEX draws_supersedes ON draws(supersedes);

-- Freezing a pool reads an industry's businesses in code order: walking
-- this index needs no sort of a million rows.
CREATE INDEX entities_industry_code ON entities(industry_code, code);
