package io.github.gmailoauth.oauth;

import io.github.gmailoauth.oauth.TokenCipher.Column;
import io.github.gmailoauth.oauth.TokenCipher.UndecryptableException;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The grants table: one row per Google user id. Every statement is prepared; every write is one
 * transaction; a stored refresh token is never overwritten with null (Google leaves it out of
 * later answers, and losing it would force the user through consent again).
 *
 * <p>Both token columns are encrypted with {@link TokenCipher}, and {@code key_id} names the key
 * of the row. Every write that stores a token re-encrypts both columns under the current key, so
 * rows under an older key move to the new one on their next write. A row that does not decrypt
 * (tampered, a retired key, moved to another user) is treated as no grant: the user goes through
 * consent again, and the next sign-in that brings a refresh token replaces the row.
 */
public final class TokenStore {
  private static final System.Logger LOG = System.getLogger(TokenStore.class.getName());

  private final DataSource dataSource;
  private final TokenCipher cipher;
  private final Clock clock;

  public TokenStore(DataSource dataSource, TokenCipher cipher, Clock clock) {
    this.dataSource = dataSource;
    this.cipher = Objects.requireNonNull(cipher, "cipher");
    this.clock = clock;
  }

  /** Thrown when the database cannot be used; the message never carries a token. */
  public static final class StoreException extends RuntimeException {
    StoreException(String message, SQLException cause) {
      super(message, cause);
    }
  }

