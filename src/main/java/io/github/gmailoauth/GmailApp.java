package io.github.gmailoauth;

import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.JsonFactory;
import com.google.api.client.json.gson.GsonFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.github.gmailoauth.gmail.GmailClient;
import io.github.gmailoauth.gmail.MessagesServlet;
import io.github.gmailoauth.oauth.AuthorizeServlet;
import io.github.gmailoauth.oauth.GoogleOAuthClient;
import io.github.gmailoauth.oauth.OAuthCallbackServlet;
import io.github.gmailoauth.oauth.TokenStore;
import io.github.gmailoauth.oauth.UserCredentials;
import io.github.gmailoauth.web.HomeServlet;
import io.github.gmailoauth.web.LogoutServlet;
import io.github.gmailoauth.web.Pages;
import io.github.gmailoauth.web.SecurityHeadersFilter;
import io.github.gmailoauth.web.StaticServlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.SessionTrackingMode;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.EnumSet;

/**
 * The composition root, read top to bottom as the architecture: configuration, database and
 * migrations, token store, Google clients, pages, then the servlets that use them. The same
 * listener starts the app in a deployed WAR (declared in web.xml) and in the embedded launcher.
 */
public final class GmailApp implements ServletContextListener {
  private static final System.Logger LOG = System.getLogger(GmailApp.class.getName());
  /** Every call to Google gives up after this long rather than hold a request thread. */
  static final int GOOGLE_TIMEOUT_MILLIS = 10_000;

  private final Clock clock;
  private HikariDataSource dataSource;

  /** Used by the servlet container for the WAR. */
  public GmailApp() {
    this(Clock.systemUTC());
  }

  public GmailApp(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void contextInitialized(ServletContextEvent event) {
    ServletContext context = event.getServletContext();
    AppConfig config = AppConfig.load(context::getInitParameter);
    LOG.log(Level.INFO, "starting with {0}", config);

    dataSource = Database.open(config);
    TokenStore store = new TokenStore(dataSource, clock);

    HttpTransport transport = new NetHttpTransport();
    JsonFactory json = GsonFactory.getDefaultInstance();
    HttpRequestInitializer timeouts =
        request -> request.setConnectTimeout(GOOGLE_TIMEOUT_MILLIS).setReadTimeout(GOOGLE_TIMEOUT_MILLIS);
    GoogleOAuthClient google = new GoogleOAuthClient(config, transport, json, timeouts, clock);
    GmailClient gmail = new GmailClient(config.apiRootUrl(), transport, json, timeouts);
    UserCredentials credentials = new UserCredentials(store, google, clock);
    Pages pages = new Pages();

    configureSessions(context);
    context.addFilter("security-headers", new SecurityHeadersFilter(config.authOrigin())).addMappingForUrlPatterns(null, false, "/*");
    context.addServlet("home", new HomeServlet(pages)).addMapping(HomeServlet.PATH);
    context.addServlet("static", new StaticServlet()).addMapping(StaticServlet.PATH);
    context.addServlet("authorize", new AuthorizeServlet(google, clock)).addMapping(AuthorizeServlet.PATH);
    context.addServlet("callback", new OAuthCallbackServlet(google, store, pages, clock))
        .addMapping(OAuthCallbackServlet.PATH);
    context.addServlet("messages", new MessagesServlet(credentials, gmail, pages, clock))
        .addMapping(MessagesServlet.PATH);
    context.addServlet("logout", new LogoutServlet()).addMapping(LogoutServlet.PATH);
  }

  /**
   * Cookies only (never {@code ;jsessionid=} in a URL), not readable by script, and SameSite=Lax:
   * Strict would drop the cookie on the top-level redirect back from Google.
   */
  private static void configureSessions(ServletContext context) {
    context.setSessionTrackingModes(EnumSet.of(SessionTrackingMode.COOKIE));
    context.setSessionTimeout(30);
    SessionCookieConfig cookie = context.getSessionCookieConfig();
    cookie.setHttpOnly(true);
    cookie.setAttribute("SameSite", "Lax");
  }

  @Override
  public void contextDestroyed(ServletContextEvent event) {
    if (dataSource != null) {
      dataSource.close();
    }
  }
}
