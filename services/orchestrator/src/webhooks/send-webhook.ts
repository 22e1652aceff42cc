import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { classifyNetworkFailure } from '@authscale/core';
import { guardedLookup, isPublicAddress, WebhookAddressRefused } from './guarded-lookup.ts';

export interface SendWebhookOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Let deliveries reach loopback and private addresses (INSECURE_WEBHOOK_PRIVATE_ADDRESSES). */
  allowPrivateAddresses: boolean;
}

/**
 * How one attempt ended. `error` is what the delivery row records: a code, never the receiver's
 * answer, which is the receiver's data and may be large.
 */
export type SendResult = { ok: true; status: number } | { ok: false; status?: number; error: string };

/**
 * One POST to an endpoint, within `timeoutMs` from the first byte of the connection to the end
 * of the answer, without redirects (a 3xx is a failure, as the specification's senders treat it).
 * Any 2xx is delivered.
 */
export function sendWebhook({ url, headers, body, timeoutMs, allowPrivateAddresses }: SendWebhookOptions) {
  const target = new URL(url);
  // An address in the URL itself is never looked up, so the guarded lookup would not see it.
  const literal = target.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!allowPrivateAddresses && isIP(literal) !== 0 && !isPublicAddress(literal)) {
    return Promise.resolve<SendResult>({ ok: false, error: 'address_refused' });
  }
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise<SendResult>((resolve) => {
    const request = transport.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        signal: AbortSignal.timeout(timeoutMs),
        // A fresh connection per attempt: a kept-alive one would skip the address check.
        agent: false,
        ...(allowPrivateAddresses ? {} : { lookup: guardedLookup }),
      },
      (response) => {
        const status = response.statusCode ?? 0;
        // Read and drop the answer, so the timeout covers it and the socket closes cleanly.
        response.resume();
        response.on('end', () =>
          resolve(
            status >= 200 && status < 300 ? { ok: true, status } : { ok: false, status, error: `http_${status}` },
          ),
        );
        response.on('error', (error) => resolve({ ok: false, status, error: failureCode(error) }));
      },
    );
    request.on('error', (error) => resolve({ ok: false, error: failureCode(error) }));
    request.end(body);
  });
}

function failureCode(error: unknown): string {
  if (error instanceof WebhookAddressRefused || (error as { cause?: unknown }).cause instanceof WebhookAddressRefused) {
    return 'address_refused';
  }
  return `network_${classifyNetworkFailure(error) ?? 'failed'}`;
}
