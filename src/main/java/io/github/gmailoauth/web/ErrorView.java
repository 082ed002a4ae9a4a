package io.github.gmailoauth.web;

/** A page that explains what went wrong in words a person understands, with one way forward. */
public record ErrorView(String title, String message, String linkHref, String linkText) {}
