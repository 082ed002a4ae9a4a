/**
 * What the app counts and times (issue 16), in one place: {@link
 * io.github.gmailoauth.metrics.AppMetrics} owns the Micrometer registry and offers one method per
 * thing worth counting; the features call those methods and never see a meter. {@link
 * io.github.gmailoauth.metrics.MetricsServlet} answers {@code GET /metrics} to a scraper that shows
 * the bearer token. Nothing a person could be recognised by (user id, address, token, query,
 * message id) is ever a label or a value. This package uses no other package of the app.
 */
package io.github.gmailoauth.metrics;