  /** The grant of {@code userId}; empty when there is none or when it does not decrypt. */
  public Optional<Grant> find(String userId) {
    String sql =
        "SELECT user_id, email, refresh_token, scopes, access_token, access_token_expires_at,"
            + " created_at, updated_at, key_id, version, refresh_lease_until, refresh_failures, refresh_retry_at"
            + " FROM google_grant WHERE user_id = ?";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, userId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        String storedUserId = rs.getString(1);
        String keyId = rs.getString(9);
        String refreshToken;
        String accessToken;
        try {
          refreshToken = cipher.decrypt(keyId, rs.getString(3), Column.REFRESH_TOKEN, storedUserId);
          accessToken = cipher.decrypt(keyId, rs.getString(5), Column.ACCESS_TOKEN, storedUserId);
        } catch (UndecryptableException e) {
          warnUndecryptable(storedUserId, e);
          return Optional.empty();
        }
        return Optional.of(
            new Grant(
                storedUserId,
                rs.getString(2),
                refreshToken,
                rs.getString(4),
                accessToken,
                instant(rs, 6),
                instant(rs, 7),
                instant(rs, 8),
                rs.getLong(10),
                instant(rs, 11),
                rs.getInt(12),
                instant(rs, 13)));
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the grant", e);
    }
  }

  /**
   * Saves what a completed sign-in produced. {@code refreshToken} may be null (Google sends one
   * only on consent): then the stored one is kept, and false is returned when there is none or it
   * does not decrypt, so the caller can send the user through consent again. A new refresh token
   * replaces the stored row even when that row does not decrypt.
   */
  public boolean saveSignIn(
      String userId,
      String email,
      String refreshToken,
      String scopes,
      String accessToken,
      Instant accessTokenExpiresAt) {
    try {
      return trySaveSignIn(userId, email, refreshToken, scopes, accessToken, accessTokenExpiresAt);
    } catch (StoreException e) {
      // Two first sign-ins of one user at once: both found no row (a missing row cannot be
      // locked) and the second INSERT hit the primary key. Now the row exists; the retry updates it.
      if (e.getCause() instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
        return trySaveSignIn(userId, email, refreshToken, scopes, accessToken, accessTokenExpiresAt);
      }
      throw e;
    }
  }

  /** SQLSTATE of a unique or primary key violation, the same in H2 and PostgreSQL. */
  private static final String UNIQUE_VIOLATION = "23505";

  private boolean trySaveSignIn(
      String userId,
      String email,
      String refreshToken,
      String scopes,
      String accessToken,
      Instant accessTokenExpiresAt) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(email, "email");
    Instant now = clock.instant();
    String update =
        "UPDATE google_grant SET email = ?, refresh_token = ?, scopes = ?, access_token = ?,"
            + " access_token_expires_at = ?, key_id = ?, refresh_lease_until = NULL,"
            + " refresh_failures = 0, refresh_retry_at = NULL,"
            + " version = version + 1, updated_at = ? WHERE user_id = ?";
    String insert =
        "INSERT INTO google_grant (user_id, email, refresh_token, scopes, access_token,"
            + " access_token_expires_at, key_id, version, created_at, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)";
    return inTransaction("cannot save the grant", c -> {
      Optional<StoredRefreshToken> stored = lockRow(c, userId);
      if (stored.isEmpty() && refreshToken == null) {
        return false;
      }
      String keptRefreshToken = refreshToken;
      if (keptRefreshToken == null) {
        try {
          keptRefreshToken = stored.get().decrypt(userId);
        } catch (UndecryptableException e) {
          warnUndecryptable(userId, e);
          return false;
        }
      }
      String sealedRefresh = cipher.encrypt(keptRefreshToken, Column.REFRESH_TOKEN, userId);
      String sealedAccess = cipher.encrypt(accessToken, Column.ACCESS_TOKEN, userId);
      if (stored.isPresent()) {
        try (PreparedStatement ps = c.prepareStatement(update)) {
          ps.setString(1, email);
          ps.setString(2, sealedRefresh);
          ps.setString(3, scopes);
          ps.setString(4, sealedAccess);
          ps.setObject(5, timestamp(accessTokenExpiresAt));
          ps.setString(6, cipher.currentKeyId());
          ps.setObject(7, timestamp(now));
          ps.setString(8, userId);
          ps.executeUpdate();
        }
      } else {
        try (PreparedStatement ps = c.prepareStatement(insert)) {
          ps.setString(1, userId);
          ps.setString(2, email);
          ps.setString(3, sealedRefresh);
          ps.setString(4, scopes);
          ps.setString(5, sealedAccess);
          ps.setObject(6, timestamp(accessTokenExpiresAt));
          ps.setString(7, cipher.currentKeyId());
          ps.setObject(8, timestamp(now));
          ps.setObject(9, timestamp(now));
          ps.executeUpdate();
        }
      }
      return true;
    });
  }

  /**
   * Keeps a freshly refreshed access token (and ends any back-off); a rotated refresh token replaces the stored one, a
   * null one keeps it. Compare-and-set: written only while the row still has {@code
   * expectedVersion}, so a refresh that raced with another (on this node or another) can never
   * overwrite a newer, rotated refresh token with an older one.
   *
   * @return false when nothing was written: the row changed meanwhile, is gone, or no longer
   *     decrypts and no new refresh token came; the caller reads the row again
   */
  public boolean saveRefreshed(
      String userId,
      long expectedVersion,
      String accessToken,
      Instant accessTokenExpiresAt,
      String newRefreshToken) {
    String sql =
        "UPDATE google_grant SET access_token = ?, access_token_expires_at = ?, refresh_token = ?,"
            + " key_id = ?, refresh_lease_until = NULL, refresh_failures = 0, refresh_retry_at = NULL,"
            + " version = version + 1, updated_at = ? WHERE user_id = ? AND version = ?";
    return inTransaction("cannot save the refreshed token", c -> {
      Optional<StoredRefreshToken> stored = lockRow(c, userId);
      if (stored.isEmpty() || stored.get().version != expectedVersion) {
        return false;
      }
      String refreshToken = newRefreshToken;
      if (refreshToken == null) {
        try {
          refreshToken = stored.get().decrypt(userId);
        } catch (UndecryptableException e) {
          warnUndecryptable(userId, e);
          return false;
        }
      }
      int updated;
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, cipher.encrypt(accessToken, Column.ACCESS_TOKEN, userId));
        ps.setObject(2, timestamp(accessTokenExpiresAt));
        ps.setString(3, cipher.encrypt(refreshToken, Column.REFRESH_TOKEN, userId));
        ps.setString(4, cipher.currentKeyId());
        ps.setObject(5, timestamp(clock.instant()));
        ps.setString(6, userId);
        ps.setLong(7, expectedVersion);
        updated = ps.executeUpdate();
      }
      return updated == 1;
    });
  }

  /**
   * Takes the refresh lease of a row that is still at {@code expectedVersion}: this request will
   * refresh, and every other one (on any node) waits for its result until {@code until}.
   *
   * @return the row's version under the lease, or -1 when the row changed or is gone
   */
  public long takeRefreshLease(String userId, long expectedVersion, Instant until) {
    String sql =
        "UPDATE google_grant SET refresh_lease_until = ?, version = version + 1"
            + " WHERE user_id = ? AND version = ?";
    int updated = update("cannot take the refresh lease", sql, timestamp(until), userId, expectedVersion);
    return updated == 1 ? expectedVersion + 1 : -1;
  }

  /** Gives a lease back without a new token (Google could not be reached), if still held. */
  public void releaseRefreshLease(String userId, long leaseVersion) {
    String sql =
        "UPDATE google_grant SET refresh_lease_until = NULL, version = version + 1"
            + " WHERE user_id = ? AND version = ?";
    update("cannot release the refresh lease", sql, userId, leaseVersion);
  }

  /**
   * Gives a lease back after a refresh that Google's token endpoint failed, and backs the grant
   * off: one more failure in a row, and no refresh (on any node) before {@code retryAt}. Written
   * only while the lease is still held ({@code leaseVersion}).
   *
   * @return whether it was written
   */
  public boolean recordRefreshFailure(String userId, long leaseVersion, Instant retryAt) {
    String sql =
        "UPDATE google_grant SET refresh_lease_until = NULL, refresh_failures = refresh_failures + 1,"
            + " refresh_retry_at = ?, version = version + 1 WHERE user_id = ? AND version = ?";
    return update("cannot record the failed refresh", sql, timestamp(retryAt), userId, leaseVersion) == 1;
  }

  /**
   * Forgets the cached access token (Google refused it), keeping the refresh token, unless the row
   * changed since {@code expectedVersion} (someone stored a newer token meanwhile). The refresh
   * token's ciphertext is left as it is, so the row keeps its key id.
   */
  public boolean forgetAccessToken(String userId, long expectedVersion) {
    String sql =
        "UPDATE google_grant SET access_token = NULL, access_token_expires_at = NULL,"
            + " version = version + 1, updated_at = ? WHERE user_id = ? AND version = ?";
    return update("cannot update the grant", sql, timestamp(clock.instant()), userId, expectedVersion)
        == 1;
  }

  public void delete(String userId) {
    update("cannot delete the grant", "DELETE FROM google_grant WHERE user_id = ?", userId);
  }

  /**
   * Deletes the grant only if it is still at {@code expectedVersion}: a refresh token that Google
   * called invalid_grant may already have been replaced by a rotated one from another request.
   *
   * @return whether the row was deleted
   */
  public boolean deleteIfUnchanged(String userId, long expectedVersion) {
    String sql = "DELETE FROM google_grant WHERE user_id = ? AND version = ?";
    return update("cannot delete the grant", sql, userId, expectedVersion) == 1;
  }

  /**
   * Encrypts, under the current key, every row written before tokens were encrypted ({@code
   * key_id} NULL), each in its own transaction. Run at start-up, after the migrations and before
   * anything is served. Idempotent, and safe when several instances start at once: a row is only
   * rewritten while it is still NULL under a row lock.
   *
   * @return how many rows this call encrypted
   */
  public int encryptLegacyRows() {
    List<String> userIds = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT user_id FROM google_grant WHERE key_id IS NULL");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        userIds.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new StoreException("cannot list the grants stored in plain text", e);
    }
    int encrypted = 0;
    for (String userId : userIds) {
      if (encryptLegacyRow(userId)) {
        encrypted++;
      }
    }
    if (encrypted > 0) {
      LOG.log(Level.INFO, "encrypted {0} grant(s) stored in plain text before encryption existed", encrypted);
    }
    return encrypted;
  }

  private boolean encryptLegacyRow(String userId) {
    String select =
        "SELECT refresh_token, access_token FROM google_grant"
            + " WHERE user_id = ? AND key_id IS NULL FOR UPDATE";
    String update =
        "UPDATE google_grant SET refresh_token = ?, access_token = ?, key_id = ?,"
            + " version = version + 1 WHERE user_id = ? AND key_id IS NULL";
    return inTransaction("cannot encrypt a grant stored in plain text", c -> {
      String refreshToken;
      String accessToken;
      try (PreparedStatement ps = c.prepareStatement(select)) {
        ps.setString(1, userId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return false; // deleted or encrypted meanwhile
          }
          refreshToken = rs.getString(1);
          accessToken = rs.getString(2);
        }
      }
      int updated;
      try (PreparedStatement ps = c.prepareStatement(update)) {
        ps.setString(1, cipher.encrypt(refreshToken, Column.REFRESH_TOKEN, userId));
        ps.setString(2, cipher.encrypt(accessToken, Column.ACCESS_TOKEN, userId));
        ps.setString(3, cipher.currentKeyId());
        ps.setString(4, userId);
        updated = ps.executeUpdate();
      }
      return updated == 1;
    });
  }

  /** Work on one connection inside one transaction. */
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} as one transaction: committed when it returns (which also ends a transaction
   * that only locked and read), rolled back when it throws.
   */
  private <T> T inTransaction(String failure, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException(failure, e);
    }
  }

  /** One statement with its parameters in order; answers how many rows it changed. */
  private int update(String failure, String sql, Object... parameters) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        ps.setObject(i + 1, parameters[i]);
      }
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException(failure, e);
    }
  }

  /** The row's refresh token as stored, locked until the transaction ends; empty when no row. */
  private Optional<StoredRefreshToken> lockRow(Connection c, String userId) throws SQLException {
    String sql = "SELECT key_id, refresh_token, version FROM google_grant WHERE user_id = ? FOR UPDATE";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, userId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new StoredRefreshToken(rs.getString(1), rs.getString(2), rs.getLong(3)))
            : Optional.empty();
      }
    }
  }

  /** A refresh token as it sits in its row; {@code toString()} shows neither value. */
  private final class StoredRefreshToken {
    private final String keyId;
    private final String sealed;
    private final long version;

    StoredRefreshToken(String keyId, String sealed, long version) {
      this.keyId = keyId;
      this.sealed = sealed;
      this.version = version;
    }

    String decrypt(String userId) throws UndecryptableException {
      return cipher.decrypt(keyId, sealed, Column.REFRESH_TOKEN, userId);
    }
  }

  /** One line: who and why, never the stored value. */
  private static void warnUndecryptable(String userId, UndecryptableException e) {
    LOG.log(
        Level.WARNING,
        "the stored grant of user {0} does not decrypt ({1}); treated as no grant, so the user"
            + " goes through consent again",
        userId,
        e.failure());
  }

  private static OffsetDateTime timestamp(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
