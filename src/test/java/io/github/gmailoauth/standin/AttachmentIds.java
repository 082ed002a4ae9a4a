package io.github.gmailoauth.standin;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Gmail's attachment ids, imitated: every {@code messages.get} issues a NEW id for the same
 * attachment ("Gmail attachment IDs are ephemeral and change between API calls for the same
 * message", github.com/taylorwilsdon/google_workspace_mcp/pull/237; "Gmail attachment IDs are
 * short-lived tokens ... The re-fetched message already contains a fresh attachment ID for the
 * part", github.com/dust-tt/dust/pull/27314), so an application cannot key anything on them.
 *
 * <p>An id is {@code base64url(nonce | partId | mac)}, the MAC (HMAC-SHA256 under a key of this
 * stand-in) binding message id, part id and nonce: every id ever issued for a part stays valid
 * without the stand-in remembering any, and an id for another message or a made-up one is refused
 * with Google's 404. (Real Gmail's ids may also go stale: attachments.get then fails with "invalid
 * attachment token", github.com/dust-tt/dust/pull/22105, status not recorded there. The stand-in
 * keeps issued ids valid, so a test failure always means the application used an id of the wrong
 * message or part.)
 */
final class AttachmentIds {

  private static final int NONCE_BYTES = 24;
  private static final int MAC_BYTES = 32;

  private final SecureRandom random;
  private final SecretKeySpec key;

  AttachmentIds(SecureRandom random) {
    this.random = random;
    byte[] k = new byte[32];
    random.nextBytes(k);
    this.key = new SecretKeySpec(k, "HmacSHA256");
  }

  /** A fresh id for the attachment at {@code partId} of the message. */
  String issue(String messageId, String partId) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] part = partId.getBytes(StandardCharsets.UTF_8);
    byte[] mac = mac(messageId, part, nonce);
    ByteBuffer b = ByteBuffer.allocate(NONCE_BYTES + part.length + MAC_BYTES);
    b.put(nonce).put(part).put(mac);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
  }

  /** The partId an id was issued for, or null when it is not one this stand-in issued. */
  String partId(String messageId, String attachmentId) {
    byte[] b;
    try {
      b = Base64.getUrlDecoder().decode(attachmentId);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (b.length < NONCE_BYTES + MAC_BYTES) {
      return null;
    }
    byte[] nonce = Arrays.copyOfRange(b, 0, NONCE_BYTES);
    byte[] part = Arrays.copyOfRange(b, NONCE_BYTES, b.length - MAC_BYTES);
    byte[] mac = Arrays.copyOfRange(b, b.length - MAC_BYTES, b.length);
    if (!MessageDigest.isEqual(mac, mac(messageId, part, nonce))) {
      return null;
    }
    return new String(part, StandardCharsets.UTF_8);
  }

  private byte[] mac(String messageId, byte[] part, byte[] nonce) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(messageId.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      mac.update(part);
      mac.update((byte) 0);
      mac.update(nonce);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
