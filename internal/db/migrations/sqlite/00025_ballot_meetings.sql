-- +goose Up
-- Regional meetings of a ballot, and reminder rounds (docs/ballots.md).
-- A meeting is a place and a day at which members present vote. A member
-- is checked in once (ballot_meeting_checkins, one row per ballot and
-- member, beside their ballot_voters row of channel 'meeting'); motions
-- are decided there by show of hands or card vote, so a meeting keeps only
-- counts per motion, never who voted how; election papers cast there go
-- into ballot_papers like any other, and papers counts them.
CREATE TABLE ballot_meetings (
    id         INTEGER PRIMARY KEY,
    ballot_id  INTEGER NOT NULL REFERENCES ballots(id),
    place      TEXT NOT NULL CHECK (place <> ''),
    held_on    TEXT NOT NULL,
    papers     INTEGER NOT NULL DEFAULT 0 CHECK (papers >= 0),
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX ballot_meetings_ballot ON ballot_meetings(ballot_id, held_on);

CREATE TABLE ballot_meeting_checkins (
    ballot_id     INTEGER NOT NULL REFERENCES ballots(id),
    member_number INTEGER NOT NULL,
    meeting_id    INTEGER NOT NULL REFERENCES ballot_meetings(id),
    PRIMARY KEY (ballot_id, member_number)
);
CREATE INDEX ballot_meeting_checkins_meeting ON ballot_meeting_checkins(meeting_id);

-- A meeting's count on a motion, recorded once by the tellers and never
-- changed (append-only): a miscount is a matter for the scrutineer's
-- report, not a silent edit.
CREATE TABLE ballot_meeting_tallies (
    meeting_id    INTEGER NOT NULL REFERENCES ballot_meetings(id),
    motion_id     INTEGER NOT NULL REFERENCES ballot_motions(id),
    votes_for     INTEGER NOT NULL CHECK (votes_for >= 0),
    votes_against INTEGER NOT NULL CHECK (votes_against >= 0),
    abstentions   INTEGER NOT NULL CHECK (abstentions >= 0),
    method        TEXT NOT NULL CHECK (method IN ('hands', 'cards')),
    recorded_at   TIMESTAMP NOT NULL,
    recorded_by   TEXT NOT NULL,
    PRIMARY KEY (meeting_id, motion_id)
);

-- +goose StatementBegin
CREATE TRIGGER ballot_meeting_tallies_no_update BEFORE UPDATE ON ballot_meeting_tallies BEGIN
    SELECT RAISE(ABORT, 'ballot_meeting_tallies is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ballot_meeting_tallies_no_delete BEFORE DELETE ON ballot_meeting_tallies BEGIN
    SELECT RAISE(ABORT, 'ballot_meeting_tallies is append-only');
END;
-- +goose StatementEnd

-- Reminder mails: one row per ballot, member and round, so a round
-- reaches a member at most once however often it is started.
CREATE TABLE ballot_reminders (
    ballot_id     INTEGER NOT NULL REFERENCES ballots(id),
    member_number INTEGER NOT NULL,
    round         INTEGER NOT NULL CHECK (round > 0),
    sent_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (ballot_id, member_number, round)
);

-- +goose Down
DROP TABLE ballot_reminders;
DROP TABLE ballot_meeting_tallies;
DROP TABLE ballot_meeting_checkins;
DROP TABLE ballot_meetings;
