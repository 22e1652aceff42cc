/**
 * The record of a chaos run: every operation the workload made, when, and what it got back,
 * and the invariants checked from it afterwards (Jepsen-style: the checker knows only the history).
 */

/** An HTTP status, or `no-answer` when the connection failed or the client gave up. */
export type Outcome = number | 'no-answer';

interface Timed {
  /** Milliseconds since the run started, when the request was sent and when its answer came. */
  start: number;
  end: number;
  outcome: Outcome;
  user: string;
}

/** A session read (`GET /me` with the session cookie or its access token). */
export interface Read extends Timed {
  kind: 'read';
  sid: string;
  credential?: 'cookie' | 'bearer';
  /** The final check after the run, not load: only the invariants read it. */
  final?: boolean;
}

/** A password sign-in; on 200 it created `sid`. */
export interface SignIn extends Timed {
  kind: 'sign-in';
  sid?: string;
}

/** A refresh: `presented` was exchanged for `successor` on a 200 (both as SHA-256 digests, never the tokens). */
export interface Refresh extends Timed {
  kind: 'refresh';
  sid: string;
  presented: string;
  successor?: string;
}

/** A logout of `sid`; a 204 acknowledges the revoke. */
export interface Revoke extends Timed {
  kind: 'revoke';
  sid: string;
}

/** A password change from `sid`; a 200 revokes the user's other sessions. */
export interface PasswordChange extends Timed {
  kind: 'password-change';
  sid: string;
}

export type Operation = Read | SignIn | Refresh | Revoke | PasswordChange;

export const acknowledged = (operation: Operation) =>
  typeof operation.outcome === 'number' && operation.outcome >= 200 && operation.outcome < 300;
/** Answered 4xx: the request changed nothing. */
const refused = (operation: Operation) =>
  typeof operation.outcome === 'number' && operation.outcome >= 400 && operation.outcome < 500;
export const failed = (operation: Operation) =>
  operation.outcome === 'no-answer' || (operation.outcome as number) >= 500;

export interface CheckOptions {
  /** How long after a revoke's acknowledgement a read may still see the session. */
  stalenessBoundMs: number;
  /** Whether a read that fails with 5xx breaks an invariant (false where the fault takes what reads need). */
  readsMustSucceed: boolean;
}

export interface Violation {
  invariant: 'acknowledged-session-lost' | 'revoked-session-served' | 'refresh-family-forked' | 'read-failed';
  detail: string;
}

export interface Verdict {
  violations: Violation[];
  /** The longest a read saw a session after its revoke was acknowledged (0: never). */
  observedStalenessMs: number;
}

/**
 * Checks a history against the suite's invariants:
 * - an acknowledged sign-in's session is served until something revoked it (no 401 for it, during
 *   the run or after);
 * - a session is not served once its revoke was acknowledged, beyond `stalenessBoundMs`;
 * - a refresh token is exchanged for one successor at most, however often it is presented;
 * - no read fails with 5xx or no answer, where the scenario leaves what reads need alive.
 * A session whose revoke, password change or refresh was not acknowledged either way is in doubt
 * from that request on: neither served nor refused breaks anything.
 */
export function checkHistory(history: readonly Operation[], options: CheckOptions): Verdict {
  const violations: Violation[] = [];
  const created = new Map<string, SignIn>();
  /** When each session stopped being certainly live: a revoke, or anything that may have revoked it. */
  const doubtfulFrom = new Map<string, number>();
  /** When each session's revoke was acknowledged. */
  const revokedAt = new Map<string, number>();
  const doubt = (sid: string, at: number) => doubtfulFrom.set(sid, Math.min(at, doubtfulFrom.get(sid) ?? at));
  const revoke = (sid: string, at: number) => revokedAt.set(sid, Math.min(at, revokedAt.get(sid) ?? at));
  /** Each user's acknowledged sign-ins, with the session each made. */
  const sessionsOf = new Map<string, Array<SignIn & { sid: string }>>();
  for (const operation of history) {
    if (operation.kind === 'sign-in' && operation.sid && acknowledged(operation)) {
      created.set(operation.sid, operation);
      sessionsOf.set(operation.user, [...(sessionsOf.get(operation.user) ?? []), { ...operation, sid: operation.sid }]);
    }
  }
  for (const operation of history) {
    if (operation.kind === 'revoke') {
      doubt(operation.sid, operation.start);
      if (acknowledged(operation)) revoke(operation.sid, operation.end);
    } else if (operation.kind === 'password-change' && !refused(operation)) {
      // Acknowledged or in doubt: the user's other sessions may be gone from the request on. Those
      // signed in before it certainly are; those signed in while it ran may be; later ones are not.
      for (const { sid, start, end } of sessionsOf.get(operation.user) ?? []) {
        if (sid === operation.sid || start > operation.end) continue;
        doubt(sid, operation.start);
        if (acknowledged(operation) && end < operation.start) revoke(sid, operation.end);
      }
    } else if (operation.kind === 'refresh' && (operation.outcome === 401 || failed(operation))) {
      // A 401 may be replay detection ending the family and its session; a failure may be either.
      doubt(operation.sid, operation.start);
    }
  }

  let observedStalenessMs = 0;
  for (const operation of history) {
    if (operation.kind !== 'read') continue;
    const sign = created.get(operation.sid);
    const revoked = revokedAt.get(operation.sid);
    if (operation.outcome === 200 && revoked !== undefined && operation.start > revoked) {
      const late = operation.start - revoked;
      observedStalenessMs = Math.max(observedStalenessMs, late);
      if (late > options.stalenessBoundMs) {
        violations.push({
          invariant: 'revoked-session-served',
          detail: `${operation.sid} served ${late.toFixed(0)} ms after its revoke was acknowledged${operation.final ? ' (final check)' : ''}`,
        });
      }
    }
    const certainlyLive =
      sign && operation.start > sign.end && operation.start < (doubtfulFrom.get(operation.sid) ?? Infinity);
    if (certainlyLive && operation.outcome === 401) {
      violations.push({
        invariant: 'acknowledged-session-lost',
        detail: `${operation.sid} answered 401 at ${operation.start.toFixed(0)} ms (${operation.credential ?? 'cookie'})${operation.final ? ' (final check)' : ''}; its sign-in was acknowledged at ${sign.end.toFixed(0)} ms`,
      });
    }
    if (options.readsMustSucceed && failed(operation) && !operation.final) {
      violations.push({
        invariant: 'read-failed',
        detail: `a read of ${operation.sid} at ${operation.start.toFixed(0)} ms answered ${operation.outcome}`,
      });
    }
  }

  const successors = new Map<string, Set<string>>();
  for (const operation of history) {
    if (operation.kind !== 'refresh' || !acknowledged(operation) || !operation.successor) continue;
    const seen = successors.get(operation.presented) ?? new Set();
    seen.add(operation.successor);
    successors.set(operation.presented, seen);
  }
  for (const [presented, seen] of successors) {
    if (seen.size > 1) {
      violations.push({
        invariant: 'refresh-family-forked',
        detail: `one refresh token (digest ${presented.slice(0, 12)}) was exchanged for ${seen.size} different successors`,
      });
    }
  }
  return { violations, observedStalenessMs };
}
