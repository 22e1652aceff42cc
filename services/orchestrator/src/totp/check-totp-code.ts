import { verify } from 'otplib';

export interface CheckTotpCodeOptions {
  /** The base32 secret. */
  secret: string;
  code: string;
  /** The last time step accepted for this secret: it and every earlier step are refused. */
  afterTimeStep?: number | null;
  /** Unix seconds. @default now */
  now?: number;
}

const periodSeconds = 30;

/**
 * The time step `code` belongs to, or `null`. Tolerance is one step either side (±30 s of clock
 * drift) and no more; otplib compares in constant time. Replay protection is two-layered: steps at
 * or before `afterTimeStep` are refused here, and the caller persists the accepted step with a
 * conditional update so two concurrent requests cannot both spend one code.
 */
export async function checkTotpCode({
  secret,
  code,
  afterTimeStep,
  now = Math.floor(Date.now() / 1000),
}: CheckTotpCodeOptions): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const currentStep = Math.floor(now / periodSeconds);
  // A stored step ahead of our window (clock went backwards) would make otplib throw.
  if (afterTimeStep != null && afterTimeStep >= currentStep + 1) return null;
  try {
    const result = await verify({
      secret,
      token: code,
      epoch: now,
      period: periodSeconds,
      epochTolerance: periodSeconds,
      ...(afterTimeStep != null ? { afterTimeStep } : {}),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  } catch {
    return null;
  }
}
