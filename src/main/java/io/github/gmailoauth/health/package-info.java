/**
 * Probes for a load balancer or an orchestrator: {@code GET /healthz} says the process serves,
 * {@code GET /readyz} says it can do its work (its database answers and carries the newest
 * migration). Both answer a one-field JSON object and nothing else: no version, URL, host name or
 * error text. Neither creates a session nor needs a signed-in user.
 */
package io.github.gmailoauth.health;
