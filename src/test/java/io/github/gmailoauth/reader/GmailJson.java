package io.github.gmailoauth.reader;

import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.model.Message;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * Gmail's {@code format=full} answers as JSON, parsed by the Google client library's own parser
 * (the wire format is the oracle, not a hand-built model object).
 */
final class GmailJson {
  private GmailJson() {}

  static Message parse(String json) {
    try {
      return GsonFactory.getDefaultInstance().createJsonParser(json).parseAndClose(Message.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** base64url without padding, as Gmail sends body.data. */
  static String data(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A part: mimeType, headers as name/value pairs, body data (may be null). */
  static JsonObject part(String partId, String mimeType, byte[] data, String... headers) {
    JsonObject part = new JsonObject();
    part.addProperty("partId", partId);
    part.addProperty("mimeType", mimeType);
    part.addProperty("filename", "");
    JsonArray hs = new JsonArray();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      JsonObject h = new JsonObject();
      h.addProperty("name", headers[i]);
      h.addProperty("value", headers[i + 1]);
      hs.add(h);
    }
    part.add("headers", hs);
    JsonObject body = new JsonObject();
    body.addProperty("size", data == null ? 0 : data.length);
    if (data != null) {
      body.addProperty("data", data(data));
    }
    part.add("body", body);
    return part;
  }

  /** A part Gmail stores as an attachment: a filename (may be empty) and an attachmentId. */
  static JsonObject attachment(
      String partId, String mimeType, String filename, String attachmentId, String... headers) {
    JsonObject part = part(partId, mimeType, null, headers);
    part.addProperty("filename", filename);
    part.getAsJsonObject("body").addProperty("attachmentId", attachmentId);
    return part;
  }

  /** A multipart part holding {@code children} in order. */
  static JsonObject multipart(String mimeType, JsonObject... children) {
    JsonObject part = part("", mimeType, null);
    JsonArray parts = new JsonArray();
    for (JsonObject child : children) {
      parts.add(child);
    }
    part.add("parts", parts);
    return part;
  }

  static Message message(JsonObject payload) {
    JsonObject m = new JsonObject();
    m.addProperty("id", "18c0ffee00000001");
    m.addProperty("threadId", "18c0ffee00000000");
    JsonArray labels = new JsonArray();
    labels.add("INBOX");
    m.add("labelIds", labels);
    m.add("payload", payload);
    return parse(m.toString());
  }
}
