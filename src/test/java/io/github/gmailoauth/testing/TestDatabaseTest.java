package io.github.gmailoauth.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL the tests run on is as strict as production: the app's role is no superuser, its
 * password is stored as SCRAM-SHA-256, and a wrong password is refused.
 */
class TestDatabaseTest {
  @TempDir Path dir;

  @Test
  void theAppsRoleIsAnOrdinaryRoleThatMustPresentItsScramPassword() throws Exception {
    TestDatabase.Connect db = TestDatabase.POSTGRESQL.create(dir);
    try (Connection c = db.open();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user")) {
      assertTrue(rs.next());
      assertFalse(rs.getBoolean(1), "superuser");
      assertFalse(rs.getBoolean(2), "createdb");
      assertFalse(rs.getBoolean(3), "createrole");
    }
    try (Connection admin = TestDatabase.Postgres.admin();
        PreparedStatement ps =
            admin.prepareStatement("SELECT rolpassword FROM pg_authid WHERE rolname = ?")) {
      ps.setString(1, db.user());
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        assertTrue(rs.getString(1).startsWith("SCRAM-SHA-256$"), "stored as a SCRAM verifier");
      }
    }
    SQLException refused =
        assertThrows(
            SQLException.class,
            () -> DriverManager.getConnection(db.url(), db.user(), db.password() + "x").close());
    assertEquals("28P01", refused.getSQLState(), "invalid_password");
  }
}
