package io.github.gmailoauth.web;

/**
 * What every page needs besides its own content: the context path to prefix links with (the WAR
 * may be deployed under one) and the signed-in user, if any.
 */
public record PageContext(String base, SignedInUser user) {}
