package io.github.gmailoauth.standin;

import static io.github.gmailoauth.standin.StandInGoogle.APPROVE_PATH;
import static io.github.gmailoauth.standin.StandInGoogle.CLIENT_ID;
import static io.github.gmailoauth.standin.StandInGoogle.SCOPE_PREFIX;

import io.github.gmailoauth.standin.Web.Reply;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The pages a browser sees from the stand-in's authorization server: the checks of an authorization
 * request, the consent page (choose an account, Allow or Cancel), Google's "Access blocked" error
 * page, and the HTML error pages for unknown paths and methods.
 */
final class ConsentPage {

  /** A PKCE code verifier or S256 challenge (RFC 7636 §4.1: 43 to 128 unreserved characters). */
  static final Pattern PKCE_VALUE = Pattern.compile("[A-Za-z0-9\\-._~]{43,128}");

  /** Parameters of the authorization request that the consent form carries through to approval. */
  private static final List<String> CARRIED_PARAMS =
      List.of(
          "client_id",
          "redirect_uri",
          "response_type",
          "scope",
          "state",
          "code_challenge",
          "code_challenge_method",
          "access_type",
          "prompt",
          "include_granted_scopes");

  private ConsentPage() {}

  static Reply methodNotAllowed(RecordedRequest r) {
    return Reply.html(
        405,
        page(
            "Error 405 (Method Not Allowed)",
            "<h1>405. That’s an error.</h1><p>The method "
                + Web.html(r.method())
                + " is not allowed for <code>"
                + Web.html(r.path())
                + "</code>.</p>"));
  }

  static Reply notFound(String path) {
    return Reply.html(
        404,
        page(
            "Error 404 (Not Found)",
            "<h1>404. That’s an error.</h1><p>The requested URL <code>"
                + Web.html(path)
                + "</code> was not found on this server.</p>"));
  }

  // OAuth: authorization page and approval

  /** Validates an authorization request; returns the problem to show, or null when valid. */
  static String authorizationProblem(Map<String, List<String>> p) {
    String clientId = Web.first(p, "client_id");
    if (clientId == null || clientId.isEmpty()) {
      return "Missing required parameter: client_id";
    }
    if (!clientId.equals(CLIENT_ID)) {
      return "The OAuth client was not found: client_id=" + clientId;
    }
    String responseType = Web.first(p, "response_type");
    if (responseType == null) {
      return "Required parameter is missing: response_type";
    }
    if (!responseType.equals("code")) {
      return "Unsupported response_type: " + responseType + " (only \"code\" is supported)";
    }
    String redirectProblem = redirectUriProblem(Web.first(p, "redirect_uri"));
    if (redirectProblem != null) {
      return redirectProblem;
    }
    String scope = Web.first(p, "scope");
    if (scope == null || scope.isBlank()) {
      return "Missing required parameter: scope";
    }
    if (Web.first(p, "state") == null) {
      return "Missing required parameter: state (the stand-in requires it for CSRF protection)";
    }
    String challenge = Web.first(p, "code_challenge");
    if (challenge == null || challenge.isEmpty()) {
      return "Missing required parameter: code_challenge (the stand-in requires PKCE)";
    }
    String method = Web.first(p, "code_challenge_method");
    if (method == null) {
      return "Missing required parameter: code_challenge_method (the stand-in requires S256)";
    }
    if (!method.equals("S256")) {
      return "Invalid code_challenge_method: " + method + " (the stand-in only accepts S256)";
    }
    if (!PKCE_VALUE.matcher(challenge).matches()) {
      return "Invalid parameter value for code_challenge: " + challenge;
    }
    String prompt = Web.first(p, "prompt");
    String approvalPrompt = Web.first(p, "approval_prompt");
    if (prompt != null && approvalPrompt != null) {
      return "Conflict params: approval_prompt and prompt";
    }
    if (approvalPrompt != null
        && !approvalPrompt.equals("force")
        && !approvalPrompt.equals("auto")) {
      return "Invalid approval_prompt: " + approvalPrompt;
    }
    if (prompt != null) {
      Set<String> values = new LinkedHashSet<>(List.of(prompt.trim().split("\\s+")));
      if (!Set.of("none", "consent", "select_account").containsAll(values)
          || (values.contains("none") && values.size() > 1)) {
        return "Invalid prompt: " + prompt;
      }
    }
    String accessType = Web.first(p, "access_type");
    if (accessType != null && !accessType.equals("online") && !accessType.equals("offline")) {
      return "Invalid access_type: " + accessType;
    }
    return null;
  }

