package io.github.gmailoauth.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The corpus is what the browser tests take it for. */
class HostileMailCorpusTest {

  @Test
  void atLeastSixtyVectorsWithUniqueIdsAndADescriptionEach() {
    List<String> ids = new ArrayList<>();
    HostileMail.vectors().forEach(v -> ids.add(v.id()));
    HostileMail.mimeVectors().forEach(v -> ids.add(v.id()));
    assertTrue(ids.size() >= 60, ids.size() + " vectors");
    assertEquals(ids.size(), new HashSet<>(ids).size(), "ids are unique: " + ids);
    HostileMail.vectors()
        .forEach(
            v -> {
              assertTrue(v.id().matches("[a-z0-9-]+"), v.id());
              assertFalse(v.description().isBlank(), v.id());
              assertFalse(v.html().isBlank(), v.id());
            });
    HostileMail.mimeVectors().forEach(v -> assertFalse(v.description().isBlank(), v.id()));
  }

  @Test
  void everyCategoryTheIssueNamesIsThere() {
    Set<String> prefixes = new HashSet<>();
    HostileMail.vectors().forEach(v -> prefixes.add(v.id().substring(0, v.id().indexOf('-'))));
    assertEquals(
        Set.of(
            "owasp", "mxss", "svg", "enc", "form", "frame", "nav", "meta", "css", "remote",
            "script"),
        prefixes);
    assertTrue(HostileMail.mimeVectors().size() >= 10);
  }

  /**
   * Every host a vector names is a reserved .invalid one, never the app's or one Chromium calls on
   * its own (which the witness sets aside as background traffic).
   */
  @Test
  void vectorsReachOnlyForInvalidHosts() {
    Pattern host = Pattern.compile("(?i)(?:https?:)?//([a-z0-9.-]+)");
    List<String> texts = new ArrayList<>();
    HostileMail.vectors().forEach(v -> texts.add(v.id() + ": " + v.html()));
    HostileMail.mimeVectors()
        .forEach(
            v ->
                texts.add(
                    v.id()
                        + ": "
                        // quoted-printable soft line breaks (RFC 2045 section 6.7) joined again
                        + new String(v.rfc5322(), StandardCharsets.UTF_8).replace("=\r\n", "")));
    for (String text : texts) {
      Matcher m = host.matcher(text);
      while (m.find()) {
        String name = m.group(1).toLowerCase();
        if (name.equals("www.w3.org")) {
          continue; // an XML namespace name, never fetched
        }
        assertTrue(
            name.endsWith(HostileMail.REMOTE_HOST_SUFFIX) && !BrowserWitness.chromiumOwnHost(name),
            "host " + name + " in " + text.substring(0, text.indexOf(':')));
      }
    }
  }

  @Test
  void aMailOfAVectorCarriesItsHtmlExactly() throws Exception {
    HostileMail.Vector nul =
        HostileMail.vectors().stream()
            .filter(v -> v.id().equals("owasp-null-in-tag-name"))
            .findFirst()
            .orElseThrow();
    assertTrue(nul.html().contains("\0"));
    jakarta.mail.internet.MimeMessage parsed =
        new jakarta.mail.internet.MimeMessage(
            jakarta.mail.Session.getInstance(new java.util.Properties()),
            new java.io.ByteArrayInputStream(nul.asMime()));
    assertEquals(nul.html(), parsed.getContent());
    assertTrue(parsed.getContentType().startsWith("text/html"), parsed.getContentType());
    assertEquals("hostile owasp-null-in-tag-name", parsed.getSubject());
  }
}
