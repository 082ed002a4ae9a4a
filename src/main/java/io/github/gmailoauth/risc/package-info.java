/**
 * Google's Cross-Account Protection (RISC, issue 16): {@code POST /risc} receives security event
 * tokens (RFC 8417 SETs pushed as RFC 8935 describes), {@link
 * io.github.gmailoauth.risc.SecurityEventTokens} verifies them with Nimbus JOSE+JWT against
 * Google's JWKS, and {@link io.github.gmailoauth.risc.SecurityEvents} acts on them for every node
 * through the database.
 */
package io.github.gmailoauth.risc;
