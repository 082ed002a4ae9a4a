package io.github.gmailoauth.standin;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small HTTP, HTML and JSON helpers shared by the stand-in's handlers. */
final class Web {

  static final String JSON_UTF8 = "application/json; charset=utf-8";
  static final String HTML_UTF8 = "text/html; charset=utf-8";

  // Google's JSON does not escape '<', '>' or '&' as \u003c etc.; neither do we, so that
  // applications see raw markup in header values exactly as they would from the real API.
  private static final Gson PRETTY =
      new GsonBuilder().disableHtmlEscaping().setPrettyPrinting().create();
  private static final Gson COMPACT = new GsonBuilder().disableHtmlEscaping().create();

  private Web() {}

  /** An answer, built by a handler and written either to the socket or into a batch part. */
  record Reply(int status, Map<String, String> headers, byte[] body) {

    static Reply json(int status, JsonElement json, boolean pretty) {
      String text = (pretty ? PRETTY : COMPACT).toJson(json);
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Content-Type", JSON_UTF8);
      return new Reply(status, headers, text.getBytes(StandardCharsets.UTF_8));
    }

    static Reply html(int status, String html) {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Content-Type", HTML_UTF8);
      // Consent and error pages must never be cached or framed (Google sets the same).
      headers.put("Cache-Control", "no-store");
      headers.put("X-Frame-Options", "DENY");
      return new Reply(status, headers, html.getBytes(StandardCharsets.UTF_8));
    }

    static Reply redirect(String location) {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Location", location);
      headers.put("Cache-Control", "no-store");
      return new Reply(302, headers, new byte[0]);
    }

    Reply withBody(byte[] other) {
      return new Reply(status, headers, other);
    }

    Reply withHeader(String name, String value) {
      Map<String, String> copy = new LinkedHashMap<>(headers);
      copy.put(name, value);
      return new Reply(status, copy, body);
    }
  }

  /**
   * Google's API error envelope, e.g. {@code {"error":{"code":401,"message":..,"errors":[..],
   * "status":"UNAUTHENTICATED"}}}. The google-api-client parses this into {@code
   * GoogleJsonResponseException.getDetails()}.
   */
  static Reply googleError(int code, String message, String reason, boolean pretty) {
    return googleError(code, message, reason, code == 429 ? "usageLimits" : "global", pretty);
  }

  /** The same envelope with an explicit {@code errors[0].domain}, e.g. a 403 from "usageLimits". */
  static Reply googleError(int code, String message, String reason, String domain, boolean pretty) {
    JsonObject item = new JsonObject();
    item.addProperty("message", code == 401 ? "Invalid Credentials" : message);
    item.addProperty("domain", domain);
    item.addProperty("reason", reason);
    if (code == 401) {
      item.addProperty("location", "Authorization");
      item.addProperty("locationType", "header");
    }
    JsonArray errors = new JsonArray();
    errors.add(item);
    JsonObject error = new JsonObject();
    error.addProperty("code", code);
    error.addProperty("message", message);
    error.add("errors", errors);
    error.addProperty("status", grpcStatus(code));
    JsonObject root = new JsonObject();
    root.add("error", error);
    Reply reply = Reply.json(code, root, pretty);
    if (code == 401) {
      // RFC 6750: a 401 from a resource server names the scheme (and why) in WWW-Authenticate.
      reply =
          reply.withHeader(
              "WWW-Authenticate",
              "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"");
    }
    return reply;
  }

  /** The canonical status name Google puts in {@code error.status}. */
  static String grpcStatus(int code) {
    return switch (code) {
      case 400 -> "INVALID_ARGUMENT";
      case 401 -> "UNAUTHENTICATED";
      case 403 -> "PERMISSION_DENIED";
      case 404 -> "NOT_FOUND";
      case 409 -> "ABORTED";
      case 412 -> "FAILED_PRECONDITION";
      case 429 -> "RESOURCE_EXHAUSTED";
      case 499 -> "CANCELLED";
      case 500 -> "INTERNAL";
      case 501 -> "UNIMPLEMENTED";
      case 503 -> "UNAVAILABLE";
      case 504 -> "DEADLINE_EXCEEDED";
      default -> "UNKNOWN";
    };
  }

  /** OAuth token-endpoint style error: {@code {"error":..,"error_description":..}}. */
  static Reply oauthError(int status, String error, String description) {
    JsonObject o = new JsonObject();
    o.addProperty("error", error);
    if (description != null) {
      o.addProperty("error_description", description);
    }
    return noStore(Reply.json(status, o, true));
  }

  /** Token answers carry credentials: RFC 6749 section 5.1 requires them to be uncacheable. */
  static Reply noStore(Reply reply) {
    return reply
        .withHeader("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate")
        .withHeader("Pragma", "no-cache");
  }

  static String reasonPhrase(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 201 -> "Created";
      case 204 -> "No Content";
      case 301 -> "Moved Permanently";
      case 302 -> "Found";
      case 304 -> "Not Modified";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 412 -> "Precondition Failed";
      case 413 -> "Payload Too Large";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> status < 300 ? "OK" : status < 500 ? "Client Error" : "Server Error";
    };
  }

