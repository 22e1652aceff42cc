/** What request authentication attaches to `request.user`: who is calling, nothing more. */
export interface AuthenticatedUser {
  id: string;
  sessionId: string;
  tenantId: string;
  amr: string[];
  acr: string;
  /** Seconds since the epoch when the user signed in. */
  authTime: number;
  /** How the caller proved who they are. */
  kind: 'session' | 'jwt' | 'api_key';
  /** API keys only: what the key may do in its tenant. */
  scopes?: string[];
}

/** A live API key as its owner vouches for it: the key acts in its one tenant within its scopes. */
export interface RequestAuthApiKey {
  keyId: string;
  tenantId: string;
  scopes: string[];
}

/** The fields of a session record that request authentication reads. */
export interface RequestAuthSession {
  sid: string;
  userId: string;
  tenantId: string;
  amr: string[];
  acr: string;
  /** Epoch milliseconds, as the session layer stores it. */
  authTime: number;
}

/** The claims of a verified access JWT that request authentication reads. */
export interface RequestAuthClaims {
  sub: string;
  sid: string;
  tid: string;
  amr: string[];
  acr: string;
  auth_time: number;
}
