-- Single-flight refresh across nodes: the node that refreshes a user's access token first takes a
-- short lease on the row (compare-and-set on version); other requests, on any node, wait for the
-- token it stores instead of refreshing too. With refresh-token rotation a second, concurrent
-- refresh would use a token the first one just invalidated and could lose the grant.
ALTER TABLE google_grant ADD COLUMN refresh_lease_until TIMESTAMP WITH TIME ZONE;
