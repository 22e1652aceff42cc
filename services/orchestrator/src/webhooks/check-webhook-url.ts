import { AuthError } from '@authscale/core';

/**
 * An endpoint URL as a tenant may register it: absolute, `https:` (or `http:` where
 * INSECURE_WEBHOOK_HTTP allows it), without credentials or a fragment. Where it resolves is
 * checked at every delivery, not here: a name can change its address after registration.
 */
export function checkWebhookUrl(raw: string, { allowHttp }: { allowHttp: boolean }): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AuthError('invalid_request', 'The webhook URL is not a valid URL.');
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) {
    throw new AuthError('invalid_request', 'A webhook URL must use https.');
  }
  if (url.username || url.password || url.hash) {
    throw new AuthError('invalid_request', 'A webhook URL carries no credentials and no fragment.');
  }
  return url.toString();
}
