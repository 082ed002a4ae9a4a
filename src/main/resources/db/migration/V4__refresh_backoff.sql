-- Back-off of a failing refresh, per grant and shared by every node: while Google's token endpoint
-- fails (5xx, timeout, reset), refresh_failures counts the failed refreshes in a row and
-- refresh_retry_at says when the next may be tried; until then every request, on any node,
-- answers 503 with Retry-After instead of calling Google again. A successful refresh (and a new
-- sign-in) clears both. Portable SQL: the same migration runs on H2 and PostgreSQL.
ALTER TABLE google_grant ADD COLUMN refresh_failures INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE google_grant ADD COLUMN refresh_retry_at TIMESTAMP WITH TIME ZONE;