  /**
   * Parses {@code a=1&b=2&a=3} with form semantics ('+' is a space). Malformed escapes are kept
   * verbatim instead of failing, because a request must be recordable even when it is garbage.
   */
  static Map<String, List<String>> parseForm(String encoded) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return out;
    }
    for (String pair : encoded.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = formDecode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : formDecode(pair.substring(eq + 1));
      out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return out;
  }

  static String formDecode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  /** Percent-decodes a path (where '+' is a literal plus, unlike in forms). */
  static String pathDecode(String s) {
    return formDecode(s.replace("+", "%2B"));
  }

  /** Query-component encoding; spaces as %20, which every parser reads the same way. */
  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Whether a Google JSON answer is indented: yes unless the request says {@code
   * prettyPrint=false}.
   */
  static boolean pretty(RecordedRequest r) {
    return !"false".equalsIgnoreCase(r.queryParam("prettyPrint"));
  }

  static String first(Map<String, List<String>> map, String name) {
    List<String> values = map.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** All values of a repeatable parameter, also splitting comma-separated lists. */
  static List<String> all(Map<String, List<String>> map, String name) {
    List<String> out = new ArrayList<>();
    for (String v : map.getOrDefault(name, List.of())) {
      for (String part : v.split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    }
    return out;
  }

  static String html(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** Reverses the escaping Gmail applies to snippets, for searching them as text. */
  static String unescapeHtml(String s) {
    if (s.indexOf('&') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      int semi = c == '&' ? s.indexOf(';', i) : -1;
      if (semi > i && semi - i <= 10) {
        String entity = s.substring(i + 1, semi);
        String decoded =
            switch (entity) {
              case "amp" -> "&";
              case "lt" -> "<";
              case "gt" -> ">";
              case "quot" -> "\"";
              case "apos" -> "'";
              default -> numericEntity(entity);
            };
        if (decoded != null) {
          b.append(decoded);
          i = semi + 1;
          continue;
        }
      }
      b.append(c);
      i++;
    }
    return b.toString();
  }

  private static String numericEntity(String entity) {
    try {
      if (entity.startsWith("#x") || entity.startsWith("#X")) {
        return new String(Character.toChars(Integer.parseInt(entity.substring(2), 16)));
      }
      if (entity.startsWith("#")) {
        return new String(Character.toChars(Integer.parseInt(entity.substring(1))));
      }
    } catch (IllegalArgumentException e) {
      // not an entity after all; keep the text
    }
    return null;
  }

  /** A media type's parameter (e.g. the boundary), unquoted; null when absent. */
  static String mediaTypeParameter(String contentType, String name) {
    if (contentType == null) {
      return null;
    }
    String[] pieces = contentType.split(";");
    for (int i = 1; i < pieces.length; i++) {
      String p = pieces[i].trim();
      int eq = p.indexOf('=');
      if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase(name)) {
        String v = p.substring(eq + 1).trim();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
          v = v.substring(1, v.length() - 1);
        }
        return v;
      }
    }
    return null;
  }

  static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi))
        .trim()
        .toLowerCase(java.util.Locale.ROOT);
  }
}
