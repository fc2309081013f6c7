-- 0012_archive: the archive mark of a closed visit (立卷归档). A visit
-- closed with no problem found (未发现问题) is marked at closure, in the
-- closure's transaction (automatic = true); any other closed visit is
-- marked by its lead department. The archive file itself (JSON record,
-- printable page, attachments) is built on demand from the visit and its
-- blobs.
CREATE TABLE visit_archives (
    visit_id    BIGINT PRIMARY KEY REFERENCES visits(id),
    automatic   BOOLEAN NOT NULL DEFAULT false,
    archived_by TEXT NOT NULL,
    archived_at TIMESTAMPTZ NOT NULL
);
