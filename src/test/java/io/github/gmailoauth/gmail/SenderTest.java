package io.github.gmailoauth.gmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/**
 * {@link Sender#parse} on the From header Gmail passes on from whoever sent the mail: any string.
 */
class SenderTest {

  @Test
  void splitsTheUsualForms() {
    assertEquals(
        new Sender("Ada Lovelace", "ada@example.org"),
        Sender.parse("Ada Lovelace <ada@example.org>"));
    assertEquals(
        new Sender("Lovelace, Ada", "ada@example.org"),
        Sender.parse("\"Lovelace, Ada\" <ada@example.org>"));
    assertEquals(
        new Sender("say \"hi\"", "a@example.org"),
        Sender.parse("\"say \\\"hi\\\"\" <a@example.org>"));
    assertEquals(
        new Sender("ada@example.org", "ada@example.org"), Sender.parse("<ada@example.org>"));
    assertEquals(
        new Sender("ada@example.org", "ada@example.org"), Sender.parse("  ada@example.org  "));
    assertEquals(new Sender("", ""), Sender.parse(null));
  }

  @Property
  void anyHeaderGivesANameAndAnAddressThatAreNeverNullAndNeverPadded(
      @ForAll @StringLength(max = 500) String from) {
    Sender s = Sender.parse(from);
    assertNotNull(s.name());
    assertNotNull(s.address());
    assertEquals(s.address().strip(), s.address());
  }

  @Property
  void theAddressInAngleBracketsHoldsNoOpeningBracket(
      @ForAll @StringLength(max = 500) String from) {
    Sender s = Sender.parse(from);
    String value = from.strip();
    if (value.contains("<") && value.endsWith(">")) {
      assertFalse(s.address().contains("<"), s.address());
    } else {
      assertEquals(value, s.address());
      assertEquals(value, s.name());
    }
  }

  @Property
  void aQuotedNameAndAnAddressComeBackAsTheyWereWritten(
      @ForAll("names") String name, @ForAll("addresses") String address) {
    String quoted = "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    Sender s = Sender.parse(quoted + " <" + address + ">");
    assertEquals(address, s.address());
    assertEquals(name.isEmpty() ? address : name, s.name()); // no name: the address stands for it
  }

  @Provide
  Arbitrary<String> names() {
    // Printable text without angle brackets, as a display name in a quoted-string may be (RFC 5322
    // §3.2.4).
    return Arbitraries.strings()
        .withCharRange(' ', '~')
        .withChars("éü漢字")
        .ofMaxLength(40)
        .filter(n -> n.indexOf('<') < 0 && n.indexOf('>') < 0 && n.strip().equals(n));
  }

  @Provide
  Arbitrary<String> addresses() {
    Arbitrary<String> local =
        Arbitraries.strings()
            .withCharRange('a', 'z')
            .withChars("0123456789.+_-")
            .ofMinLength(1)
            .ofMaxLength(20);
    Arbitrary<String> domain =
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(15);
    return local.flatMap(l -> domain.map(d -> l + "@" + d + ".example"));
  }
}
