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
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * The grants table: one row per Google user id. Every statement is prepared; every write is one
 * transaction; a stored refresh token is never overwritten with null (Google leaves it out of later
 * answers, and losing it would force the user through consent again).
 *
 * <p>Both token columns are encrypted with {@link TokenCipher}, and {@code key_id} names the key of
 * the row. Every write that stores a token re-encrypts both columns under the current key, so rows
 * under an older key move to the new one on their next write. A row that does not decrypt
 * (tampered, a retired key, moved to another user) is treated as no grant: the user goes through
 * consent again, and the next sign-in that brings a refresh token replaces the row.
 */
public final class TokenStore {
  private static final System.Logger LOG = System.getLogger(TokenStore.class.getName());

  /** SQLSTATE of a unique or primary key violation, the same in H2 and PostgreSQL. */
  private static final String UNIQUE_VIOLATION = "23505";

  // Every statement, by what it does. Its parameters are bound by the one method that runs it, in
  // the order of its question marks.

  private static final String SELECT_GRANT =
      "SELECT user_id, email, refresh_token, scopes, access_token, access_token_expires_at,"
          + " created_at, updated_at, key_id, version, refresh_lease_until, refresh_failures,"
          + " refresh_retry_at FROM google_grant WHERE user_id = ?";

  /**
   * Locks the row until the transaction ends: the writes that keep its refresh token read it so.
   */
  private static final String LOCK_REFRESH_TOKEN =
      "SELECT key_id, refresh_token, version FROM google_grant WHERE user_id = ? FOR UPDATE";

  private static final String UPDATE_SIGN_IN =
      "UPDATE google_grant SET email = ?, refresh_token = ?, scopes = ?, access_token = ?,"
          + " access_token_expires_at = ?, key_id = ?, refresh_lease_until = NULL,"
          + " refresh_failures = 0, refresh_retry_at = NULL,"
          + " version = version + 1, updated_at = ? WHERE user_id = ?";
  private static final String INSERT_SIGN_IN =
      "INSERT INTO google_grant (user_id, email, refresh_token, scopes, access_token,"
          + " access_token_expires_at, key_id, version, created_at, updated_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)";
  private static final String UPDATE_REFRESHED =
      "UPDATE google_grant SET access_token = ?, access_token_expires_at = ?, refresh_token = ?,"
          + " key_id = ?, refresh_lease_until = NULL, refresh_failures = 0, refresh_retry_at = NULL,"
          + " version = version + 1, updated_at = ? WHERE user_id = ? AND version = ?";
  private static final String TAKE_LEASE =
      "UPDATE google_grant SET refresh_lease_until = ?, version = version + 1"
          + " WHERE user_id = ? AND version = ?";
  private static final String RELEASE_LEASE =
      "UPDATE google_grant SET refresh_lease_until = NULL, version = version + 1"
          + " WHERE user_id = ? AND version = ?";
  private static final String RECORD_REFRESH_FAILURE =
      "UPDATE google_grant SET refresh_lease_until = NULL, refresh_failures = refresh_failures + 1,"
          + " refresh_retry_at = ?, version = version + 1 WHERE user_id = ? AND version = ?";
  private static final String FORGET_ACCESS_TOKEN =
      "UPDATE google_grant SET access_token = NULL, access_token_expires_at = NULL,"
          + " version = version + 1, updated_at = ? WHERE user_id = ? AND version = ?";
  private static final String DELETE = "DELETE FROM google_grant WHERE user_id = ?";
  private static final String DELETE_IF_UNCHANGED =
      "DELETE FROM google_grant WHERE user_id = ? AND version = ?";
  private static final String SELECT_PLAIN_TEXT_USERS =
      "SELECT user_id FROM google_grant WHERE key_id IS NULL";
  private static final String LOCK_PLAIN_TEXT_ROW =
      "SELECT refresh_token, access_token FROM google_grant"
          + " WHERE user_id = ? AND key_id IS NULL FOR UPDATE";
  private static final String UPDATE_PLAIN_TEXT_ROW =
      "UPDATE google_grant SET refresh_token = ?, access_token = ?, key_id = ?,"
          + " version = version + 1 WHERE user_id = ? AND key_id IS NULL";

