/**
 * Google's wire protocol, and nothing of the app: the transport every call goes through ({@link
 * io.github.gmailoauth.google.BoundedHttpTransport}), answer reading ({@link
 * io.github.gmailoauth.google.AnswerReader}), the one encoder for values in URLs sent to Google
 * ({@link io.github.gmailoauth.google.PercentEncoding}), the batch answer's media type ({@code
 * MediaType}), and the codecs written by hand instead of the client library: the metadata batch,
 * the {@code messages.list} call, snippet character references, {@code Retry-After}. Each
 * hand-written codec has a decision record in docs/decisions saying what it replaces, the figure
 * that justifies it, the differential test that guards it and how to go back to the library.
 * Classes of the app ({@code gmail}, {@code oauth}) use this package; it uses none of theirs.
 */
package io.github.gmailoauth.google;
