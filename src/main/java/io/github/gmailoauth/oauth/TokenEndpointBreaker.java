package io.github.gmailoauth.oauth;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * This node's circuit breaker in front of Google's token endpoint (Resilience4j's): when the
 * endpoint fails for many users at once, refreshes stop going out for a cool-down, then one probe
 * is let through (half-open) and its outcome closes the breaker or opens it again.
 *
 * <p>Each grant's own back-off (see {@link UserCredentials}) already spaces out one user's
 * attempts; the breaker bounds the sum over many users, who would otherwise each spend a first
 * attempt on an endpoint that is plainly down.
 *
 * <p>Only outages count as failures: 5xx, 429, timeouts, resets, unreadable answers. An OAuth error
 * answer ({@code invalid_grant}, {@code invalid_client}, another 4xx) shows the endpoint working.
 * Time is the app's {@link Clock}, both for the window and for the cool-down, so tests move it.
 */
final class TokenEndpointBreaker {
  private static final System.Logger LOG = System.getLogger(TokenEndpointBreaker.class.getName());

  /** Opens after this many calls in {@link #WINDOW}, every one of them failed... */
  static final int FAILURES = 5;

  /** ... within this window (Resilience4j's time-based window counts whole seconds). */
  static final Duration WINDOW = Duration.ofSeconds(30);

  /** How long refreshes are short-circuited before a probe may go. */
  static final Duration COOL_DOWN = Duration.ofSeconds(5);

  private final CircuitBreaker breaker;
  private final Clock clock;

  /** When the current cool-down ends; read for Retry-After. */
  private volatile Instant openUntil = Instant.MIN;

  TokenEndpointBreaker(Clock clock) {
    this.clock = clock;
    CircuitBreakerConfig config =
        CircuitBreakerConfig.custom()
            .slidingWindowType(SlidingWindowType.TIME_BASED)
            .slidingWindowSize((int) WINDOW.toSeconds())
            .minimumNumberOfCalls(FAILURES)
            .failureRateThreshold(100)
            .waitDurationInOpenState(COOL_DOWN)
            .permittedNumberOfCallsInHalfOpenState(1)
            // The window and the cool-down on the app's clock (the lock-free window would use the
            // system's).
            .slidingWindowSynchronizationStrategy(SlidingWindowSynchronizationStrategy.SYNCHRONIZED)
            .clock(clock)
            .currentTimestampFunction(Clock::millis, TimeUnit.MILLISECONDS)
            .build();
    breaker = CircuitBreaker.of("google-token-endpoint", config);
    // Published on the thread that caused the transition, before its call returns.
    breaker
        .getEventPublisher()
        .onStateTransition(
            event -> {
              switch (event.getStateTransition().getToState()) {
                case OPEN -> {
                  openUntil = clock.instant().plus(COOL_DOWN);
                  LOG.log(
                      Level.WARNING,
                      "Google''s token endpoint keeps failing: refreshes paused for {0} s on this node",
                      COOL_DOWN.toSeconds());
                }
                case CLOSED ->
                    LOG.log(
                        Level.INFO, "Google''s token endpoint answers again: refreshes resumed");
                default -> {}
              }
            });
  }

  /** Whether a call may go out now; if so, exactly one of the three reports below must follow. */
  boolean permits() {
    return breaker.tryAcquirePermission();
  }

  /**
   * How long until a probe may go, at least 1 ms: Resilience4j lets it through only once the clock
   * is strictly past the end of the cool-down. While a probe is out, 1 ms too.
   */
  Duration untilProbe() {
    Duration left = Duration.between(clock.instant(), openUntil).plusMillis(1);
    return left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left;
  }

  /** How long refreshes stay paused: {@link #untilProbe} while open, zero otherwise. */
  Duration pausedFor() {
    return breaker.getState() == CircuitBreaker.State.OPEN ? untilProbe() : Duration.ZERO;
  }

  /** The endpoint answered (a token, or an OAuth error). */
  void answered(long nanos) {
    breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
  }

  /** The endpoint failed: 5xx, timeout, reset, unreadable. */
  void failed(long nanos, Throwable failure) {
    breaker.onError(nanos, TimeUnit.NANOSECONDS, failure);
  }

  /** A permitted call was not made after all (e.g. another node took the lease first). */
  void notCalled() {
    breaker.releasePermission();
  }

  CircuitBreaker.State state() {
    return breaker.getState();
  }
}
