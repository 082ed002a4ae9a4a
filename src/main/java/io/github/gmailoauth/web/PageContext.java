package io.github.gmailoauth.web;

/**
 * What every page needs besides its own content: the context path to prefix links with (the WAR may
 * be deployed under one), the signed-in user, if any, and the session's token for forms that change
 * state (null without a session), and whether to offer a sign-in: not while the session could not
 * be read ({@link SessionStoreOutage}), when the person may well be signed in.
 */
public record PageContext(String base, SignedInUser user, String csrfToken, boolean offerSignIn) {}
