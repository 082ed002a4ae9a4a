package io.github.gmailoauth.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The home page: who is signed in, and the way to sign in or to the messages. */
public final class HomeServlet extends HttpServlet {
  /** The empty pattern maps the context root exactly (Servlet 6 §12.2). */
  public static final String PATH = "";

  private final Pages pages;

  public HomeServlet(Pages pages) {
    this.pages = pages;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    pages.render(request, response, HttpServletResponse.SC_OK, "home.jte", null);
  }
}
