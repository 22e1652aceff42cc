/**
 * One error hierarchy with stable codes. Responses carry the code and a generic message;
 * the underlying error travels in `cause` and reaches logs only.
 */
export type AuthErrorCode =
  | 'invalid_request'
  | 'unauthenticated'
  | 'invalid_credentials'
  | 'weak_password'
  | 'mfa_required'
  | 'step_up_required'
  | 'forbidden'
  | 'signup_denied'
  | 'not_found'
  | 'invalid_link'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'dependency_failed'
  | 'dependency_unavailable'
  | 'dependency_timeout'
  | 'internal';

const statusByCode = {
  invalid_request: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  weak_password: 400,
  mfa_required: 401,
  step_up_required: 403,
  forbidden: 403,
  signup_denied: 403,
  not_found: 404,
  invalid_link: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  dependency_failed: 502,
  dependency_unavailable: 503,
  dependency_timeout: 504,
  internal: 500,
} as const satisfies Record<AuthErrorCode, number>;

const defaultMessageByCode: Record<AuthErrorCode, string> = {
  invalid_request: 'The request is invalid.',
  unauthenticated: 'Authentication is required.',
  invalid_credentials: 'The credentials are invalid.',
  weak_password: 'The password must be 8 to 128 characters long and not a commonly used password.',
  mfa_required: 'A second factor is required.',
  step_up_required: 'This action needs a recent sign-in or step-up authentication.',
  forbidden: 'You are not allowed to do this.',
  // The before-sign-up hook's reason, when it gives one, replaces this (docs/hooks.md).
  signup_denied: 'Sign-up is not allowed.',
  not_found: 'Not found.',
  invalid_link: 'The link is invalid, used or expired.',
  method_not_allowed: 'This path does not answer this method.',
  conflict: 'The request conflicts with the current state.',
  payload_too_large: 'The request body is too large.',
  rate_limited: 'Too many requests.',
  dependency_failed: 'A dependency answered with an error.',
  dependency_unavailable: 'A dependency is unavailable.',
  dependency_timeout: 'A dependency did not answer in time.',
  internal: 'Internal error.',
};

/** Every code the catalogue has, in its order: what the published error shape may carry. */
export const authErrorCodes = Object.freeze(Object.keys(statusByCode) as AuthErrorCode[]);

export interface AuthErrorOptions {
  cause?: unknown;
  /** For a `rate_limited` refusal: the seconds until a retry may succeed, sent as `Retry-After`. */
  retryAfterSeconds?: number;
  /**
   * The message is written for the person refused (a before-sign-up hook's reason) and is sent as
   * it is; otherwise the answer carries the code's generic message and this one reaches logs only.
   */
  shownToCaller?: boolean;
}

export class AuthError extends Error {
  readonly code: AuthErrorCode;
  readonly statusCode: number;
  readonly retryAfterSeconds: number | undefined;
  readonly shownToCaller: boolean;

  constructor(code: AuthErrorCode, message?: string, options?: AuthErrorOptions) {
    super(message ?? defaultMessageByCode[code], options && 'cause' in options ? { cause: options.cause } : undefined);
    this.name = 'AuthError';
    this.code = code;
    this.statusCode = statusByCode[code];
    this.retryAfterSeconds = options?.retryAfterSeconds;
    this.shownToCaller = options?.shownToCaller === true;
  }
}

export function statusForCode(code: AuthErrorCode): number {
  return statusByCode[code];
}

export function defaultMessageFor(code: AuthErrorCode): string {
  return defaultMessageByCode[code];
}

/** A programmer or deployment mistake, detected at boot. Never sent to clients. */
export class ConfigError extends TypeError {
  readonly code = 'ERR_AUTHSCALE_CONFIG';
  readonly problems: readonly string[];

  constructor(scope: string, problems: readonly string[]) {
    super(`${scope}: invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function isAuthError(value: unknown): value is AuthError {
  return value instanceof AuthError;
}
