-- 0011_followup: what follows a joint visit (闭环): findings referred to
-- another department or a case-handling body (抄告/移交, 移送办案机构) with
-- their evidence linked, the receiver's receipt, acceptance or return and
-- outcome; the follow-up (后续处置) of a rectification order or of an
-- unreachable business; and joint-punishment flags (联合惩戒).

-- A finding (part_id, item_id: a visit_results row with finding = 1)
-- referred by from_department_id to to_department_id. answer_due and
-- outcome_due are counted in working days from sent_on when it is sent
-- (the office's settings then) and never moved. state: sent → received →
-- accepted → done, or received → returned (return_reason).
CREATE TABLE referrals (
    id                 INTEGER PRIMARY KEY,
    visit_id           INTEGER NOT NULL REFERENCES visits(id),
    part_id            INTEGER NOT NULL REFERENCES visit_parts(id),
    item_id            INTEGER NOT NULL REFERENCES catalog_items(id),
    kind               TEXT NOT NULL,
    state              TEXT NOT NULL,
    from_department_id INTEGER NOT NULL REFERENCES departments(id),
    to_department_id   INTEGER NOT NULL REFERENCES departments(id),
    text               TEXT NOT NULL,
    sent_by            TEXT NOT NULL,
    sent_at            TEXT NOT NULL,
    sent_on            TEXT NOT NULL,
    answer_due         TEXT,
    outcome_due        TEXT,
    received_by        TEXT NOT NULL DEFAULT '',
    received_at        TEXT,
    decided_by         TEXT NOT NULL DEFAULT '',
    decided_at         TEXT,
    decided_on         TEXT,
    return_reason      TEXT NOT NULL DEFAULT '',
    outcome            TEXT NOT NULL DEFAULT '',
    outcome_by         TEXT NOT NULL DEFAULT '',
    outcome_at         TEXT,
    outcome_on         TEXT
);
CREATE INDEX referrals_visit ON referrals(visit_id);
CREATE INDEX referrals_to ON referrals(to_department_id, id);
CREATE INDEX referrals_from ON referrals(from_department_id, id);

-- The evidence of a referral: the visit's attachments, linked, not copied.
CREATE TABLE referral_attachments (
    referral_id   INTEGER NOT NULL REFERENCES referrals(id),
    attachment_id INTEGER NOT NULL REFERENCES attachments(id),
    PRIMARY KEY (referral_id, attachment_id)
);
CREATE INDEX referral_attachments_attachment ON referral_attachments(attachment_id);

-- The follow-up of a closed visit, owned by its lead department: a
-- rectification order (kind rectify, due_on the order's deadline) or an
-- unreachable business to be listed (kind abnormal_list). The re-check
-- (复查) or verification records checked_on, outcome, note and, for an
-- escalation (not rectified), the reason. One per visit and kind.
CREATE TABLE follow_ups (
    id            INTEGER PRIMARY KEY,
    visit_id      INTEGER NOT NULL REFERENCES visits(id),
    kind          TEXT NOT NULL,
    state         TEXT NOT NULL,
    department_id INTEGER NOT NULL REFERENCES departments(id),
    opened_on     TEXT NOT NULL,
    due_on        TEXT,
    opened_by     TEXT NOT NULL,
    checked_on    TEXT,
    outcome       TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    recorded_by   TEXT NOT NULL DEFAULT '',
    recorded_at   TEXT,
    UNIQUE (visit_id, kind)
);
CREATE INDEX follow_ups_department ON follow_ups(department_id, id);

-- A department's joint-punishment flag (联合惩戒) on a business. At most
-- one in force per business and department; a cleared one stays as
-- history with who cleared it and why.
CREATE TABLE punish_flags (
    id            INTEGER PRIMARY KEY,
    entity_id     INTEGER NOT NULL REFERENCES entities(id),
    department_id INTEGER NOT NULL REFERENCES departments(id),
    reason        TEXT NOT NULL,
    set_by        TEXT NOT NULL,
    set_at        TEXT NOT NULL,
    cleared_by    TEXT NOT NULL DEFAULT '',
    cleared_at    TEXT,
    clear_reason  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX punish_flags_entity ON punish_flags(entity_id, id);
CREATE UNIQUE INDEX punish_flags_active ON punish_flags(entity_id, department_id) WHERE cleared_at IS NULL;
