package io.github.gmailoauth.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.oauth.AuthorizeServlet;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The catalogue as a whole: every problem it can produce is complete and consistent. The wording of
 * each page is asserted over HTTP by the tests of the journeys that meet it (ErrorPagesTest,
 * SignInFlowTest, MessagesPageTest, DisconnectTest ...).
 */
class ProblemsTest {
  private static final List<Integer> STATUSES =
      List.of(400, 401, 403, 404, 405, 409, 413, 414, 431, 500, 502, 503, 504);

  /** Every problem the catalogue's public methods make, with stand-in links and a 3 s wait. */
  private static List<Problem> everyProblem() throws Exception {
    List<Problem> all = new ArrayList<>();
    for (Method m : Problems.class.getDeclaredMethods()) {
      if (!Modifier.isPublic(m.getModifiers()) || m.getReturnType() != Problem.class) {
        continue;
      }
      if (m.getParameterTypes().length == 1 && m.getParameterTypes()[0] == int.class) {
        for (int status : STATUSES) {
          all.add((Problem) m.invoke(null, status));
        }
        continue;
      }
      if (m.getParameterTypes().length == 2 && m.getParameterTypes()[0] == int.class) {
        for (int status : STATUSES) {
          all.add((Problem) m.invoke(null, status, null));
          all.add(
              (Problem)
                  m.invoke(null, status, new RuntimeException(new java.sql.SQLException("down"))));
        }
        continue;
      }
      Object[] args = new Object[m.getParameterCount()];
      for (int i = 0; i < args.length; i++) {
        args[i] =
            m.getParameterTypes()[i] == Duration.class ? Duration.ofSeconds(3) : "/somewhere?a=b";
      }
      all.add((Problem) m.invoke(null, args));
    }
    return all;
  }

  @Test
  void everyProblemSaysWhatHappenedAndOffersAtMostOneConsistentWayForward() throws Exception {
    List<Problem> all = everyProblem();
    assertTrue(all.size() > 30, "the catalogue was read: " + all.size());
    for (Problem p : all) {
      assertFalse(p.title().isBlank(), p.toString());
      assertTrue(p.message().endsWith("."), "one or more full sentences: " + p);
      assertFalse(p.message().contains("null"), p.toString());
      assertEquals(
          p.linkPath() == null, p.linkText() == null, "a link has words, words have a link: " + p);
      assertTrue(
          p.linkPath() == null || p.linkPath().startsWith("/") && !p.linkPath().startsWith("//"),
          "links stay within the app: " + p);
      assertTrue(p.helpUrl() == null || p.helpUrl().startsWith("https://"), p.toString());
      assertTrue(p.retryAfter() == null || p.status() == 503, "Retry-After only on a 503: " + p);
      assertTrue(
          p.retryAfter() == null || p.retryAfter().matches("[1-9][0-9]*"), "delay-seconds: " + p);
    }
  }

  @Test
  void everyBriefOutageTheAppKnowsOfAsksToComeBack() throws Exception {
    for (Problem p : everyProblem()) {
      // The container's own 503 (a status alone, no cause known) is the one without a figure.
      if (p.status() == 503 && !p.equals(Problems.forStatus(503))) {
        assertTrue(p.retryAfter() != null, p.toString());
      }
    }
    assertEquals("5", Problems.databaseUnavailable().retryAfter());
  }

  @Test
  void anUncaughtDatabaseFailureAnywhereInTheCausesIsSaidAsSuch() {
    Exception deep =
        new IllegalStateException(
            new RuntimeException(new java.sql.SQLTransientConnectionException("x")));
    assertEquals(Problems.databaseUnavailable(), Problems.forUncaught(500, deep));
    assertEquals(
        Problems.forStatus(500),
        Problems.forUncaught(500, new IllegalStateException("not the database")));
    assertEquals(Problems.forStatus(404), Problems.forUncaught(404, null));
  }

  @Test
  void theSignInPageIsTheAuthorizeServlet() {
    assertEquals(AuthorizeServlet.PATH, Problems.SIGN_IN);
  }

  @Test
  void aBackOffIsAskedForInWholeSecondsRoundedUp() {
    assertEquals("1", Problems.tokenEndpointUnavailable(Duration.ZERO, "/").retryAfter());
    assertEquals("1", Problems.tokenEndpointUnavailable(Duration.ofMillis(1), "/").retryAfter());
    assertEquals("1", Problems.tokenEndpointUnavailable(Duration.ofMillis(1000), "/").retryAfter());
    assertEquals("2", Problems.tokenEndpointUnavailable(Duration.ofMillis(1001), "/").retryAfter());
    assertEquals("90", Problems.tokenEndpointUnavailable(Duration.ofSeconds(90), "/").retryAfter());
  }
}
