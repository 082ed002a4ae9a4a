package io.github.gmailoauth.metrics;

import com.google.api.client.http.HttpResponseException;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.ServletRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The app's metrics: one method per thing that happened, named for what happened, so that callers
 * never build a meter, pick a name or choose a label. {@link #OFF} (no metrics setting) does
 * nothing at all, at the cost of one field read per call, so that the bench can compare the two.
 *
 * <p>Every label value is one of a fixed, small set chosen here ({@link SignIn}, {@link Refresh},
 * {@link #UPSTREAM_CALLS}, the template names of the code): never a user id, address, token, query,
 * message id or URL, and never a string that came from a request or from Google.
 *
 * <p>Every name starts with {@value #PREFIX}; the pool's ({@code hikaricp_...}) and the JVM's
 * ({@code jvm_...}) come from HikariCP's and Micrometer's own binders under their usual names.
 */
public final class AppMetrics implements AutoCloseable {
  /** The prefix of the app's own meter names ({@code gmailoauth_} in Prometheus). */
  public static final String PREFIX = "gmailoauth";

  /** Collects nothing and scrapes to nothing: metrics are off. */
  public static final AppMetrics OFF = new AppMetrics(null);

  /** Every upstream call's name: the only values of the {@code call} label. */
  public static final Set<String> UPSTREAM_CALLS =
      Set.of(
          "token",
          "userinfo",
          "list",
          "batch",
          "get",
          "history",
          "profile",
          "attachment",
          "revoke");

  /**
   * Every call to Google is bounded by 10 s; the histogram's buckets span 1 ms to that (percentile
   * histograms outside the range only count in +Inf), which keeps a series to about 50 buckets.
   */
  private static final Duration UPSTREAM_MIN = Duration.ofMillis(1);

  private static final Duration UPSTREAM_MAX = Duration.ofSeconds(10);

  /** How a sign-in (a visit of {@code /oauth2callback}) ended. */
  public enum SignIn {
    /** Signed in: a session started with a saved grant. */
    COMPLETED,
    /** The person pressed Cancel at Google ({@code error=access_denied}). */
    DENIED,
    /** No sign-in of this browser has that {@code state}: forged, replayed, expired or lost. */
    STATE_REFUSED,
    /** Google answered with another error, or without a code, or with repeated parameters. */
    ERROR_AT_GOOGLE,
    /** The code exchange or the userinfo call failed, or Google refused the client. */
    EXCHANGE_FAILED,
    /** No refresh token in the answer and none stored: through consent once more. */
    NO_REFRESH_TOKEN,
    /** The grant or the session could not be saved (the database). */
    NOT_SAVED;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How a refresh of an access token ended (asked for because the stored one was not fresh). */
  public enum Refresh {
    /** This request refreshed at Google and stored the new token. */
    REFRESHED,
    /** Another request or another node had refreshed meanwhile: its token was used. */
    REUSED,
    /** Google refused the refresh token ({@code invalid_grant}): consent again. */
    INVALID_GRANT,
    /** The token endpoint failed (5xx, timeout, unreadable), or refused the client. */
    UNAVAILABLE,
    /** Not tried: the grant is backing off, or this node's breaker paused refreshes. */
    DEFERRED;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A call to Google, timed by {@link #upstream}. */
  public interface UpstreamCall<T> {
    T execute() throws IOException;
  }

  private final PrometheusMeterRegistry registry;
  private final Map<SignIn, Counter> signIns = new EnumMap<>(SignIn.class);
  private final Map<Refresh, Counter> refreshes = new EnumMap<>(Refresh.class);
  private final Map<String, Timer> upstream = new ConcurrentHashMap<>();
  private final Map<String, Timer> pages = new ConcurrentHashMap<>();
  private final Map<String, Timer> renders = new ConcurrentHashMap<>();
  private final Counter consentAgain;
  private final Counter retries;
  private final Counter backoffSeconds;
  private final Counter busy;
  private final JvmGcMetrics gc;

  private AppMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    if (registry == null) {
      consentAgain = null;
      retries = null;
      backoffSeconds = null;
      busy = null;
      gc = null;
      return;
    }
    // Every outcome from the start, at 0: a rate() over a series that appears only with its first
    // event misses that event, and alerts need the series to exist.
    for (SignIn outcome : SignIn.values()) {
      signIns.put(
          outcome,
          Counter.builder(PREFIX + ".signins")
              .description("Sign-ins (visits of /oauth2callback) by how they ended")
              .tag("outcome", outcome.label())
              .register(registry));
    }
    for (Refresh outcome : Refresh.values()) {
      refreshes.put(
          outcome,
          Counter.builder(PREFIX + ".token.refreshes")
              .description("Access-token refreshes by outcome")
              .tag("outcome", outcome.label())
              .register(registry));
    }
    consentAgain =
        Counter.builder(PREFIX + ".consent.again")
            .description("Signed-in people sent through Google's consent again (grant refused)")
            .register(registry);
    retries =
        Counter.builder(PREFIX + ".gmail.retries")
            .description("Gmail calls sent again after a slow-down or 5xx answer")
            .register(registry);
    backoffSeconds =
        Counter.builder(PREFIX + ".gmail.backoff.seconds")
            .description("Time spent waiting before those retries")
            .register(registry);
    busy =
        Counter.builder(PREFIX + ".gmail.busy")
            .description("Pages given up on because Gmail stayed busy past the back-off budget")
            .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
  }

  /** Metrics collected from now on, for {@link #scrape} to answer. */
  public static AppMetrics collecting() {
    return new AppMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /** Whether anything is collected ({@link #OFF} answers false). */
  public boolean isOn() {
    return registry != null;
  }

  public void signIn(SignIn outcome) {
    if (registry != null) {
      signIns.get(outcome).increment();
    }
  }

  /** A signed-in person's grant was refused and they are sent through consent again. */
  public void consentNeededAgain() {
    if (registry != null) {
      consentAgain.increment();
    }
  }

  public void refresh(Refresh outcome) {
    if (registry != null) {
      refreshes.get(outcome).increment();
    }
  }

  /**
   * Runs {@code call}, one call to Google named {@code name} (one of {@link #UPSTREAM_CALLS}), and
   * times it with the class of its status: what it answered, the status of the HTTP error it threw,
   * or {@code io_error} when no usable answer came (timeout, reset, an unreadable body).
   */
  public <T> T upstream(String name, UpstreamCall<T> call) throws IOException {
    if (registry == null) {
      return call.execute();
    }
    long started = System.nanoTime();
    int status = -1;
    try {
      T answer = call.execute();
      status = 200;
      return answer;
    } catch (HttpResponseException e) {
      status = e.getStatusCode();
      throw e;
    } finally {
      upstreamCall(name, status, System.nanoTime() - started);
    }
  }

  /**
   * One call to Google named {@code name} (one of {@link #UPSTREAM_CALLS}) that answered {@code
   * status} (negative: no usable answer) after {@code nanos}.
   */
  public void upstreamCall(String name, int status, long nanos) {
    if (registry == null) {
      return;
    }
    if (!UPSTREAM_CALLS.contains(name)) {
      throw new IllegalArgumentException("not an upstream call's name: " + name);
    }
    String statusClass = statusClass(status);
    upstream
        .computeIfAbsent(
            name + ' ' + statusClass,
            key ->
                Timer.builder(PREFIX + ".upstream")
                    .description(
                        "Calls to Google (token, userinfo, Gmail, revoke) by call and status")
                    .tag("call", name)
                    .tag("status", statusClass)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(UPSTREAM_MIN)
                    .maximumExpectedValue(UPSTREAM_MAX)
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** 2xx, 3xx, 4xx, 5xx or io_error: four values and one, whatever the status. */
  static String statusClass(int status) {
    if (status >= 200 && status < 600) {
      return (status / 100) + "xx";
    }
    return "io_error";
  }

  /** A Gmail call will be sent again after waiting {@code waitMillis}. */
  public void retryAfterBackoff(long waitMillis) {
    if (registry != null) {
      retries.increment();
      backoffSeconds.increment(waitMillis / 1000.0);
    }
  }

  /** Gmail stayed busy for longer than a page may wait: the page says so. */
  public void gaveUpOnBusyGmail() {
    if (registry != null) {
      busy.increment();
    }
  }

  /**
   * A page was rendered from {@code template} (a name from the code, e.g. {@code messages.jte}) in
   * {@code renderNanos}; the time since the request reached the app too, when {@link
   * #requestArrived} marked it.
   */
  public void pageRendered(ServletRequest request, String template, long renderNanos) {
    if (registry == null) {
      return;
    }
    String page =
        template.endsWith(".jte") ? template.substring(0, template.length() - 4) : template;
    renders
        .computeIfAbsent(page, p -> pageTimer(PREFIX + ".page.render", p, "Template rendering"))
        .record(renderNanos, TimeUnit.NANOSECONDS);
    if (request.getAttribute(ARRIVED) instanceof Long arrived) {
      pages
          .computeIfAbsent(
              page,
              p ->
                  pageTimer(
                      PREFIX + ".page",
                      p,
                      "From the request reaching the app to its page rendered, Google's calls included"))
          .record(System.nanoTime() - arrived, TimeUnit.NANOSECONDS);
    }
  }

  private Timer pageTimer(String name, String page, String description) {
    return Timer.builder(name)
        .description(description)
        .tag("page", page)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(100_000))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
  }

  /** The request attribute holding when the request reached the app ({@link System#nanoTime}). */
  static final String ARRIVED = AppMetrics.class.getName() + ".arrived";

  /** Marks when {@code request} reached the app, for {@link #pageRendered}. */
  public void requestArrived(ServletRequest request) {
    if (registry != null) {
      request.setAttribute(ARRIVED, System.nanoTime());
    }
  }

  /**
   * The pool's own metrics through HikariCP's Micrometer tracker ({@code
   * hikaricp_connections_...}). HikariCP takes a tracker once, also after the pool started.
   */
  public void watchPool(HikariDataSource pool) {
    if (registry != null) {
      pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
    }
  }

  /**
   * The HTTP sessions this node holds, as {@code sessions} says when scraped; only where the store
   * can tell (sessions in memory). The app creates a session at sign-in only, so this is about the
   * number of people signed in on this node.
   */
  public void watchSessions(Supplier<Number> sessions) {
    if (registry != null) {
      Gauge.builder(PREFIX + ".sessions", sessions)
          .description("HTTP sessions held in this node's memory (created at sign-in)")
          .strongReference(true)
          .register(registry);
    }
  }

  /**
   * Metrics a library's own binder keeps (the embedded launcher's Jetty thread pool, {@code
   * jetty_threads_...}); nothing when off.
   */
  public void watch(MeterBinder binder) {
    if (registry != null) {
      binder.bindTo(registry);
    }
  }

  /**
   * A security event received (issue 16, RISC): {@code type} and {@code outcome} are short names
   * the caller chose from its own fixed set (never a string from the event itself); anything else
   * is counted as {@code other}.
   */
  public void securityEvent(String type, String outcome) {
    if (registry != null) {
      Counter.builder(PREFIX + ".security.events")
          .description("Security events received, by type and what was done")
          .tag("type", shortName(type))
          .tag("outcome", shortName(outcome))
          .register(registry)
          .increment();
    }
  }

  private static String shortName(String s) {
    return s != null && s.matches("[a-z][a-z0-9_]{0,39}") ? s : "other";
  }

  /** Prometheus's text format. */
  public static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /** OpenMetrics' text format. */
  public static final String OPEN_METRICS =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";

  /** The format a scraper that sent {@code accept} gets: OpenMetrics when it asks for it. */
  public static String contentTypeFor(String accept) {
    return accept != null && accept.contains("application/openmetrics-text") ? OPEN_METRICS : TEXT;
  }

  /** Everything collected, in {@code contentType} ({@link #TEXT} or {@link #OPEN_METRICS}). */
  public String scrape(String contentType) {
    if (registry == null) {
      throw new IllegalStateException("metrics are off");
    }
    return registry.scrape(contentType);
  }

  @Override
  public void close() {
    if (registry != null) {
      gc.close();
      registry.close();
    }
  }
}
