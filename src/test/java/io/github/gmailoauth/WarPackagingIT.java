package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** Runs after `mvn package` (failsafe): what the WAR carries, and what it must never carry. */
class WarPackagingIT {
  static final Path WAR = Path.of("target", "gmail-oauth-webapp.war");

  @Test
  void theWarCarriesTheAppButNoContainerNoStandInAndNoDemo() throws Exception {
    assertTrue(Files.isRegularFile(WAR), "run `mvn package` first: " + WAR.toAbsolutePath());
    try (JarFile war = new JarFile(WAR.toFile())) {
      List<String> names = war.stream().map(ZipEntry::getName).toList();
      assertTrue(names.contains("WEB-INF/web.xml"));
      assertTrue(names.contains("WEB-INF/classes/io/github/gmailoauth/GmailApp.class"));
      assertTrue(names.contains("WEB-INF/classes/db/migration/V1__google_grant.sql"));
      assertTrue(names.contains("WEB-INF/classes/static/app.css"));
      assertTrue(
          names.stream()
              .anyMatch(n -> n.startsWith("WEB-INF/classes/gg/jte/generated/precompiled/")),
          "templates are precompiled into the WAR");
      List<String> libs = names.stream().filter(n -> n.startsWith("WEB-INF/lib/")).toList();
      assertTrue(libs.stream().anyMatch(n -> n.contains("jte-runtime")), libs.toString());
      assertTrue(
          libs.stream().noneMatch(n -> n.contains("jte-3") || n.contains("jte-maven")),
          "only jte's runtime ships");
      // HikariCP's SLF4J lines need a provider in the WAR (the WAR's own, to java.util.logging),
      // and exactly one: a second one would make SLF4J pick at random.
      assertEquals(
          List.of("WEB-INF/lib/slf4j-jdk14-" + slf4jApiVersion(libs) + ".jar"),
          libs.stream().filter(n -> n.contains("slf4j") && !n.contains("slf4j-api")).toList(),
          "one SLF4J provider, of slf4j-api's version: " + libs);
      assertEquals(
          List.of(),
          libs.stream().filter(n -> n.contains("jetty") || n.contains("servlet-api")).toList(),
          "the container's own jars must not be in WEB-INF/lib");
      assertEquals(
          List.of(),
          names.stream()
              .filter(
                  n ->
                      n.contains("standin")
                          || n.contains("selenium")
                          || n.contains("junit")
                          || n.contains("mockito"))
              .toList(),
          "no test code, no stand-in Google");
    }
  }

  private static String slf4jApiVersion(List<String> libs) {
    String prefix = "WEB-INF/lib/slf4j-api-";
    return libs.stream()
        .filter(n -> n.startsWith(prefix))
        .findFirst()
        .map(n -> n.substring(prefix.length(), n.length() - ".jar".length()))
        .orElseThrow(() -> new AssertionError("HikariCP's slf4j-api is not in the WAR: " + libs));
  }
}
