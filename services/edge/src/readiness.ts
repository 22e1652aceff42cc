import type { ReadinessCheck } from '@authscale/core';

async function answersHealthz(baseUrl: string, timeoutMs: number) {
  const response = await fetch(new URL('/healthz', baseUrl), { signal: AbortSignal.timeout(timeoutMs) });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`${baseUrl} answered ${response.status}`);
}

/** Ready when the orchestrator answers. */
export function orchestratorAnswers(orchestratorUrl: string, timeoutMs = 1000): ReadinessCheck {
  return () => answersHealthz(orchestratorUrl, timeoutMs);
}

/** Ready when at least one session replica answers: the session client fails over to the next. */
export function someSessionReplicaAnswers(replicaUrls: readonly string[], timeoutMs = 1000): ReadinessCheck {
  return () => Promise.any(replicaUrls.map((url) => answersHealthz(url, timeoutMs)));
}
