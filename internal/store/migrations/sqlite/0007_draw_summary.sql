-- 0007_draw_summary: a draw keeps the summary of its frozen pool and roster
-- (businesses per risk class, exclusions per reason, inspectors per
-- department) beside them, so that the steps before execution and the
-- public page never read a pool of a million businesses. The pool column
-- now holds the pool's canonical text (docs/draw-spec.md §4) instead of
-- JSON: the same bytes that were hashed, and far cheaper to read back.
ALTER TABLE draws ADD COLUMN summary TEXT NOT NULL DEFAULT '';
