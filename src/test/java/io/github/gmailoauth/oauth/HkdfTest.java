package io.github.gmailoauth.oauth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** HKDF-SHA256 against the test vectors of RFC 5869, Appendix A.1 to A.3. */
class HkdfTest {
  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  private static byte[] range(int from, int toInclusive) {
    byte[] b = new byte[toInclusive - from + 1];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (from + i);
    }
    return b;
  }

  @Test
  void rfc5869A1BasicCase() {
    assertArrayEquals(
        hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
        Hkdf.sha256(
            hex("000102030405060708090a0b0c"),
            hex("0b".repeat(22)),
            hex("f0f1f2f3f4f5f6f7f8f9"),
            42));
  }

  @Test
  void rfc5869A2LongerInputsAndOutput() {
    assertArrayEquals(
        hex(
            "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
                + "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
                + "cc30c58179ec3e87c14c01d5c1f3434f1d87"),
        Hkdf.sha256(range(0x60, 0xaf), range(0x00, 0x4f), range(0xb0, 0xff), 82));
  }

  @Test
  void rfc5869A3ZeroLengthSaltAndInfo() {
    byte[] expected =
        hex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
    assertArrayEquals(expected, Hkdf.sha256(new byte[0], hex("0b".repeat(22)), new byte[0], 42));
    assertArrayEquals(expected, Hkdf.sha256(null, hex("0b".repeat(22)), new byte[0], 42));
  }

  @Test
  void outputLengthIsBoundedByTheRfc() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Hkdf.sha256(null, new byte[32], new byte[0], 255 * 32 + 1));
    assertThrows(
        IllegalArgumentException.class, () -> Hkdf.sha256(null, new byte[32], new byte[0], 0));
  }
}
