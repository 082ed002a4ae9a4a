package io.github.gmailoauth;

import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.json.JsonFactory;
import com.google.api.client.json.gson.GsonFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.github.gmailoauth.gmail.GmailClient;
import io.github.gmailoauth.gmail.Mailbox;
import io.github.gmailoauth.gmail.MailboxFailures;
import io.github.gmailoauth.gmail.MessagesPageModel;
import io.github.gmailoauth.gmail.MessagesServlet;
import io.github.gmailoauth.gmail.RowCache;
import io.github.gmailoauth.google.BoundedHttpTransport;
import io.github.gmailoauth.health.DatabaseReadiness;
import io.github.gmailoauth.health.HealthServlet;
import io.github.gmailoauth.health.ReadinessServlet;
import io.github.gmailoauth.metrics.AppMetrics;
import io.github.gmailoauth.metrics.ArrivalFilter;
import io.github.gmailoauth.metrics.MetricsServlet;
import io.github.gmailoauth.oauth.AuthorizeServlet;
import io.github.gmailoauth.oauth.ConsentLoop;
import io.github.gmailoauth.oauth.DisconnectServlet;
import io.github.gmailoauth.oauth.Disconnection;
import io.github.gmailoauth.oauth.GmailPermission;
import io.github.gmailoauth.oauth.GoogleOAuthClient;
import io.github.gmailoauth.oauth.OAuthCallbackServlet;
import io.github.gmailoauth.oauth.PendingAuthorizations;
import io.github.gmailoauth.oauth.SignInCompletion;
import io.github.gmailoauth.oauth.TokenStore;
import io.github.gmailoauth.oauth.UserCredentials;
import io.github.gmailoauth.reader.MessagePageModel;
import io.github.gmailoauth.reader.MessageReader;
import io.github.gmailoauth.reader.MessageServlet;
import io.github.gmailoauth.risc.JwksRetriever;
import io.github.gmailoauth.risc.RiscServlet;
import io.github.gmailoauth.risc.RiscStore;
import io.github.gmailoauth.risc.SecurityEventTokens;
import io.github.gmailoauth.risc.SecurityEvents;
import io.github.gmailoauth.web.CrossSiteRequestFilter;
import io.github.gmailoauth.web.ErrorServlet;
import io.github.gmailoauth.web.HomeServlet;
import io.github.gmailoauth.web.HttpMethodsFilter;
import io.github.gmailoauth.web.LogoutServlet;
import io.github.gmailoauth.web.Pages;
import io.github.gmailoauth.web.RequestIdFilter;
import io.github.gmailoauth.web.RequestIdLogging;
import io.github.gmailoauth.web.SecurityHeadersFilter;
import io.github.gmailoauth.web.SessionLoadFailures;
import io.github.gmailoauth.web.SessionStoreOutage;
import io.github.gmailoauth.web.SignedInSessions;
import io.github.gmailoauth.web.StaticServlet;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.SessionTrackingMode;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The composition root, read top to bottom as the architecture: configuration, database and
 * migrations, token store, Google clients, pages, then the servlets that use them. The same
 * listener starts the app in a deployed WAR (declared in web.xml) and in the embedded launcher.
 */
public final class GmailApp implements ServletContextListener {
  private static final System.Logger LOG = System.getLogger(GmailApp.class.getName());

  private final Clock clock;

  /** The settings the launcher read; null in a WAR, which reads them at each start. */
  private final AppConfig launcherConfig;

  /** The pool the launcher opened and closes; null in a WAR, which opens its own at each start. */
  private final DataSource launcherDataSource;

  /** Which sessions the launcher's session store failed to load; NONE in a WAR. */
  private final SessionLoadFailures sessionLoadFailures;

  /** The pool this listener opened itself (in a WAR), closed when the context stops. */
  private HikariDataSource ownDataSource;

  /**
   * The launcher's metrics (it closes them, and decides where /metrics is served); null in a WAR.
   */
  private final AppMetrics launcherMetrics;

  /** The metrics this listener started itself (in a WAR), closed when the context stops. */
  private AppMetrics ownMetrics;

  private boolean installedLogging;

  /**
   * Used by the servlet container for the WAR: the settings are the context's init-parameters
   * (after system properties and environment variables), read at start, and the pool is its own.
   */
  public GmailApp() {
    this.launcherConfig = null;
    this.launcherDataSource = null;
    this.sessionLoadFailures = SessionLoadFailures.NONE;
    this.clock = Clock.systemUTC();
    this.launcherMetrics = null;
  }

