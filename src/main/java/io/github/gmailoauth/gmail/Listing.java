package io.github.gmailoauth.gmail;

import io.github.gmailoauth.web.Links;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Where a person is in the message list: filter, search, page size and page. It lives entirely in
 * the URL, so a link or a reload shows the same page and the server keeps no paging state.
 *
 * <p>Gmail only ever hands out the token of the <em>next</em> page. To go back, each link carries
 * the tokens of the pages before the current one ({@code trail}, oldest first, space-separated:
 * {@code +} in the URL, since {@code .}, {@code -}, {@code _} and {@code =} may occur in a token).
 * The first page has no token, so page {@code n} carries {@code n - 2} tokens. The trail is bounded
 * ({@link #MAX_TRAIL} tokens, {@link #MAX_TRAIL_CHARS} characters) so that a link stays far below
 * the request-line limits of browsers and Jetty; beyond that the oldest tokens are dropped, the
 * page number says so ({@code page} appears in the URL only then), and the first page stays
 * reachable.
 *
 * <p>URL scheme: {@code /messages?label=starred&q=from:ada&size=50&pageToken=T3&trail=T1+T2}; the
 * defaults (inbox, no search, 25 per page, first page) are left out.
 */
record Listing(
    Filter filter, String query, int pageSize, String pageToken, List<String> trail, int page) {
  static final String PATH = "/messages";

  /** Gmail's search box takes long queries, but nobody types more than this. */
  static final int MAX_QUERY = 500;

  /** Gmail's page tokens are short digit strings; accept a generous URL-safe superset only. */
  static final Pattern PAGE_TOKEN = Pattern.compile("[A-Za-z0-9_\\-.=]{1,256}");

  static final List<Integer> PAGE_SIZES = List.of(25, 50, 100);
  static final int DEFAULT_PAGE_SIZE = 25;

  /** Earlier pages a link remembers for "previous". */
  static final int MAX_TRAIL = 50;

  /**
   * And at most this many characters of them: 50 of Gmail's tokens (about 20 digits each) fit,
   * while 50 tokens of the 256 characters {@link #PAGE_TOKEN} allows would make a 13 KB link.
   */
  static final int MAX_TRAIL_CHARS = 1500;

  /** A page number beyond this is not one this app wrote. */
  private static final int MAX_PAGE = 9_999_999;

  Listing {
    trail = List.copyOf(trail);
  }

  /** The request was not one this app's links or forms produce: answer 400, ask Gmail nothing. */
  static final class Invalid extends Exception {
    Invalid(String why) {
      super(why);
    }
  }

  /**
   * Reads and checks the query parameters ({@code param} answers a parameter's decoded value or
   * null). A bad page token, trail or oversized search is refused; an unknown filter or page size
   * is the default, and a page number that does not fit the trail is recomputed from it.
   */
  static Listing parse(Function<String, String> param) throws Invalid {
    Filter filter = Filter.fromParam(param.apply("label"));
    int size = pageSize(param.apply("size"));
    String query = param.apply("q");
    query = query == null ? "" : query.strip();
    if (query.length() > MAX_QUERY) {
      throw new Invalid("search too long");
    }
    String pageToken = param.apply("pageToken");
    if (pageToken == null || pageToken.isEmpty()) {
      // The first page: an earlier trail means nothing here.
      return new Listing(filter, query, size, null, List.of(), 1);
    }
    if (!PAGE_TOKEN.matcher(pageToken).matches()) {
      throw new Invalid("malformed page token");
    }
    List<String> trail = trail(param.apply("trail"));
    int complete = trail.size() + 2;
    int page = complete;
    String number = param.apply("page");
    if (number != null && number.matches("[0-9]{1,7}")) {
      // Only ever further back than the trail reaches: it was cut, so "previous" may be unknown.
      page = Math.max(complete, Math.min(MAX_PAGE, Integer.parseInt(number)));
    }
    return new Listing(filter, query, size, pageToken, trail, page);
  }

  /** What a request that was refused can still link back to: its filter and page size. */
  static Listing fallback(Function<String, String> param) {
    return new Listing(
        Filter.fromParam(param.apply("label")),
        "",
        pageSize(param.apply("size")),
        null,
        List.of(),
        1);
  }

  private static int pageSize(String value) {
    for (int size : PAGE_SIZES) {
      if (String.valueOf(size).equals(value)) {
        return size;
      }
    }
    return DEFAULT_PAGE_SIZE;
  }

  private static List<String> trail(String value) throws Invalid {
    if (value == null || value.isEmpty()) {
      return List.of();
    }
    if (value.length() > MAX_TRAIL_CHARS) {
      throw new Invalid("trail too long");
    }
    String[] tokens = value.split(" ", -1);
    if (tokens.length > MAX_TRAIL) {
      throw new Invalid("trail too long");
    }
    for (String token : tokens) {
      if (!PAGE_TOKEN.matcher(token).matches()) {
        throw new Invalid("malformed token in trail");
      }
    }
    return List.of(tokens);
  }

  boolean isFirstPage() {
    return pageToken == null;
  }

  /** The first page of the same filter, search and page size. */
  Listing first() {
    return new Listing(filter, query, pageSize, null, List.of(), 1);
  }

  /** The first page of another filter, keeping the search and page size. */
  Listing withFilter(Filter other) {
    return new Listing(other, query, pageSize, null, List.of(), 1);
  }

  /** The first page of another search in the same filter and page size. */
  Listing withQuery(String other) {
    return new Listing(filter, other, pageSize, null, List.of(), 1);
  }

  /** The page after this one, whose token Gmail just gave; this page's token joins the trail. */
  Listing next(String nextPageToken) {
    if (pageToken == null) {
      return new Listing(filter, query, pageSize, nextPageToken, List.of(), 2);
    }
    List<String> longer = new ArrayList<>(trail);
    longer.add(pageToken);
    while (longer.size() > MAX_TRAIL || String.join(" ", longer).length() > MAX_TRAIL_CHARS) {
      longer.remove(0);
    }
    return new Listing(filter, query, pageSize, nextPageToken, longer, page + 1);
  }

  /**
   * The page before this one, or null on the first page and where the trail was cut short and no
   * longer knows that page's token (the first page is still reachable).
   */
  Listing previous() {
    if (pageToken == null) {
      return null;
    }
    if (!trail.isEmpty()) {
      return new Listing(
          filter,
          query,
          pageSize,
          trail.get(trail.size() - 1),
          trail.subList(0, trail.size() - 1),
          page - 1);
    }
    return page == 2 ? first() : null;
  }

  /** This listing's link, without the context path, every value percent-encoded. */
  String href() {
    String query = queryString();
    return PATH + (query.isEmpty() ? "" : "?" + query);
  }

  /**
   * The link of message {@code id} in the reader, carrying this listing's parameters so that its
   * Back link returns here ({@link ListPlace}); without the context path.
   */
  String readerHref(String id) {
    String query = queryString();
    return PATH + "/" + Links.encode(id) + (query.isEmpty() ? "" : "?" + query);
  }

  /** This listing's query parameters, percent-encoded, "" for the defaults. */
  String queryString() {
    List<String> params = new ArrayList<>();
    if (filter != Filter.DEFAULT) {
      params.add("label=" + filter.param());
    }
    if (!query.isEmpty()) {
      params.add("q=" + Links.encode(query));
    }
    if (pageSize != DEFAULT_PAGE_SIZE) {
      params.add("size=" + pageSize);
    }
    if (pageToken != null) {
      params.add("pageToken=" + Links.encode(pageToken));
      if (!trail.isEmpty()) {
        params.add("trail=" + Links.encode(String.join(" ", trail)));
      }
      if (page != trail.size() + 2) {
        params.add("page=" + page);
      }
    }
    return String.join("&", params);
  }
}
