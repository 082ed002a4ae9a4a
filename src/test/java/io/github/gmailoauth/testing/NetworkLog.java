package io.github.gmailoauth.testing;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.openqa.selenium.json.Json;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.remote.RemoteWebDriver;

/**
 * What Chromium itself reports about the network, read from ChromeDriver's "performance" log (a
 * {@link Chromium#recordingNetwork()} browser): every request it started ({@code
 * Network.requestWillBeSent}), the ones that never left and why ({@code Network.loadingFailed} with
 * a {@code blockedReason} such as {@code csp}), and every frame's navigations ({@code
 * Page.frameNavigated}). The log hands out each event once; {@link #read} keeps what it drained.
 */
public final class NetworkLog {

  /** A request Chromium started. */
  public record Request(String requestId, String url, String method, String type, String frameId) {
    public String host() {
      try {
        return URI.create(url).getHost();
      } catch (IllegalArgumentException e) {
        return null;
      }
    }

    public String scheme() {
      int colon = url.indexOf(':');
      return colon < 0 ? "" : url.substring(0, colon);
    }
  }

  /** A frame committed a navigation; {@code parentId} is null for the top frame. */
  public record Navigation(String frameId, String parentId, String url) {
    public boolean topFrame() {
      return parentId == null;
    }
  }

  private final List<Request> requests = new ArrayList<>();
  private final List<Navigation> navigations = new ArrayList<>();

  /** requestId to Chromium's blockedReason (csp, mixed-content, ...) or its error text. */
  private final Map<String, String> failures = new HashMap<>();

  private final Json json = new Json();

  /** Drains the driver's performance log into this record; returns this. */
  public NetworkLog read(RemoteWebDriver driver) {
    for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
      Map<String, Object> outer = json.toType(entry.getMessage(), Json.MAP_TYPE);
      Map<String, Object> message = object(outer.get("message"));
      Map<String, Object> params = object(message.get("params"));
      switch (Objects.toString(message.get("method"), "")) {
        case "Network.requestWillBeSent" -> {
          Map<String, Object> request = object(params.get("request"));
          requests.add(
              new Request(
                  text(params, "requestId"),
                  text(request, "url"),
                  text(request, "method"),
                  text(params, "type"),
                  text(params, "frameId")));
        }
        case "Network.loadingFailed" -> {
          Object reason = params.get("blockedReason");
          failures.put(
              text(params, "requestId"),
              reason != null ? "blocked:" + reason : text(params, "errorText"));
        }
        case "Page.frameNavigated" -> {
          Map<String, Object> f = object(params.get("frame"));
          navigations.add(new Navigation(text(f, "id"), text(f, "parentId"), text(f, "url")));
        }
        default -> {}
      }
    }
    return this;
  }

  private static String text(Map<String, Object> object, String name) {
    Object value = object.get(name);
    return value == null ? null : value.toString();
  }

  /** A JSON object of a DevTools event (Selenium's Json reads objects as maps), or an empty one. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object value) {
    return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
  }

  /** Forgets what was read so far (after draining the log), to watch one step on its own. */
  public NetworkLog clear(RemoteWebDriver driver) {
    read(driver);
    requests.clear();
    navigations.clear();
    failures.clear();
    return this;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public List<Navigation> navigations() {
    return List.copyOf(navigations);
  }

  /**
   * Why the request never reached the network ({@code blocked:csp}, ...), its error text
   * (net::ERR_...) when it failed otherwise, or null when it did not fail.
   */
  public String failure(Request request) {
    return failures.get(request.requestId());
  }

  /** Whether Chromium blocked {@code request} itself, before it left (CSP, sandbox, ...). */
  public boolean blocked(Request request) {
    String failure = failure(request);
    return failure != null && failure.startsWith("blocked:");
  }
}
