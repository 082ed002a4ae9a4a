package io.github.gmailoauth;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The setting names in an H2 URL ({@code jdbc:h2:name;KEY=VALUE;KEY=VALUE}), read the way H2 2.x
 * reads them ({@code ConnectionInfo.readSettingsFromURL}): everything after the first {@code ;},
 * split at {@code ;}, where a backslash takes the next character literally (in names too, so {@code
 * AUTO\_SERVER} is AUTO_SERVER), and each name upper-cased with Java's English rules (so {@code ſ}
 * is an S). Spaces around a name, which H2 would refuse, are dropped here so that the name still
 * counts. H2's parser is internal to the driver and throws on what it does not know, so the app
 * reads the names itself; {@code H2UrlSettingsPropertiesTest} holds this against H2's own.
 */
final class H2UrlSettings {
  /**
   * Settings that open a port (AUTO_SERVER, AUTO_SERVER_PORT, FILE_LOCK=SOCKET) or run code: INIT
   * runs SQL, which can create Java aliases or RUNSCRIPT from a URL; DATABASE_EVENT_LISTENER and
   * JAVA_OBJECT_SERIALIZER name classes to load; AUTHENTICATOR, AUTHREALM and AUTHZPWD set up a
   * pluggable authenticator. Refused whatever their value.
   */
  static final Set<String> REFUSED =
      Set.of(
          "AUTO_SERVER",
          "AUTO_SERVER_PORT",
          "FILE_LOCK",
          "INIT",
          "DATABASE_EVENT_LISTENER",
          "JAVA_OBJECT_SERIALIZER",
          "AUTHENTICATOR",
          "AUTHREALM",
          "AUTHZPWD");

  private H2UrlSettings() {}

  /**
   * The names of the settings in {@code url}, upper-cased as H2 does; empty without a {@code ;}.
   */
  static Set<String> names(String url) {
    Set<String> names = new LinkedHashSet<>();
    int start = url.indexOf(';');
    if (start < 0) {
      return names;
    }
    StringBuilder setting = new StringBuilder();
    for (int i = start + 1; i <= url.length(); i++) {
      char c = i < url.length() ? url.charAt(i) : ';';
      if (c == ';') {
        addName(setting, names);
        setting.setLength(0);
      } else if (c == '\\' && i + 1 < url.length()) {
        setting.append(url.charAt(++i));
      } else {
        setting.append(c);
      }
    }
    return names;
  }

  private static void addName(StringBuilder setting, Set<String> names) {
    int equals = setting.indexOf("=");
    String name = (equals < 0 ? setting.toString() : setting.substring(0, equals)).strip();
    if (!name.isEmpty()) {
      names.add(name.toUpperCase(Locale.ENGLISH));
    }
  }

  /** Whether {@code url} names any of the {@link #REFUSED} settings. */
  static boolean namesARefusedSetting(String url) {
    return names(url).stream().anyMatch(REFUSED::contains);
  }
}
