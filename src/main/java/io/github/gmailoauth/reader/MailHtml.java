package io.github.gmailoauth.reader;

import java.util.Map;

/**
 * Turns a message body into HTML that is safe to show inside the reader's sandboxed frame: HTML
 * sanitised by a well-kept sanitiser with a policy for e-mail, plain text escaped with its line
 * breaks kept and its URLs made links. Remote images are blocked unless the person asked for them,
 * and then only over https.
 */
public final class MailHtml {

  /**
   * The safe HTML of a body and what was held back.
   *
   * @param html a fragment for the body document (no html/head/body elements)
   * @param remoteImagesBlocked how many remote images (img src, CSS backgrounds) were replaced by a
   *     placeholder; with remote images allowed, only the http ones (never loaded) are counted
   */
  public record SafeBody(String html, int remoteImagesBlocked) {}

  /**
   * @param inlineImages {@code Content-ID} (without angle brackets) to the URL the frame may load
   *     it from (a {@code data:} URL the app built itself); a {@code cid:} reference missing here
   *     becomes a placeholder
   * @param showRemoteImages the person pressed "Show images" for this message: keep https image
   *     URLs (http ones stay blocked)
   */
  public SafeBody render(
      ReadableMessage.Body body, Map<String, String> inlineImages, boolean showRemoteImages) {
    throw new UnsupportedOperationException("to be written (issue 14)");
  }
}
