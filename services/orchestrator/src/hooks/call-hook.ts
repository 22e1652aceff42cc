import { randomUUID } from 'node:crypto';
import { sendWebhook } from '../webhooks/send-webhook.ts';
import { signWebhook } from '../webhooks/sign-webhook.ts';
import type { HookEndpoint } from './hook-config.ts';

/** Larger answers are not a decision a hook should send: 16 KiB leaves room around 2 KiB of claims. */
const answerLimitBytes = 16 * 1024;

/**
 * What a call came to: the receiver's parsed JSON answer, or a failure code for the log line
 * (`network_timeout`, `http_500`, `answer_too_large`, `answer_not_json`, ...), never its body.
 */
export type HookCallResult = { ok: true; answer: unknown } | { ok: false; failure: string };

/**
 * One signed POST to a hook: the body `{type, version, timestamp, data}` and the Standard Webhooks
 * headers, exactly as an event delivery (docs/events.md), so one receiver library verifies both.
 * A hook is not retried: someone is waiting for its answer.
 */
export async function callHook(endpoint: HookEndpoint, data: Record<string, unknown>): Promise<HookCallResult> {
  const now = new Date();
  const body = JSON.stringify({ type: endpoint.name, version: 1, timestamp: now.toISOString(), data });
  const headers = signWebhook({ messageId: `msg_${randomUUID()}`, timestamp: now, body, secrets: endpoint.secrets });
  const result = await sendWebhook({
    url: endpoint.url,
    headers,
    body,
    timeoutMs: endpoint.timeoutMs,
    allowPrivateAddresses: endpoint.allowPrivateAddresses,
    keepAnswerBytes: answerLimitBytes,
  });
  if (!result.ok) return { ok: false, failure: result.error };
  try {
    return { ok: true, answer: JSON.parse(result.answer) };
  } catch {
    return { ok: false, failure: 'answer_not_json' };
  }
}
