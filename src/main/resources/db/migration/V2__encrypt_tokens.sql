-- Tokens are stored encrypted (AES-256-GCM, see TokenCipher): key_id names the key that encrypted
-- both token columns of the row. NULL marks a row written before encryption existed; the app
-- encrypts every such row at start-up, before it serves anything (TokenStore.encryptLegacyRows).
-- Portable SQL: the same migration runs on H2 and PostgreSQL (both accept the standard
-- ALTER COLUMN ... SET DATA TYPE, which keeps NOT NULL).
ALTER TABLE google_grant ADD COLUMN key_id VARCHAR(64);

-- base64(12-byte nonce || ciphertext || 16-byte tag) is 4/3 of (token + 28 bytes): widen the
-- columns so that they still hold tokens as long as they did in plain text (2048 and 4096).
ALTER TABLE google_grant ALTER COLUMN refresh_token SET DATA TYPE VARCHAR(4096);
ALTER TABLE google_grant ALTER COLUMN access_token SET DATA TYPE VARCHAR(8192);
