package io.github.gmailoauth.risc;

import io.github.gmailoauth.oauth.TokenStore;
import io.github.gmailoauth.web.SessionRevocations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import javax.sql.DataSource;

/**
 * The two V5 tables: {@code risc_seen_token} (every accepted {@code jti}, so a replay is refused on
 * every node) and {@code risc_account} (per Google user id: sessions over before a time, sign-in
 * refused). Every statement is prepared and touches one row by primary key, except the purges.
 */
public final class RiscStore implements SessionRevocations {
  /** SQLSTATE of a unique or primary key violation, the same in H2 and PostgreSQL. */
  private static final String UNIQUE_VIOLATION = "23505";

  private static final String INSERT_SEEN =
      "INSERT INTO risc_seen_token (jti, issued_at) VALUES (?, ?)";
  private static final String DELETE_SEEN = "DELETE FROM risc_seen_token WHERE jti = ?";
  private static final String PURGE_SEEN = "DELETE FROM risc_seen_token WHERE issued_at < ?";

  private static final String SELECT_SIGNED_OUT_BEFORE =
      "SELECT signed_out_before FROM risc_account WHERE user_id = ?";
  private static final String SELECT_SIGN_IN_REFUSED =
      "SELECT sign_in_refused FROM risc_account WHERE user_id = ?";
  // Never moves the time back: a later event wins, an older one changes nothing.
  private static final String UPDATE_SIGNED_OUT_BEFORE =
      "UPDATE risc_account SET signed_out_before = CASE WHEN signed_out_before IS NULL"
          + " OR signed_out_before < ? THEN ? ELSE signed_out_before END, updated_at = ?"
          + " WHERE user_id = ?";
  private static final String INSERT_SIGNED_OUT_BEFORE =
      "INSERT INTO risc_account (user_id, signed_out_before, sign_in_refused, updated_at)"
          + " VALUES (?, ?, FALSE, ?)";
  private static final String UPDATE_SIGN_IN_REFUSED =
      "UPDATE risc_account SET sign_in_refused = ?, updated_at = ? WHERE user_id = ?";
  private static final String INSERT_SIGN_IN_REFUSED =
      "INSERT INTO risc_account (user_id, sign_in_refused, updated_at) VALUES (?, ?, ?)";
  private static final String DELETE_ACCOUNT = "DELETE FROM risc_account WHERE user_id = ?";

  /**
   * Rows that only end sessions, once every session they could end is past its maximum age anyway.
   */
  private static final String PURGE_ACCOUNTS =
      "DELETE FROM risc_account WHERE sign_in_refused = FALSE"
          + " AND (signed_out_before IS NULL OR signed_out_before < ?)";

  private final DataSource dataSource;

  public RiscStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Thrown when the database cannot be used; the message names the operation only. */
  public static final class RiscStoreException extends TokenStore.StoreException {
    private static final long serialVersionUID = 1L;

    RiscStoreException(String message, SQLException cause) {
      super(message, cause);
    }
  }

  /**
   * Records {@code jti} as accepted. The primary key decides between two nodes receiving the same
   * token at once: exactly one insert succeeds.
   *
   * @return false when it was recorded before (a replay)
   */
  boolean recordOnce(String jti, Instant issuedAt) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(INSERT_SEEN)) {
      ps.setString(1, jti);
      ps.setObject(2, timestamp(issuedAt));
      ps.executeUpdate();
      return true;
    } catch (SQLException e) {
      if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
        return false;
      }
      throw new RiscStoreException("cannot record the security event token", e);
    }
  }

  /**
   * Forgets {@code jti} again, when its events could not be acted on: a retry must not be refused.
   */
  void forget(String jti) {
    update("cannot forget the security event token", DELETE_SEEN, jti);
  }

  /** Forgets every token issued before {@code before}: any replay of one is refused as too old. */
  void purgeSeenBefore(Instant before) {
    update("cannot purge the security event tokens", PURGE_SEEN, timestamp(before));
  }

  /**
   * One read by primary key, on every signed-in request ({@link
   * io.github.gmailoauth.web.SignedInSessions}).
   */
  @Override
  public Instant signedOutBefore(String userId) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(SELECT_SIGNED_OUT_BEFORE)) {
      ps.setString(1, userId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        OffsetDateTime value = rs.getObject(1, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
      }
    } catch (SQLException e) {
      throw new RiscStoreException("cannot read whether the sessions were ended", e);
    }
  }

  /** Whether Google reported {@code userId} hijacked and has not enabled the account again. */
  public boolean refusesSignIn(String userId) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(SELECT_SIGN_IN_REFUSED)) {
      ps.setString(1, userId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    } catch (SQLException e) {
      throw new RiscStoreException("cannot read whether sign-in is refused", e);
    }
  }

  /** Every session of {@code userId} signed in at or before {@code at} is over, on every node. */
  void endSessions(String userId, Instant at) {
    // Both databases keep microseconds: rounded up, so a sign-in at `at` itself, whose time in the
    // session keeps the clock's nanoseconds, still counts as before it.
    Instant mark = at.truncatedTo(ChronoUnit.MICROS);
    Instant until = mark.equals(at) ? mark : mark.plus(1, ChronoUnit.MICROS);
    upsert(
        "cannot end the sessions",
        () ->
            execute(
                UPDATE_SIGNED_OUT_BEFORE,
                timestamp(until),
                timestamp(until),
                timestamp(at),
                userId),
        () -> execute(INSERT_SIGNED_OUT_BEFORE, userId, timestamp(until), timestamp(at)));
  }

  /** Refuses (or allows again) sign-in for {@code userId}. */
  void refuseSignIn(String userId, boolean refused, Instant at) {
    upsert(
        "cannot change whether sign-in is refused",
        () -> execute(UPDATE_SIGN_IN_REFUSED, refused, timestamp(at), userId),
        () -> execute(INSERT_SIGN_IN_REFUSED, userId, refused, timestamp(at)));
  }

  /** Forgets everything about {@code userId} in these tables. */
  void deleteAccount(String userId) {
    update("cannot delete the account's state", DELETE_ACCOUNT, userId);
  }

  /** Deletes rows that no longer end any session: those older than {@code before}. */
  void purgeAccountsBefore(Instant before) {
    update("cannot purge ended sessions", PURGE_ACCOUNTS, timestamp(before));
  }

  /** A statement that answers how many rows it changed; SQLException as is, for {@link #upsert}. */
  private interface Write {
    int run() throws SQLException;
  }

  /**
   * UPDATE, else INSERT; when a concurrent INSERT won (primary key), UPDATE once more. Portable: H2
   * and PostgreSQL 14 share no upsert syntax (MERGE arrived in PostgreSQL 15).
   */
  private static void upsert(String failure, Write update, Write insert) {
    try {
      if (update.run() > 0) {
        return;
      }
      try {
        insert.run();
      } catch (SQLException e) {
        if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
          throw e;
        }
        update.run();
      }
    } catch (SQLException e) {
      throw new RiscStoreException(failure, e);
    }
  }

  private int update(String failure, String sql, Object... parameters) throws RiscStoreException {
    try {
      return execute(sql, parameters);
    } catch (SQLException e) {
      throw new RiscStoreException(failure, e);
    }
  }

  private int execute(String sql, Object... parameters) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        ps.setObject(i + 1, parameters[i]);
      }
      return ps.executeUpdate();
    }
  }

  private static OffsetDateTime timestamp(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
