-- Cross-Account Protection (Google's RISC security events, POST /risc). Portable SQL: the same
-- migration runs on H2 and PostgreSQL.

-- Every security event token accepted, by its jti (RFC 8417 §2.2: unique per issuer, and the issuer
-- is always Google), so that a replay is refused on every node. issued_at is the token's iat: a row
-- is purged once its token would be refused as too old anyway (SecurityEventTokens.MAX_AGE).
CREATE TABLE risc_seen_token (
    jti       VARCHAR(256)             NOT NULL PRIMARY KEY,
    issued_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX risc_seen_token_issued_at ON risc_seen_token (issued_at);

-- What Google's events say about one Google user id (the key of google_grant): sessions signed in
-- before signed_out_before are over on every node (checked on each signed-in request by primary
-- key), and sign_in_refused is set by account-disabled with reason hijacking until account-enabled.
CREATE TABLE risc_account (
    user_id           VARCHAR(255)             NOT NULL PRIMARY KEY,
    signed_out_before TIMESTAMP WITH TIME ZONE,
    sign_in_refused   BOOLEAN DEFAULT FALSE    NOT NULL,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL
);