  /** Every grant's refresh token as stored, for finding one by its value (issue 16). */
  private static final String SELECT_REFRESH_TOKENS =
      "SELECT user_id, key_id, refresh_token, version FROM google_grant WHERE key_id IS NOT NULL";

  private final DataSource dataSource;
  private final TokenCipher cipher;
  private final Clock clock;

  public TokenStore(DataSource dataSource, TokenCipher cipher, Clock clock) {
    this.dataSource = dataSource;
    this.cipher = Objects.requireNonNull(cipher, "cipher");
    this.clock = clock;
  }

  /** Thrown when the database cannot be used; the message never carries a token. */
  public static class StoreException extends RuntimeException {
    /** Also for the other tables of the app's database (a failure there is the same blip). */
    public StoreException(String message, SQLException cause) {
      super(message, cause);
    }
  }

  /** The grant of {@code userId}; empty when there is none or when it does not decrypt. */
  public Optional<Grant> find(String userId) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = prepare(c, SELECT_GRANT, userId);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      String storedUserId = rs.getString("user_id");
      String keyId = rs.getString("key_id");
      String refreshToken;
      String accessToken;
      try {
        refreshToken =
            cipher.decrypt(
                keyId, rs.getString("refresh_token"), Column.REFRESH_TOKEN, storedUserId);
        accessToken =
            cipher.decrypt(keyId, rs.getString("access_token"), Column.ACCESS_TOKEN, storedUserId);
      } catch (UndecryptableException e) {
        warnUndecryptable(storedUserId, e);
        return Optional.empty();
      }
      return Optional.of(
          new Grant(
              storedUserId,
              rs.getString("email"),
              refreshToken,
              rs.getString("scopes"),
              accessToken,
              instant(rs, "access_token_expires_at"),
              instant(rs, "created_at"),
              instant(rs, "updated_at"),
              rs.getLong("version"),
              instant(rs, "refresh_lease_until"),
              rs.getInt("refresh_failures"),
              instant(rs, "refresh_retry_at")));
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
      // locked) and the second INSERT hit the primary key. Now the row exists; the retry updates
      // it.
      if (e.getCause() instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
        return trySaveSignIn(
            userId, email, refreshToken, scopes, accessToken, accessTokenExpiresAt);
      }
      throw e;
    }
  }

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
    return inTransaction(
        "cannot save the grant",
        c -> {
          Optional<StoredRefreshToken> stored = lockRefreshToken(c, userId);
          Optional<String> kept = refreshTokenToStore(userId, refreshToken, stored);
          if (kept.isEmpty()) {
            return false;
          }
          Sealed sealed = seal(userId, kept.get(), accessToken);
          if (stored.isPresent()) {
            execute(
                c,
                UPDATE_SIGN_IN,
                email,
                sealed.refreshToken,
                scopes,
                sealed.accessToken,
                timestamp(accessTokenExpiresAt),
                sealed.keyId,
                timestamp(now),
                userId);
          } else {
            execute(
                c,
                INSERT_SIGN_IN,
                userId,
                email,
                sealed.refreshToken,
                scopes,
                sealed.accessToken,
                timestamp(accessTokenExpiresAt),
                sealed.keyId,
                timestamp(now),
                timestamp(now));
          }
          return true;
        });
  }

  /**
   * Keeps a freshly refreshed access token (and ends any back-off); a rotated refresh token
   * replaces the stored one, a null one keeps it. Compare-and-set: written only while the row still
   * has {@code expectedVersion}, so a refresh that raced with another (on this node or another) can
   * never overwrite a newer, rotated refresh token with an older one.
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
    return inTransaction(
        "cannot save the refreshed token",
        c -> {
          Optional<StoredRefreshToken> stored = lockRefreshToken(c, userId);
          if (stored.isEmpty() || stored.get().version != expectedVersion) {
            return false;
          }
          Optional<String> kept = refreshTokenToStore(userId, newRefreshToken, stored);
          if (kept.isEmpty()) {
            return false;
          }
          Sealed sealed = seal(userId, kept.get(), accessToken);
          int updated =
              execute(
                  c,
                  UPDATE_REFRESHED,
                  sealed.accessToken,
                  timestamp(accessTokenExpiresAt),
                  sealed.refreshToken,
                  sealed.keyId,
                  timestamp(clock.instant()),
                  userId,
                  expectedVersion);
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
    int updated =
        update(
            "cannot take the refresh lease", TAKE_LEASE, timestamp(until), userId, expectedVersion);
    return updated == 1 ? expectedVersion + 1 : -1;
  }

  /** Gives a lease back without a new token (Google could not be reached), if still held. */
  public void releaseRefreshLease(String userId, long leaseVersion) {
    update("cannot release the refresh lease", RELEASE_LEASE, userId, leaseVersion);
  }

  /**
   * Gives a lease back after a refresh that Google's token endpoint failed, and backs the grant
   * off: one more failure in a row, and no refresh (on any node) before {@code retryAt}. Written
   * only while the lease is still held ({@code leaseVersion}).
   *
   * @return whether it was written
   */
  public boolean recordRefreshFailure(String userId, long leaseVersion, Instant retryAt) {
    return update(
            "cannot record the failed refresh",
            RECORD_REFRESH_FAILURE,
            timestamp(retryAt),
            userId,
            leaseVersion)
        == 1;
  }

  /**
   * Forgets the cached access token (Google refused it), keeping the refresh token, unless the row
   * changed since {@code expectedVersion} (someone stored a newer token meanwhile). The refresh
   * token's ciphertext is left as it is, so the row keeps its key id.
   */
  public boolean forgetAccessToken(String userId, long expectedVersion) {
    return update(
            "cannot update the grant",
            FORGET_ACCESS_TOKEN,
            timestamp(clock.instant()),
            userId,
            expectedVersion)
        == 1;
  }

  /** Whose grant holds a refresh token, and the row's version when it was read. */
  public record RefreshTokenHolder(String userId, long version) {}

  /**
   * The grant whose refresh token {@code matches}, if any (Google's token-revoked event names a
   * refresh token only by a hash of it). Tokens are encrypted under a nonce of their own, so this
   * decrypts every row: linear in the number of grants (microseconds each), and only ever run for
   * an event Google signed. A row that does not decrypt is skipped.
   */
  public Optional<RefreshTokenHolder> findByRefreshToken(Predicate<String> matches) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = prepare(c, SELECT_REFRESH_TOKENS);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String userId = rs.getString("user_id");
        String refreshToken;
        try {
          refreshToken =
              cipher.decrypt(
                  rs.getString("key_id"),
                  rs.getString("refresh_token"),
                  Column.REFRESH_TOKEN,
                  userId);
        } catch (UndecryptableException e) {
          continue;
        }
        if (matches.test(refreshToken)) {
          return Optional.of(new RefreshTokenHolder(userId, rs.getLong("version")));
        }
      }
      return Optional.empty();
    } catch (SQLException e) {
      throw new StoreException("cannot read the grants", e);
    }
  }

  public void delete(String userId) {
    update("cannot delete the grant", DELETE, userId);
  }

  /**
   * Deletes the grant only if it is still at {@code expectedVersion}: a refresh token that Google
   * called invalid_grant may already have been replaced by a rotated one from another request.
   *
   * @return whether the row was deleted
   */
  public boolean deleteIfUnchanged(String userId, long expectedVersion) {
    return update("cannot delete the grant", DELETE_IF_UNCHANGED, userId, expectedVersion) == 1;
  }

  /**
   * Encrypts, under the current key, every row written before tokens were encrypted ({@code key_id}
   * NULL), each in its own transaction. Run at start-up, after the migrations and before anything
   * is served. Idempotent, and safe when several instances start at once: a row is only rewritten
   * while it is still NULL under a row lock.
   *
   * @return how many rows this call encrypted
   */
  public int encryptLegacyRows() {
    List<String> userIds = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = prepare(c, SELECT_PLAIN_TEXT_USERS);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        userIds.add(rs.getString("user_id"));
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
      LOG.log(
          Level.INFO,
          "encrypted {0} grant(s) stored in plain text before encryption existed",
          encrypted);
    }
    return encrypted;
  }

  private boolean encryptLegacyRow(String userId) {
    return inTransaction(
        "cannot encrypt a grant stored in plain text",
        c -> {
          Sealed sealed;
          try (PreparedStatement ps = prepare(c, LOCK_PLAIN_TEXT_ROW, userId);
              ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              return false; // deleted or encrypted meanwhile
            }
            sealed = seal(userId, rs.getString("refresh_token"), rs.getString("access_token"));
          }
          int updated =
              execute(
                  c,
                  UPDATE_PLAIN_TEXT_ROW,
                  sealed.refreshToken,
                  sealed.accessToken,
                  sealed.keyId,
                  userId);
          return updated == 1;
        });
  }

  /**
   * The refresh token a write stores: the one Google just sent, else the one already stored. Google
   * sends one only with consent, and a refresh may or may not rotate it (RFC 6749 §6, §5.1:
   * optional in every token answer); storing null would lose the grant and force consent again.
   * Empty when there is neither, or the stored one does not decrypt.
   */
  private Optional<String> refreshTokenToStore(
      String userId, String fromGoogle, Optional<StoredRefreshToken> stored) {
    if (fromGoogle != null) {
      return Optional.of(fromGoogle);
    }
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(stored.get().decrypt(userId));
    } catch (UndecryptableException e) {
      warnUndecryptable(userId, e);
      return Optional.empty();
    }
  }

  /** Both tokens of a row encrypted under the current key, and that key's id. */
  private record Sealed(String refreshToken, String accessToken, String keyId) {
    @Override
    public String toString() {
      return "Sealed[keyId=" + keyId + ", tokens=(hidden)]";
    }
  }

  private Sealed seal(String userId, String refreshToken, String accessToken) {
    return new Sealed(
        cipher.encrypt(refreshToken, Column.REFRESH_TOKEN, userId),
        cipher.encrypt(accessToken, Column.ACCESS_TOKEN, userId),
        cipher.currentKeyId());
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

  /** One statement on a connection of its own; answers how many rows it changed. */
  private int update(String failure, String sql, Object... parameters) {
    try (Connection c = dataSource.getConnection()) {
      return execute(c, sql, parameters);
    } catch (SQLException e) {
      throw new StoreException(failure, e);
    }
  }

  /** Runs one writing statement with {@code parameters} in the order of its question marks. */
  private static int execute(Connection c, String sql, Object... parameters) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, parameters)) {
      return ps.executeUpdate();
    }
  }

  /** {@code sql} prepared with {@code parameters} bound in the order of its question marks. */
  private static PreparedStatement prepare(Connection c, String sql, Object... parameters)
      throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    try {
      for (int i = 0; i < parameters.length; i++) {
        ps.setObject(i + 1, parameters[i]);
      }
      return ps;
    } catch (SQLException | RuntimeException e) {
      ps.close();
      throw e;
    }
  }

  /** The row's refresh token as stored, locked until the transaction ends; empty when no row. */
  private Optional<StoredRefreshToken> lockRefreshToken(Connection c, String userId)
      throws SQLException {
    try (PreparedStatement ps = prepare(c, LOCK_REFRESH_TOKEN, userId);
        ResultSet rs = ps.executeQuery()) {
      return rs.next()
          ? Optional.of(
              new StoredRefreshToken(
                  rs.getString("key_id"), rs.getString("refresh_token"), rs.getLong("version")))
          : Optional.empty();
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

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
