-- 0013_perf: a draw's frozen pool (its canonical text, about 100 MB for a
-- million businesses) moves out of the draws row into a table of its own,
-- as on SQLite, where each read and each state change of a draw went
-- through the pool. Written once when the draw is announced, read when it
-- is executed and when its bundle is served; never changed.
CREATE TABLE draw_pools (
    draw_id BIGINT PRIMARY KEY REFERENCES draws(id),
    pool    TEXT NOT NULL
);
INSERT INTO draw_pools (draw_id, pool) SELECT id, pool FROM draws;
ALTER TABLE draws DROP COLUMN pool;
CREATE FUNCTION draw_pool_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'a draw is never deleted';
    END IF;
    RAISE EXCEPTION 'a frozen pool is immutable';
END;
$$;
CREATE TRIGGER draw_pools_frozen BEFORE UPDATE OR DELETE ON draw_pools
    FOR EACH ROW EXECUTE FUNCTION draw_pool_frozen();

-- A draw's redraw is found by the aborted draw's key.
CREATE INDEX draws_supersedes ON draws(supersedes);

-- Freezing a pool reads an industry's businesses in code order: walking
-- this index needs no sort of a million rows.
CREATE INDEX entities_industry_code ON entities(industry_code, code);
