-- One row per Google account that has granted this app offline access, keyed by the stable
-- Google user id (userinfo "id"), never by e-mail address (addresses can change hands).
-- Portable SQL: the same migration runs on H2 and PostgreSQL.
CREATE TABLE google_grant (
    user_id                 VARCHAR(255)  NOT NULL PRIMARY KEY,
    email                   VARCHAR(320)  NOT NULL,
    refresh_token           VARCHAR(2048) NOT NULL,
    scopes                  VARCHAR(4096) NOT NULL,
    access_token            VARCHAR(4096),
    access_token_expires_at TIMESTAMP WITH TIME ZONE,
    version                 BIGINT        NOT NULL,
    created_at              TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at              TIMESTAMP WITH TIME ZONE NOT NULL
);
