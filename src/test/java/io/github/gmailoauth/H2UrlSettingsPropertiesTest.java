package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Properties;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.h2.engine.ConnectionInfo;

/**
 * {@link H2UrlSettings} against H2's own URL parser ({@code org.h2.engine.ConnectionInfo}, the
 * driver's code, not this project's): whenever H2 would read a setting from a generated URL, the
 * app sees that name too, so a refused setting can never reach H2 under a spelling the app missed.
 */
class H2UrlSettingsPropertiesTest {
  /** Names H2 keeps as properties (USER and PASSWORD it takes out, so they are not compared). */
  private static final List<String> COMPARED =
      List.of(
          "AUTO_SERVER",
          "AUTO_SERVER_PORT",
          "FILE_LOCK",
          "INIT",
          "DATABASE_EVENT_LISTENER",
          "JAVA_OBJECT_SERIALIZER",
          "AUTHENTICATOR",
          "AUTHREALM",
          "MODE",
          "DB_CLOSE_ON_EXIT",
          "CACHE_SIZE",
          "IFEXISTS");

  @Property(tries = 2000)
  void everySettingH2ReadsTheAppReadsToo(@ForAll("h2Urls") String url) {
    ConnectionInfo h2;
    try {
      h2 = new ConnectionInfo(url, new Properties(), null, null);
    } catch (RuntimeException refusedByH2) {
      Statistics.label("H2 parses it").collect(false);
      return; // H2 would not open it at all
    }
    Statistics.label("H2 parses it").collect(true);
    for (String name : COMPARED) {
      if (h2.getProperty(name, (String) null) != null) {
        assertTrue(
            H2UrlSettings.names(url).contains(name),
            name + " read by H2, missed by the app in " + url);
        if (H2UrlSettings.REFUSED.contains(name)) {
          assertTrue(H2UrlSettings.namesARefusedSetting(url), url);
          Statistics.label("refused setting").collect(name);
        }
      }
    }
    Statistics.label("H2 parses it").coverage(c -> c.check(true).percentage(p -> p > 30));
  }

  @Provide
  Arbitrary<String> h2Urls() {
    Arbitrary<String> name = Arbitraries.of(COMPARED).flatMap(this::spellings);
    Arbitrary<String> value =
        Arbitraries.of(
            "TRUE",
            "1",
            "yes",
            "On",
            "SOCKET",
            "9090",
            "RUNSCRIPT FROM 'x'",
            "x\\;AUTO_SERVER=TRUE",
            "a=b",
            "PostgreSQL",
            "\\\\",
            "");
    Arbitrary<String> setting =
        Combinators.combine(name, Arbitraries.of("=", " = ", "="), value)
            .as((n, eq, v) -> n + eq + v);
    Arbitrary<String> noise = Arbitraries.strings().withChars(";=\\ _AUTOSERVINaſ").ofMaxLength(12);
    Arbitrary<String> piece = Arbitraries.frequencyOf(Tuple.of(8, setting), Tuple.of(1, noise));
    return Combinators.combine(
            Arbitraries.of("jdbc:h2:file:./data/x", "jdbc:h2:mem:x", "jdbc:h2:./x"),
            piece.list().ofMinSize(1).ofMaxSize(4),
            Arbitraries.of(";", ";;"))
        .as((base, pieces, separator) -> base + separator + String.join(separator, pieces));
  }

  /**
   * The name as someone might write it: any case, a long s for an s, backslashes before letters.
   */
  private Arbitrary<String> spellings(String name) {
    return Arbitraries.integers()
        .between(0, Integer.MAX_VALUE)
        .map(
            seed -> {
              java.util.Random random = new java.util.Random(seed);
              StringBuilder out = new StringBuilder();
              for (char c : name.toCharArray()) {
                if (random.nextInt(8) == 0) {
                  out.append('\\');
                }
                char written = random.nextBoolean() ? Character.toLowerCase(c) : c;
                out.append(written == 's' && random.nextInt(3) == 0 ? 'ſ' : written);
              }
              return out.toString();
            });
  }
}
