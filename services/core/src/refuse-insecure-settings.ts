import { isIP } from 'node:net';
import { ConfigError } from './errors.ts';

/** Whether an origin's host is this machine: `localhost`, a 127/8 address or `[::1]`. */
export function isLoopbackOrigin(origin: string): boolean {
  const { hostname } = new URL(origin);
  if (hostname === 'localhost') return true;
  if (hostname === '[::1]') return true;
  return isIP(hostname) === 4 && hostname.startsWith('127.');
}

/**
 * Every setting named `INSECURE_*` is a laptop's opt-out (plain-HTTP cookies, a signing key that
 * dies with the process). Switched on, it is refused unless the public origin is loopback, so one
 * copied into a deployment stops the service at start instead of weakening it quietly.
 */
export function refuseInsecureSettingsOffLoopback<T extends { PUBLIC_ORIGIN: string }>(scope: string, config: T): T {
  const switchedOn = Object.entries(config as Record<string, unknown>)
    .filter(([name, value]) => name.startsWith('INSECURE_') && value === true)
    .map(([name]) => name);
  if (switchedOn.length > 0 && !isLoopbackOrigin(config.PUBLIC_ORIGIN)) {
    throw new ConfigError(
      scope,
      switchedOn.map((name) => `${name}: only for a loopback PUBLIC_ORIGIN (localhost, 127.0.0.1, [::1])`),
    );
  }
  return config;
}