  /**
   * Used by the embedded launcher: {@code config}, already read; {@code dataSource}, opened from it
   * and migrated, which the launcher closes (its session store may share it); {@code
   * sessionLoadFailures}, which sessions that store failed to load ({@link
   * SessionLoadFailures#NONE} for sessions in memory); {@code metrics}, what the app counts ({@link
   * AppMetrics#OFF} for nothing), which the launcher serves and closes.
   */
  GmailApp(
      AppConfig config,
      DataSource dataSource,
      SessionLoadFailures sessionLoadFailures,
      Clock clock,
      AppMetrics metrics) {
    this.launcherMetrics = metrics;
    this.launcherConfig = config;
    this.launcherDataSource = dataSource;
    this.sessionLoadFailures = sessionLoadFailures;
    this.clock = clock;
  }

  @Override
  public void contextInitialized(ServletContextEvent event) {
    ServletContext context = event.getServletContext();
    AppConfig config =
        launcherConfig != null ? launcherConfig : AppConfig.load(context::getInitParameter);
    LOG.log(Level.INFO, "starting with {0}", config);
    DataSource dataSource = launcherDataSource;
    if (dataSource == null) {
      ownDataSource = Database.open(config);
      dataSource = ownDataSource;
    }
    // Issue 16: metrics, collected only when asked for (METRICS_TOKEN; the launcher's
    // METRICS_PORT).
    AppMetrics metrics = launcherMetrics;
    if (metrics == null) {
      ownMetrics = config.metricsToken() == null ? AppMetrics.OFF : AppMetrics.collecting();
      metrics = ownMetrics;
    }
    if (dataSource instanceof HikariDataSource pool) {
      metrics.watchPool(pool);
    }
    TokenStore store = new TokenStore(dataSource, config.tokenCipher(), clock);
    // Rows from before tokens were encrypted: encrypted now, before anything is served.
    store.encryptLegacyRows();

    HttpTransport transport = new BoundedHttpTransport();
    JsonFactory json = GsonFactory.getDefaultInstance();
    // Timeouts, no redirects, and the library's own request logging (which prints tokens) off.
    HttpRequestInitializer requestDefaults = BoundedHttpTransport.requestDefaults();
    GoogleOAuthClient google =
        new GoogleOAuthClient(
            config.clientRegistration(), transport, json, requestDefaults, clock, metrics);
    GmailClient gmail =
        new GmailClient(config.apiRootUrl(), transport, json, requestDefaults, metrics);
    UserCredentials credentials = new UserCredentials(store, google, clock, metrics);
    // Probes answer within 0.8 s even when the database hangs (typical probe timeouts are 1 s).
    DatabaseReadiness readiness =
        new DatabaseReadiness(
            dataSource, Database.newestMigration(dataSource), Duration.ofMillis(800));
    Pages pages = new Pages(metrics);
    GmailPermission gmailPermission = new GmailPermission(config.scopes());
    // Pending sign-ins live sealed in the browser, signed-in sessions are bound to a key only the
    // browser holds: both under keys derived from the token key, so every node agrees.
    PendingAuthorizations pendingAuthorizations =
        new PendingAuthorizations(config.tokenCipher(), config.https(), clock);
    // Cross-Account Protection (issue 16): what Google's security events decided, for every node.
    RiscStore riscStore = new RiscStore(dataSource);
    SignedInSessions signedInSessions =
        new SignedInSessions(
            config.tokenCipher().derivedKeys(SignedInSessions.KEY_INFO, "HmacSHA256"),
            config.sessionMaxAge(),
            config.https(),
            clock,
            riscStore);

    configureSessions(context, config.https());
    if (metrics.isOn()) {
      // Before everything: a page's time starts when the request reaches the app.
      context
          .addFilter("metrics-arrival", new ArrivalFilter(metrics))
          .addMappingForUrlPatterns(null, false, "/*");
    }
    // First: everything after it, error pages included, logs and answers with the request's id.
    context
        .addFilter("request-id", new RequestIdFilter())
        .addMappingForUrlPatterns(
            EnumSet.of(DispatcherType.REQUEST, DispatcherType.ERROR), false, "/*");
    context
        .addFilter(
            "security-headers", new SecurityHeadersFilter(config.authOrigin(), config.https()))
        .addMappingForUrlPatterns(null, false, "/*");
    context
        .addFilter("http-methods", new HttpMethodsFilter())
        .addMappingForUrlPatterns(null, false, "/*");
    context
        .addFilter(
            "cross-site-requests",
            // Google's POST /risc proves itself with a signed token, not a form token.
            new CrossSiteRequestFilter(config.appOrigin(), Set.of(RiscServlet.PATH)))
        .addMappingForUrlPatterns(null, false, "/*");
    // A session the database could not give back is an outage, not a sign-out.
    context
        .addFilter(
            "session-store-outage",
            new SessionStoreOutage(readiness::isReady, sessionLoadFailures, pages))
        .addMappingForUrlPatterns(null, false, "/*");
    // Before every servlet: decides once per request who it is signed in as.
    context
        .addFilter("signed-in-sessions", signedInSessions)
        .addMappingForUrlPatterns(null, false, "/*");
    context.addServlet("home", new HomeServlet(pages)).addMapping(HomeServlet.PATH);
    context.addServlet("static", new StaticServlet()).addMapping(StaticServlet.PATH);
    context
        .addServlet("authorize", new AuthorizeServlet(google, pendingAuthorizations))
        .addMapping(AuthorizeServlet.PATH);
    context
        .addServlet(
            "callback",
            new OAuthCallbackServlet(
                new SignInCompletion(google, store, riscStore::refusesSignIn),
                google,
                gmailPermission,
                pages,
                pendingAuthorizations,
                signedInSessions,
                readiness::isReady,
                metrics))
        .addMapping(OAuthCallbackServlet.PATH);
    // Dates are shown in the server's zone; "today" is the app clock's today there.
    RowCache rowCache =
        config.messageCacheBytes() == 0
            ? null
            : new RowCache(config.messageCacheBytes(), RowCache.IDLE);
    Mailbox mailbox = new Mailbox(credentials, gmail, gmailPermission, rowCache);
    MessagesPageModel listModel = new MessagesPageModel(clock, ZoneId.systemDefault());
    MailboxFailures mailboxFailures = new MailboxFailures(new ConsentLoop(clock), pages, metrics);
    context
        .addServlet("messages", new MessagesServlet(mailbox, listModel, mailboxFailures, pages))
        .addMapping(MessagesServlet.PATH);
    context
        .addServlet(
            "message",
            new MessageServlet(
                new MessageReader(mailbox, new MessagePageModel(listModel)),
                mailboxFailures,
                pages))
        .addMapping(MessageServlet.PATH);
    context
        .addServlet("logout", new LogoutServlet(signedInSessions, mailbox::forget))
        .addMapping(LogoutServlet.PATH);
    context
        .addServlet(
            "disconnect",
            new DisconnectServlet(new Disconnection(google, store, mailbox::forget), pages))
        .addMapping(DisconnectServlet.PATH);
    // Cross-Account Protection (issue 16): Google's security event tokens, verified and acted on.
    SecurityEvents securityEvents =
        new SecurityEvents(
            new SecurityEventTokens(
                config.riscJwksUri(),
                new JwksRetriever(),
                SecurityEventTokens.MIN_REFRESH_INTERVAL,
                Set.of(config.clientId()),
                clock),
            riscStore,
            store,
            mailbox::forget,
            config.sessionMaxAge(),
            clock,
            metrics);
    context.addServlet("risc", new RiscServlet(securityEvents)).addMapping(RiscServlet.PATH);
    context.addServlet("error", new ErrorServlet(pages)).addMapping(ErrorServlet.PATH);
    context.addServlet("health", new HealthServlet()).addMapping(HealthServlet.PATH);
    context
        .addServlet("readiness", new ReadinessServlet(readiness))
        .addMapping(ReadinessServlet.PATH);
    if (ownMetrics != null && ownMetrics.isOn()) {
      // In a WAR, on the app's own port, behind the token; the launcher mounts it itself.
      context
          .addServlet("metrics", new MetricsServlet(ownMetrics, config.metricsToken()))
          .addMapping(MetricsServlet.PATH);
    }
    // Last, so that a failed start leaves nothing behind in the JVM-wide logger.
    RequestIdLogging.install();
    installedLogging = true;
  }

