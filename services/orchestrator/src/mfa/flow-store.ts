/** What a short-lived, server-side flow record is for; each kind is a separate keyspace. */
export type FlowKind =
  | 'mfa'
  | 'webauthn_registration'
  | 'webauthn_authentication'
  | 'webauthn_step_up'
  | 'oidc'
  | 'elevation';

export type FlowPayload = Record<string, string | number | boolean | string[] | null>;

/**
 * Short-lived state for sign-in ceremonies: MFA tokens, WebAuthn challenges, OIDC attempts and
 * step-up elevations. The identity module implements it over one Postgres table; ids are stored
 * only as SHA-256 hashes, and `take` deletes and returns in one statement, so a flow is spent
 * exactly once even under concurrent requests.
 */
export interface FlowStore {
  put(input: { kind: FlowKind; id: string; payload: FlowPayload; ttlSeconds: number }): Promise<void>;
  /** The payload if the flow exists and has not expired; leaves it in place. */
  get(input: { kind: FlowKind; id: string }): Promise<Record<string, unknown> | null>;
  /** Deletes the flow and returns its payload, or `null` if it was already spent or expired. */
  take(input: { kind: FlowKind; id: string }): Promise<Record<string, unknown> | null>;
}
