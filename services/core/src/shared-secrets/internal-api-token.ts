import type { RotatingSecret } from './rotating-secret.ts';

/** The settings of the internal API token, as every service's configuration names them. */
export interface InternalApiTokenSettings {
  readonly INTERNAL_API_TOKEN: string;
  readonly INTERNAL_API_TOKEN_PREVIOUS?: string | undefined;
  readonly INTERNAL_API_TOKEN_NEXT?: string | undefined;
}

/** The internal API token and the values it rotates between. */
export function internalApiToken(settings: InternalApiTokenSettings): RotatingSecret {
  return Object.freeze({
    current: settings.INTERNAL_API_TOKEN,
    previous: settings.INTERNAL_API_TOKEN_PREVIOUS,
    next: settings.INTERNAL_API_TOKEN_NEXT,
  });
}
