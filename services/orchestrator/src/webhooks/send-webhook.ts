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
  /**
   * Keep up to this many bytes of a 2xx answer's body (a synchronous hook's decision); a longer
   * answer fails as `answer_too_large`. @default 0: the body is read and dropped
   */
  keepAnswerBytes?: number;
}

/**
 * How one attempt ended. `error` is what the delivery row records: a code, never the receiver's
 * answer, which is the receiver's data and may be large.
 */
export type SendResult = { ok: true; status: number; answer: string } | { ok: false; status?: number; error: string };

/**
 * One POST to an endpoint, within `timeoutMs` from the first byte of the connection to the end
 * of the answer, without redirects (a 3xx is a failure, as the specification's senders treat it).
 * Any 2xx is delivered, with its body when `keepAnswerBytes` asks for it (a hook's answer).
 */
export function sendWebhook({
  url,
  headers,
  body,
  timeoutMs,
  allowPrivateAddresses,
  keepAnswerBytes = 0,
}: SendWebhookOptions) {
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
        const delivered = status >= 200 && status < 300;
        // Read the whole answer (kept only when asked for): the timeout covers it, the socket closes cleanly.
        const kept: Buffer[] = [];
        let keptBytes = 0;
        response.on('data', (chunk: Buffer) => {
          if (!delivered || keepAnswerBytes === 0) return;
          keptBytes += chunk.length;
          if (keptBytes > keepAnswerBytes) {
            resolve({ ok: false, status, error: 'answer_too_large' });
            request.destroy();
            return;
          }
          kept.push(chunk);
        });
        response.on('end', () =>
          resolve(
            delivered
              ? { ok: true, status, answer: Buffer.concat(kept).toString('utf8') }
              : { ok: false, status, error: `http_${status}` },
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
