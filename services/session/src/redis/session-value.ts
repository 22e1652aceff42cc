import type { SessionRecord } from '../store/session-record.ts';

/**
 * A record packed into one hash value, short enough that a user's hash stays a listpack
 * (hash-max-listpack-value 256) with a typical user agent:
 *
 *   1<createdAt>|<lastSeenAt-createdAt>|<idleExpiresAt-lastSeenAt>|<absoluteExpiresAt-createdAt>|
 *   <createdAt-authTime>|<tenantId>|<acr>|<amr,...>|<ip>|<userAgent>
 *
 * The leading `1` is the format version. Times are base-36 milliseconds, all but createdAt as
 * deltas (a few characters each). In strings `%` and `|` are percent-escaped, and `,` too in amr
 * values (not in user agents, where it is common), so the separators are unambiguous; a lone `%`,
 * which escaping never produces, is the empty string, and an empty field is null. The sid is the
 * hash field and the user id is in the key, so neither is repeated here. The Lua scripts read and
 * rewrite the first four times (`session-scripts.ts`).
 */
export function packSession(record: SessionRecord): string {
  const { createdAt, lastSeenAt } = record;
  return [
    `1${b36(createdAt)}`,
    b36(lastSeenAt - createdAt),
    b36(record.idleExpiresAt - lastSeenAt),
    b36(record.absoluteExpiresAt - createdAt),
    b36(createdAt - record.authTime),
    quote(record.tenantId),
    quote(record.acr),
    record.amr.map((value) => quote(value, /[%|,]/g)).join(','),
    record.ip === null ? '' : quote(record.ip),
    record.userAgent === null ? '' : quote(record.userAgent),
  ].join('|');
}

/** The record stored under `sid`, or null when the value is not one this version wrote. */
export function unpackSession(userId: string, sid: string, value: string): SessionRecord | null {
  const parts = value.split('|');
  if (parts.length !== 10 || !parts[0]?.startsWith('1')) return null;
  const [
    head = '',
    seen = '',
    idle = '',
    absolute = '',
    auth = '',
    tenantId = '',
    acr = '',
    amr = '',
    ip = '',
    userAgent = '',
  ] = parts;
  const createdAt = int(head.slice(1));
  const lastSeenAt = createdAt + int(seen);
  const idleExpiresAt = lastSeenAt + int(idle);
  const absoluteExpiresAt = createdAt + int(absolute);
  const authTime = createdAt - int(auth);
  if (![idleExpiresAt, absoluteExpiresAt, authTime].every(Number.isSafeInteger)) return null;
  try {
    return {
      sid,
      userId,
      tenantId: unquote(tenantId),
      createdAt,
      lastSeenAt,
      idleExpiresAt,
      absoluteExpiresAt,
      ip: ip ? unquote(ip) : null,
      userAgent: userAgent ? unquote(userAgent) : null,
      amr: amr ? amr.split(',').map(unquote) : [],
      acr: unquote(acr),
      authTime,
    };
  } catch {
    return null; // a malformed escape: not a value this code wrote
  }
}

const b36 = (value: number) => value.toString(36);
const int = (text: string) => (/^-?[0-9a-z]+$/.test(text) ? Number.parseInt(text, 36) : Number.NaN);
const quote = (text: string, special = /[%|]/g) => (text === '' ? '%' : text.replace(special, encodeURIComponent));
const unquote = (text: string) => (text === '%' ? '' : decodeURIComponent(text));
