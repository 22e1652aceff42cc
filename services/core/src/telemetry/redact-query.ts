/**
 * Query parameters whose values are credentials somewhere in authscale: an OpenID Connect
 * callback's `code` and `state` (and whatever tokens a provider appends), and a mailed link's
 * one-time `token`. Span attributes record URLs, so these are replaced before a span starts.
 */
export const secretQueryParams: readonly string[] = [
  'code',
  'state',
  'token',
  'id_token',
  'access_token',
  'refresh_token',
  'session_state',
  // The HTTP instrumentation's own list, which an explicit list replaces rather than extends.
  'sig',
  'Signature',
  'AWSAccessKeyId',
  'X-Goog-Signature',
  'X-Amz-Signature',
  'X-Amz-Credential',
  'X-Amz-Security-Token',
];

const secret = new Set(secretQueryParams);

/**
 * `url` with the value of each secret query parameter replaced by `REDACTED`, as the HTTP
 * instrumentation does for `node:http`; the undici instrumentation records the query as given.
 */
export function redactQuery(url: URL): URL {
  const redacted = new URL(url);
  for (const name of new Set(redacted.searchParams.keys())) {
    if (secret.has(name)) redacted.searchParams.set(name, 'REDACTED');
  }
  return redacted;
}
