package io.github.gmailoauth.oauth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The grants table: one row per Google user id. Every statement is prepared; every write is one
 * transaction; a stored refresh token is never overwritten with null (Google leaves it out of
 * later answers, and losing it would force the user through consent again).
 */
public final class TokenStore {
  private final DataSource dataSource;
  private final Clock clock;

  public TokenStore(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /** Thrown when the database cannot be used; the message never carries a token. */
  public static final class StoreException extends RuntimeException {
    StoreException(String message, SQLException cause) {
      super(message, cause);
    }
  }

  public Optional<Grant> find(String userId) {
    String sql =
        "SELECT user_id, email, refresh_token, scopes, access_token, access_token_expires_at,"
            + " created_at, updated_at FROM google_grant WHERE user_id = ?";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, userId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new Grant(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                instant(rs, 6),
                instant(rs, 7),
                instant(rs, 8)));
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the grant", e);
    }
  }

  /**
   * Saves what a completed sign-in produced. {@code refreshToken} may be null (Google sends one
   * only on consent): then the stored one is kept, and false is returned when there is none, so
   * the caller can send the user through consent again.
   */
  public boolean saveSignIn(
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
        "UPDATE google_grant SET email = ?, refresh_token = COALESCE(?, refresh_token),"
            + " scopes = ?, access_token = ?, access_token_expires_at = ?,"
            + " version = version + 1, updated_at = ? WHERE user_id = ?";
    String insert =
        "INSERT INTO google_grant (user_id, email, refresh_token, scopes, access_token,"
            + " access_token_expires_at, version, created_at, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)";
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        int updated;
        try (PreparedStatement ps = c.prepareStatement(update)) {
          ps.setString(1, email);
          ps.setString(2, refreshToken);
          ps.setString(3, scopes);
          ps.setString(4, accessToken);
          ps.setObject(5, timestamp(accessTokenExpiresAt));
          ps.setObject(6, timestamp(now));
          ps.setString(7, userId);
          updated = ps.executeUpdate();
        }
        if (updated == 0) {
          if (refreshToken == null) {
            c.rollback();
            return false;
          }
          try (PreparedStatement ps = c.prepareStatement(insert)) {
            ps.setString(1, userId);
            ps.setString(2, email);
            ps.setString(3, refreshToken);
            ps.setString(4, scopes);
            ps.setString(5, accessToken);
            ps.setObject(6, timestamp(accessTokenExpiresAt));
            ps.setObject(7, timestamp(now));
            ps.setObject(8, timestamp(now));
            ps.executeUpdate();
          }
        }
        c.commit();
        return true;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot save the grant", e);
    }
  }

  /**
   * Keeps a freshly refreshed access token; a rotated refresh token replaces the stored one, a
   * null one keeps it.
   */
  public void saveRefreshed(
      String userId, String accessToken, Instant accessTokenExpiresAt, String newRefreshToken) {
    String sql =
        "UPDATE google_grant SET access_token = ?, access_token_expires_at = ?,"
            + " refresh_token = COALESCE(?, refresh_token), version = version + 1, updated_at = ?"
            + " WHERE user_id = ?";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, accessToken);
      ps.setObject(2, timestamp(accessTokenExpiresAt));
      ps.setString(3, newRefreshToken);
      ps.setObject(4, timestamp(clock.instant()));
      ps.setString(5, userId);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot save the refreshed token", e);
    }
  }

  /** Forgets the cached access token (Google refused it), keeping the refresh token. */
  public void forgetAccessToken(String userId) {
    String sql =
        "UPDATE google_grant SET access_token = NULL, access_token_expires_at = NULL,"
            + " version = version + 1, updated_at = ? WHERE user_id = ?";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, timestamp(clock.instant()));
      ps.setString(2, userId);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot update the grant", e);
    }
  }

  public void delete(String userId) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM google_grant WHERE user_id = ?")) {
      ps.setString(1, userId);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot delete the grant", e);
    }
  }

  private static OffsetDateTime timestamp(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
