-- Workbench idle timeout (等保 2.0 level 3): when each session was last used, in milliseconds since
-- the epoch, kept in the store so that every node sees the same activity. NULL: not used yet.
ALTER TABLE sessions ADD COLUMN last_seen_ms BIGINT;
