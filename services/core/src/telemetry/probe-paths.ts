/**
 * Probes, not traffic: a load balancer's and the session client's health checks (every second, on
 * every service) would otherwise each make a trace. They ask without a query string.
 */
export const probePaths: ReadonlySet<string> = new Set(['/healthz', '/readyz']);