  static String redirectUriProblem(String redirectUri) {
    if (redirectUri == null || redirectUri.isEmpty()) {
      return "Missing required parameter: redirect_uri";
    }
    try {
      URI u = new URI(redirectUri);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!u.isAbsolute()
          || !(scheme.equals("http") || scheme.equals("https"))
          || u.getHost() == null) {
        return "Invalid parameter value for redirect_uri: must be an absolute http(s) URL: "
            + redirectUri;
      }
      if (u.getRawFragment() != null) {
        return "Invalid parameter value for redirect_uri: Fragment not allowed: " + redirectUri;
      }
    } catch (URISyntaxException e) {
      return "Invalid parameter value for redirect_uri: " + redirectUri;
    }
    return null;
  }

  static Reply authorizationPage(RecordedRequest r, Accounts users) {
    Map<String, List<String>> p = r.query();
    String problem = authorizationProblem(p);
    if (problem != null) {
      return authorizationError(problem, p);
    }
    List<String> scopes = splitScopes(Web.first(p, "scope"));
    List<StandInUser> accounts = users.snapshot();
    String hint = Web.first(p, "login_hint");
    StandInUser selected = users.defaultUser();
    if (hint != null) {
      for (StandInUser u : accounts) {
        if (u.email().equalsIgnoreCase(hint.trim()) || u.id().equals(hint.trim())) {
          selected = u;
        }
      }
    }
    StringBuilder b = new StringBuilder();
    b.append("<h1>Sign in with Google (stand-in)</h1>\n");
    b.append("<p class=\"app\"><strong>")
        .append(Web.html(Web.first(p, "client_id")))
        .append("</strong> wants to access your Google Account.</p>\n");
    b.append("<form method=\"post\" action=\"").append(APPROVE_PATH).append("\">\n");
    b.append("<fieldset><legend>Choose an account</legend>\n");
    for (StandInUser u : accounts) {
      String inputId = "user-" + Web.html(u.id());
      b.append("<label class=\"account\" for=\"")
          .append(inputId)
          .append("\">")
          .append("<input type=\"radio\" name=\"user\" id=\"")
          .append(inputId)
          .append("\" value=\"")
          .append(Web.html(u.id()))
          .append('"')
          .append(u == selected ? " checked" : "")
          .append('>')
          .append("<span class=\"name\">")
          .append(Web.html(u.name()))
          .append("</span>")
          .append("<span class=\"email\">")
          .append(Web.html(u.email()))
          .append("</span></label>\n");
    }
    b.append("</fieldset>\n");
    b.append("<h2>This will allow the app to:</h2>\n<ul class=\"scopes\">\n");
    for (String scope : scopes) {
      b.append("<li>")
          .append(Web.html(describeScope(scope)))
          .append("<code>")
          .append(Web.html(scope))
          .append("</code></li>\n");
    }
    b.append("</ul>\n");
    b.append("<p class=\"redirect\">You will be sent back to <code>")
        .append(Web.html(Web.first(p, "redirect_uri")))
        .append("</code>.</p>\n");
    for (String name : CARRIED_PARAMS) {
      String value = Web.first(p, name);
      if (value != null) {
        b.append("<input type=\"hidden\" name=\"")
            .append(name)
            .append("\" value=\"")
            .append(Web.html(value))
            .append("\">\n");
      }
    }
    // Allow comes first in the markup so that pressing Enter approves; CSS shows Cancel on the
    // left.
    b.append("<div class=\"actions\">")
        .append("<button name=\"decision\" value=\"allow\" id=\"allow\">Allow</button>")
        .append("<button name=\"decision\" value=\"deny\" id=\"deny\">Cancel</button>")
        .append("</div>\n</form>\n");
    b.append(
        "<p class=\"note\">This page is served by a local stand-in for Google's sign-in. "
            + "No real Google account is involved.</p>\n");
    return Reply.html(200, page("Sign in with Google (stand-in)", b.toString()));
  }

  static Reply authorizationError(String problem, Map<String, List<String>> params) {
    StringBuilder b = new StringBuilder();
    b.append("<h1>Access blocked: Authorization Error</h1>\n");
    b.append("<p class=\"error\">Error 400: invalid_request</p>\n");
    b.append("<p id=\"problem\">").append(Web.html(problem)).append("</p>\n");
    if (!params.isEmpty()) {
      b.append("<h2>Request details</h2>\n<ul class=\"details\">\n");
      params.forEach(
          (name, values) -> {
            for (String v : values) {
              b.append("<li><code>")
                  .append(Web.html(name))
                  .append('=')
                  .append(Web.html(v))
                  .append("</code></li>\n");
            }
          });
      b.append("</ul>\n");
    }
    return Reply.html(400, page("Error 400: invalid_request", b.toString()));
  }

  private static String describeScope(String scope) {
    return switch (scope) {
      case "https://mail.google.com/" ->
          "Read, compose, send and permanently delete all your email from Gmail ";
      case SCOPE_PREFIX + "gmail.readonly" -> "View your email messages and settings ";
      case SCOPE_PREFIX + "gmail.metadata" ->
          "View your email message metadata such as labels and headers, but not the email body ";
      case SCOPE_PREFIX + "gmail.modify" ->
          "Read, compose and send emails from your Gmail account ";
      case "openid" -> "Associate you with your personal info on Google ";
      case "email", SCOPE_PREFIX + "userinfo.email" ->
          "See your primary Google Account email address ";
      case "profile", SCOPE_PREFIX + "userinfo.profile" ->
          "See your personal info, including any personal info you've made publicly available ";
      default -> "";
    };
  }

  static String page(String title, String body) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        + "<title>"
        + Web.html(title)
        + "</title>\n<style>\n"
        + "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;background:#f0f4f9;"
        + "color:#1f1f1f;margin:0;padding:2rem 1rem}\n"
        + "main{max-width:34rem;margin:0 auto;background:#fff;border-radius:28px;padding:2rem 2.25rem;"
        + "box-shadow:0 1px 3px rgba(0,0,0,.12)}\n"
        + "h1{font-size:1.5rem;font-weight:400;margin:0 0 1rem}h2{font-size:1rem;font-weight:500;margin:1.5rem 0 .5rem}\n"
        + "fieldset{border:1px solid #dadce0;border-radius:12px;padding:.5rem 1rem;margin:0}\n"
        + "legend{padding:0 .25rem;color:#444}\n"
        + ".account{display:flex;gap:.6rem;align-items:center;padding:.5rem 0;cursor:pointer}\n"
        + ".account .email{color:#5f6368;font-size:.9rem}\n"
        + ".scopes{padding-left:1.2rem}.scopes li{margin:.35rem 0}\n"
        + "code{font-size:.8rem;color:#5f6368;word-break:break-all}\n"
        + ".actions{display:flex;flex-direction:row-reverse;justify-content:flex-start;gap:.75rem;margin-top:1.5rem}\n"
        + "button{font:inherit;border-radius:20px;padding:.55rem 1.5rem;border:1px solid #747775;"
        + "background:#fff;color:#0b57d0;cursor:pointer}\n"
        + "button#allow{background:#0b57d0;border-color:#0b57d0;color:#fff}\n"
        + ".error{color:#b3261e;font-weight:500}.note{color:#5f6368;font-size:.8rem;margin-top:1.5rem}\n"
        + "</style>\n</head>\n<body>\n<main>\n"
        + body
        + "</main>\n</body>\n</html>\n";
  }

  static List<String> splitScopes(String scope) {
    List<String> out = new ArrayList<>(new LinkedHashSet<>(List.of(scope.trim().split("\\s+"))));
    out.removeIf(String::isEmpty);
    return List.copyOf(out);
  }
}