  /**
   * Cookies only (never {@code ;jsessionid=} in a URL), not readable by script, and SameSite=Lax:
   * Strict would drop the cookie on the top-level redirect back from Google. Over https the cookie
   * is also Secure and named with the {@code __Host-} prefix, which browsers only accept when
   * Secure, host-only and for path "/", so no subdomain or plain-http page can plant or shadow it.
   *
   * <p>Without the https setting, Jetty still marks the cookie Secure on every request that arrived
   * secure (its session manager's "secure request only" default), which includes a request a TLS
   * proxy forwarded as https when forwarded headers are trusted. The {@code __Host-} name needs the
   * setting: a session's cookie must have one name whichever way a request arrives.
   */
  private static void configureSessions(ServletContext context, boolean https) {
    context.setSessionTrackingModes(EnumSet.of(SessionTrackingMode.COOKIE));
    context.setSessionTimeout(30);
    SessionCookieConfig cookie = context.getSessionCookieConfig();
    cookie.setHttpOnly(true);
    cookie.setAttribute("SameSite", "Lax");
    if (https) {
      cookie.setSecure(true);
      cookie.setName("__Host-JSESSIONID");
      cookie.setPath("/");
    }
  }

  @Override
  public void contextDestroyed(ServletContextEvent event) {
    if (installedLogging) {
      installedLogging = false;
      RequestIdLogging.uninstall();
    }
    if (ownDataSource != null) {
      ownDataSource.close();
    }
    if (ownMetrics != null) {
      ownMetrics.close();
      ownMetrics = null;
    }
  }
}
