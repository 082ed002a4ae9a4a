package io.github.gmailoauth.web;

/**
 * What every page needs besides its own content: the context path to prefix links with (the WAR
 * may be deployed under one), the signed-in user, if any, and the session's token for forms that
 * change state (null without a session).
 */
public record PageContext(String base, SignedInUser user, String csrfToken) {}
