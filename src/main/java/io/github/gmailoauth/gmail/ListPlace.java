package io.github.gmailoauth.gmail;

import java.util.function.Function;

/**
 * The list page a person came from, as another page (the reader) carries it in its own query: the
 * list's parameters, read by {@link Listing}'s own parser, so that only a list URL this app would
 * write can come out of it. A request whose list parameters are not valid is given the first page
 * of its filter and page size, as the list itself answers them.
 */
public final class ListPlace {
  private final Listing listing;

  private ListPlace(Listing listing) {
    this.listing = listing;
  }

  /** {@code param} answers a request parameter's decoded value or null. */
  public static ListPlace of(Function<String, String> param) {
    try {
      return new ListPlace(Listing.parse(param));
    } catch (Listing.Invalid e) {
      return new ListPlace(Listing.fallback(param));
    }
  }

  /** The list page, without the context path. */
  public String listHref() {
    return listing.href();
  }

  /** Message {@code id} in the reader, remembering this list page; without the context path. */
  public String readerHref(String id) {
    return listing.readerHref(id);
  }

  /** The list's query parameters, "" for the defaults: to add to another link of the reader. */
  public String queryString() {
    return listing.queryString();
  }
}
