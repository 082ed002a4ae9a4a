package io.github.gmailoauth.gmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** {@link Text#truncate} on the subjects, names and snippets Gmail sends: any string at all. */
class TextTest {

  @Test
  void controlsBecomeSpacesOrGoAndLongTextEndsInAnEllipsis() {
    assertEquals("a b c", Text.truncate("a\nb\tc", 10));
    assertEquals("ab", Text.truncate("a\u0000\u202Eb\u2066", 10));
    assertEquals("abc…", Text.truncate("abcdef", 3));
    assertEquals("", Text.truncate(null, 3));
    assertEquals("😀…", Text.truncate("😀😀", 1)); // code points, not chars
    assertEquals("x", Text.truncate("x\uD800", 5)); // a lone surrogate goes
  }

  @Property
  void theResultHoldsNoControlBidiOverrideOrLoneSurrogate(
      @ForAll @StringLength(max = 300) String s, @ForAll @IntRange(max = 200) int max) {
    String out = Text.truncate(s, max);
    for (int i = 0; i < out.length(); ) {
      int cp = out.codePointAt(i);
      i += Character.charCount(cp);
      assertTrue(
          Character.getType(cp) != Character.CONTROL, () -> "control " + Integer.toHexString(cp));
      assertTrue(
          Character.getType(cp) != Character.SURROGATE,
          () -> "lone surrogate " + Integer.toHexString(cp));
      assertTrue(
          Character.getDirectionality(cp) != Character.DIRECTIONALITY_RIGHT_TO_LEFT_OVERRIDE
              && Character.getDirectionality(cp) != Character.DIRECTIONALITY_LEFT_TO_RIGHT_OVERRIDE
              && Character.getDirectionality(cp) != Character.DIRECTIONALITY_RIGHT_TO_LEFT_EMBEDDING
              && Character.getDirectionality(cp) != Character.DIRECTIONALITY_LEFT_TO_RIGHT_EMBEDDING
              && Character.getDirectionality(cp) != Character.DIRECTIONALITY_POP_DIRECTIONAL_FORMAT
              && Character.getDirectionality(cp) != Character.DIRECTIONALITY_LEFT_TO_RIGHT_ISOLATE
              && Character.getDirectionality(cp) != Character.DIRECTIONALITY_RIGHT_TO_LEFT_ISOLATE
              && Character.getDirectionality(cp) != Character.DIRECTIONALITY_FIRST_STRONG_ISOLATE
              && Character.getDirectionality(cp)
                  != Character.DIRECTIONALITY_POP_DIRECTIONAL_ISOLATE,
          () -> "bidi control " + Integer.toHexString(cp));
    }
  }

  @Property
  void theResultIsAtMostMaxCodePointsAndAnEllipsis(
      @ForAll @StringLength(max = 300) String s, @ForAll @IntRange(max = 200) int max) {
    String out = Text.truncate(s, max);
    int points = out.codePointCount(0, out.length());
    assertTrue(points <= max || (points == max + 1 && out.endsWith("…")), out);
  }

  @Property
  void shortPrintableAsciiComesBackAsItWas(@ForAll("printableAscii") String s) {
    assertEquals(s, Text.truncate(s, 100));
  }

  @Property
  void truncatingTwiceChangesNothingMore(
      @ForAll @StringLength(max = 300) String s, @ForAll @IntRange(max = 200) int max) {
    String once = Text.truncate(s, max);
    assertEquals(once, Text.truncate(once, max + 1));
  }

  @Provide
  Arbitrary<String> printableAscii() {
    return Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(100);
  }
}
