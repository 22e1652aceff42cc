import { Type } from 'typebox';

/**
 * The building blocks of every service's config schema, so a kind of value is checked one way
 * wherever it appears. The naming rule they go with is in docs/deploy.md ("Naming settings").
 */

const httpUrlPattern = '^https?://[^\\s/?#]+(/[^\\s?#]*)?$';
const redisUrlPattern = '^rediss?://[^\\s]+$';
const originPattern = '^https?://[^\\s/?#]+$';
const smtpUrlPattern = '^smtps?://[^\\s/?#]+/?$';

interface StringFieldOptions {
  default?: string;
}

interface IntegerFieldOptions {
  default?: number;
  /** @default 0 */
  minimum?: number;
  maximum?: number;
}

/** An `http://` or `https://` base URL: a host, maybe a path, no query or fragment. */
export function httpUrl(options: StringFieldOptions = {}) {
  return Type.String({ ...options, pattern: httpUrlPattern });
}

/** One or more base URLs, comma-separated in the environment (`loadConfig` splits them). */
export function httpUrlList() {
  return Type.Array(httpUrl(), { minItems: 1 });
}

/** A `redis://` URL, or `rediss://` for TLS. */
export function redisUrl() {
  return Type.String({ pattern: redisUrlPattern });
}

/** One or more Redis URLs, comma-separated in the environment (`loadConfig` splits them). */
export function redisUrlList() {
  return Type.Array(redisUrl(), { minItems: 1 });
}

/**
 * The Redis user a service connects as (ElastiCache: the service's own user, whose access string
 * allows only its commands and keys). Unset, the client authenticates as `default`.
 */
export function redisUsername() {
  return Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,119}$' });
}

/** The password of that user (or the AUTH token of a Redis without users); never part of a URL. */
export function redisPassword() {
  return Type.String({ minLength: 1 });
}

/** An `smtp://` URL (STARTTLS when offered) or `smtps://` (TLS from the start), credentials in the user part. */
export function smtpUrl() {
  return Type.String({ pattern: smtpUrlPattern });
}

/** A web origin: scheme and host (and port), nothing after it. */
export function origin(options: StringFieldOptions = {}) {
  return Type.String({ ...options, pattern: originPattern });
}

/** One or more origins, comma-separated in the environment (`loadConfig` splits them). */
export function originList() {
  return Type.Array(origin(), { minItems: 1 });
}

const ipv4 = '((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const cidrPattern = `^(${ipv4}/(3[0-2]|[12]?\\d)|[0-9A-Fa-f]*:[0-9A-Fa-f:.]*/(12[0-8]|1[01]\\d|[1-9]?\\d))$`;

/** An IPv4 or IPv6 network in CIDR notation (`203.0.113.7/32`, `2001:db8::/48`). */
export function cidr() {
  return Type.String({ pattern: cidrPattern });
}

/** One or more networks, comma-separated in the environment (`loadConfig` splits them). */
export function cidrList() {
  return Type.Array(cidr(), { minItems: 1 });
}

/** A duration in whole milliseconds, for a setting whose name ends in `_MS`. */
export function durationMs(options: IntegerFieldOptions = {}) {
  return Type.Integer({ minimum: 0, ...options });
}

/** A duration in whole seconds, for a setting whose name ends in `_SECONDS`. */
export function durationSeconds(options: IntegerFieldOptions = {}) {
  return Type.Integer({ minimum: 0, ...options });
}
