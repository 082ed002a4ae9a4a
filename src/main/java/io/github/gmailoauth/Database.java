package io.github.gmailoauth;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

/** Opens the connection pool and brings the schema up to date before anything uses it. */
final class Database {
  private Database() {}

  static HikariDataSource open(AppConfig config) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("gmail-oauth-webapp");
    hikari.setJdbcUrl(config.databaseUrl());
    if (config.databaseUser() != null) {
      hikari.setUsername(config.databaseUser());
    }
    if (config.databasePassword() != null) {
      hikari.setPassword(config.databasePassword());
    }
    hikari.setMaximumPoolSize(10);
    hikari.setConnectionTimeout(5_000);
    HikariDataSource dataSource = new HikariDataSource(hikari);
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .locations("classpath:db/migration")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    return dataSource;
  }
}
