-- 0002_workday: holiday schedules (节假日安排) the office adds or corrects.
-- A year stored here replaces the schedule shipped in internal/workday.

CREATE TABLE workday_years (
    year       INTEGER PRIMARY KEY,
    source     TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE workday_days (
    day  DATE PRIMARY KEY,
    year INTEGER NOT NULL REFERENCES workday_years(year) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('off', 'work')),
    name TEXT NOT NULL DEFAULT ''
);
CREATE INDEX workday_days_year ON workday_days(year, day);
