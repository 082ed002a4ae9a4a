package io.github.gmailoauth.web;

/**
 * What a person is told when the app cannot give them what they asked for: the status, a title and
 * one sentence in plain words, at most one way forward, and when trying again makes sense. Every
 * problem a person can meet is written in {@link Problems}; {@link Pages#problem} shows one.
 *
 * @param linkPath where the way forward leads, within the app (the page prefixes the context path);
 *     null for none, when nothing the person does here can help
 * @param linkText the way forward's words; null exactly when {@code linkPath} is
 * @param helpUrl a page elsewhere that helps (the Google Account's connections page), or null
 * @param retryAfter {@code Retry-After} in delay-seconds (RFC 9110 §10.2.3), or null for none
 */
public record Problem(
    int status,
    String title,
    String message,
    String linkPath,
    String linkText,
    String helpUrl,
    String retryAfter) {}
