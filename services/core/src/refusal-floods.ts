import type { AuthErrorCode } from './errors.ts';

export interface RefusalFloodOptions {
  /** Refusals of one code within one window that make a flood. */
  threshold?: number;
  windowMs?: number;
  now?: () => number;
}

/**
 * Notices floods of refusals. A refusal is counted and logged only at debug, so at the deployed
 * level a credential-stuffing run would leave no trace in the log. `refused` is told of each
 * refusal and answers true once per code and window: when that code's refusals within the window
 * reach `threshold`. The caller writes one line then, and nothing more until the next window.
 */
export function watchRefusalFloods({ threshold = 100, windowMs = 10_000, now = Date.now }: RefusalFloodOptions = {}) {
  const windows = new Map<AuthErrorCode, { start: number; refusals: number }>();
  return {
    /** What a flood is, for the line that reports one. */
    flood: { refusals: threshold, withinSeconds: windowMs / 1000 },
    refused(code: AuthErrorCode): boolean {
      const at = now();
      let window = windows.get(code);
      if (window === undefined || at - window.start >= windowMs) {
        window = { start: at, refusals: 0 };
        windows.set(code, window);
      }
      window.refusals += 1;
      return window.refusals === threshold;
    },
  };
}
