package io.github.gmailoauth;

import io.github.gmailoauth.web.SessionLoadFailures;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import javax.sql.DataSource;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.session.DatabaseAdaptor;
import org.eclipse.jetty.session.DefaultSessionCache;
import org.eclipse.jetty.session.JDBCSessionDataStore;
import org.eclipse.jetty.session.SessionCache;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.UnreadableSessionDataException;
import org.eclipse.jetty.util.ClassLoadingObjectInputStream;

/**
 * HTTP sessions kept in the app's database ({@code SESSION_STORE=jdbc}), so that every node serves
 * every browser session and no load balancer stickiness is needed. Embedded launcher only; a stock
 * Jetty gets the same from its {@code session-store-jdbc} module (see the README).
 *
 * <p>Jetty's {@link JDBCSessionDataStore} writes the session's attributes with Java serialisation
 * into its {@code JettySessions} table and reads them back on any node. A row is data from the
 * database, not from this process, so reading it back goes through {@link #SESSION_CONTENTS}: only
 * the classes the app itself keeps in a session, a small size and a shallow depth.
 */
final class SharedSessions {
  private SharedSessions() {}

  /** The most a stored session may weigh; the app's own weigh about 0.4 KB. */
  static final int MAX_SESSION_BYTES = 64 * 1024;

  /**
   * What a stored session may contain: Jetty's attribute count (an Integer), the app's session
   * values (SignedInSession, Strings, Instants, which serialise as java.time.Ser), and nothing
   * else. Pending sign-ins are not among them: they live sealed in the browser's cookie. Limits: 64
   * KiB per session, depth 8, 1,000 objects, arrays of at most 64.
   */
  static final ObjectInputFilter SESSION_CONTENTS =
      ObjectInputFilter.Config.createFilter(
          "maxbytes="
              + MAX_SESSION_BYTES
              + ";maxdepth=8;maxrefs=1000;maxarray=64;"
              + "java.lang.Integer;java.lang.Number;java.time.Ser;java.time.Instant;"
              + "io.github.gmailoauth.web.SignedInSession;"
              + "!*");

  /** Once a minute at most a session is written only because it was used (its access time). */
  static final int SAVE_PERIOD_SECONDS = 60;

  /**
   * A session handler whose sessions live in {@code dataSource}'s {@code JettySessions} table
   * (created by Jetty when missing). Nothing is cached between requests: each request reads the row
   * and, if it changed the session, writes it back before the response is committed, so the next
   * request may go to any node, even while this one is still finishing.
   */
  static SessionHandler handler(DataSource dataSource) {
    return handler(dataSource, SessionLoadFailures.NONE);
  }

  /**
   * As {@link #handler(DataSource)}, telling {@code loadFailures} which sessions failed to load.
   */
  static SessionHandler handler(DataSource dataSource, SessionLoadFailures loadFailures) {
    SessionHandler sessions = new SessionHandler();
    DefaultSessionCache cache = new DefaultSessionCache(sessions);
    cache.setEvictionPolicy(SessionCache.EVICT_ON_SESSION_EXIT);
    cache.setSaveOnCreate(true);
    cache.setFlushOnResponseCommit(true);
    // A row that fails the filter (or is corrupt) is deleted rather than refused on every request.
    cache.setRemoveUnloadableSessions(true);

    DatabaseAdaptor database = new DatabaseAdaptor();
    database.setDatasource(dataSource);
    JDBCSessionDataStore store = new FilteredJdbcSessionDataStore(loadFailures);
    store.setDatabaseAdaptor(database);
    store.setSavePeriodSec(SAVE_PERIOD_SECONDS);
    cache.setSessionDataStore(store);
    sessions.setSessionCache(cache);
    return sessions;
  }

  /**
   * Jetty's JDBC store, reading every session through {@link #SESSION_CONTENTS} and refusing one
   * over {@link #MAX_SESSION_BYTES} (the filter's own byte limit is only checked between objects,
   * so one long string would slip past it).
   */
  static final class FilteredJdbcSessionDataStore extends JDBCSessionDataStore {
    private final SessionLoadFailures loadFailures;

    FilteredJdbcSessionDataStore(SessionLoadFailures loadFailures) {
      this.loadFailures = loadFailures;
    }

    /**
     * Jetty logs a failed load ("Unable to get Session") and serves the request without a session;
     * the app must know it was the database, not an unknown id. A row refused as unreadable is not
     * a database failure: it is deleted, and the browser is simply not signed in.
     */
    @Override
    public SessionData doLoad(String id) throws Exception {
      try {
        SessionData data = super.doLoad(id);
        loadFailures.loaded(id);
        return data;
      } catch (UnreadableSessionDataException unreadable) {
        loadFailures.loaded(id);
        throw unreadable;
      } catch (Exception e) {
        loadFailures.failed(id);
        throw e;
      }
    }

    @Override
    protected ObjectInputStream newObjectInputStream(InputStream is) throws IOException {
      ObjectInputStream in = new ClassLoadingObjectInputStream(new AtMost(is, MAX_SESSION_BYTES));
      in.setObjectInputFilter(SESSION_CONTENTS);
      return in;
    }
  }

  /** A stream that fails once more than {@code limit} bytes were read from it. */
  private static final class AtMost extends FilterInputStream {
    private long remaining;

    AtMost(InputStream in, long limit) {
      super(in);
      this.remaining = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count(skipped);
      return skipped;
    }

    private void count(long n) throws IOException {
      remaining -= n;
      if (remaining < 0) {
        throw new IOException("a stored session is larger than " + MAX_SESSION_BYTES + " bytes");
      }
    }
  }
}
