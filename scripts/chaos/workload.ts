import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sessionCookieOf } from '../bench/edge/sign-in-through-edge.ts';
import type { Operation, Outcome } from './history.ts';

export interface WorkloadOptions {
  /** The public origin, which every request names as its `Origin`. */
  origin: string;
  /** Where requests go, one picked at random for each, as a load balancer spreads them. */
  edges: string[];
  /** Accounts the load signs in to, made before the run. */
  users: number;
  /** Operations per second, all workers together. */
  rate: number;
  workers: number;
  /** Add password changes (each revokes the user's other sessions) on a few accounts of their own. */
  passwordChanges?: boolean;
  /** Milliseconds since the run started: every operation is stamped with it. */
  clock: () => number;
}

interface Session {
  sid: string;
  cookie: string;
  accessToken: string;
  refreshToken: string;
}

interface Account {
  email: string;
  password: string;
  live: Session[];
  /** Sessions this client logged out, kept to read again: they must stay refused. */
  revoked: Session[];
  /** A password change went unanswered: the password is unknown, so the account stops signing in. */
  lost: boolean;
}

const digest = (token: string) => createHash('sha256').update(token).digest('base64url');
const requestDeadlineMs = 10_000;
const jsonOf = (text: string): Record<string, unknown> => {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
};
const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)] as T;

/**
 * The mixed load every chaos scenario runs under: reads (half with the session cookie, half with
 * the latest access token) at the seed's 20:1 ratio to sign-ins,
 * refreshes (one in three presented twice at once, as two tabs do), logouts, and on request
 * password changes. Each client remembers what it was told, as a real one would, and the
 * history records every request and its answer for the checker.
 */
export async function startWorkload({
  origin,
  edges,
  users,
  rate,
  workers,
  passwordChanges = false,
  clock,
}: WorkloadOptions) {
  const history: Operation[] = [];
  type Answer = { outcome: Outcome; response?: Response; body: Record<string, unknown> };
  const send = async (
    path: string,
    init: { method?: string; cookie?: string; bearer?: string; body?: unknown } = {},
  ): Promise<Answer> => {
    try {
      const response = await fetch(`${pick(edges)}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          origin,
          ...(init.cookie ? { cookie: init.cookie } : {}),
          ...(init.bearer ? { authorization: `Bearer ${init.bearer}` } : {}),
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: AbortSignal.timeout(requestDeadlineMs),
      });
      const text = await response.text();
      return { outcome: response.status, response, body: jsonOf(text) };
    } catch {
      return { outcome: 'no-answer', body: {} };
    }
  };

  async function signIn(account: Account, user: string): Promise<void> {
    const start = clock();
    const { outcome, response, body } = await send('/auth/login', {
      method: 'POST',
      body: { email: account.email, password: account.password },
    });
    const token = response && sessionCookieOf(response);
    const sid = typeof body.sessionId === 'string' ? body.sessionId : undefined;
    history.push({ kind: 'sign-in', user, start, end: clock(), outcome, ...(outcome === 200 && sid ? { sid } : {}) });
    if (
      outcome === 200 &&
      sid &&
      token &&
      typeof body.refreshToken === 'string' &&
      typeof body.accessToken === 'string'
    ) {
      account.live.push({ sid, cookie: token, accessToken: body.accessToken, refreshToken: body.refreshToken });
    }
  }

  /** `GET /me` with the session cookie or, as often, the session's latest access token. */
  async function read(user: string, session: Session, final = false): Promise<void> {
    const credential = Math.random() < 0.5 ? 'cookie' : 'bearer';
    const start = clock();
    const { outcome } = await send(
      '/me',
      credential === 'cookie' ? { cookie: session.cookie } : { bearer: session.accessToken },
    );
    history.push({
      kind: 'read',
      user,
      sid: session.sid,
      credential,
      start,
      end: clock(),
      outcome,
      ...(final ? { final } : {}),
    });
  }

  async function refresh(user: string, session: Session): Promise<void> {
    const presented = session.refreshToken;
    const once = async () => {
      const start = clock();
      const { outcome, body } = await send('/auth/token/refresh', {
        method: 'POST',
        body: { refreshToken: presented },
      });
      const successor = outcome === 200 && typeof body.refreshToken === 'string' ? body.refreshToken : undefined;
      if (outcome === 200 && typeof body.accessToken === 'string') session.accessToken = body.accessToken;
      history.push({
        kind: 'refresh',
        user,
        sid: session.sid,
        start,
        end: clock(),
        outcome,
        presented: digest(presented),
        ...(successor ? { successor: digest(successor) } : {}),
      });
      return successor;
    };
    const answers = await Promise.all(Math.random() < 1 / 3 ? [once(), once()] : [once()]);
    const successor = answers.find((answer) => answer !== undefined);
    // A failed refresh keeps the token, and presents it again next time, as clients do.
    if (successor) session.refreshToken = successor;
  }

  async function logout(account: Account, user: string): Promise<void> {
    const session = account.live.shift() as Session;
    const start = clock();
    const { outcome } = await send('/auth/logout', { method: 'POST', cookie: session.cookie });
    history.push({ kind: 'revoke', user, sid: session.sid, start, end: clock(), outcome });
    account.revoked = [...account.revoked.slice(-3), session];
  }

  async function changePassword(account: Account, user: string): Promise<void> {
    const session = account.live.at(-1) as Session;
    const next = `${account.password.split('#')[0]}#${Date.now()}`;
    const start = clock();
    const { outcome } = await send('/auth/password', {
      method: 'PUT',
      cookie: session.cookie,
      body: { currentPassword: account.password, newPassword: next },
    });
    history.push({ kind: 'password-change', user, sid: session.sid, start, end: clock(), outcome });
    if (outcome === 200) {
      account.revoked = [...account.revoked, ...account.live.filter((other) => other !== session)].slice(-4);
      account.live = [session];
      account.password = next;
    } else if (outcome === 'no-answer' || outcome >= 500) {
      account.lost = true;
    }
  }

  // Accounts, each signed in once, before the clock starts.
  const stamp = Date.now().toString(36);
  const makeAccount = async (index: number, pool: string): Promise<[string, Account]> => {
    const email = `chaos-${pool}-${stamp}-${index}@example.test`;
    const password = `chaos correct horse battery ${index}`;
    const signup = await send('/auth/signup', { method: 'POST', body: { email, password } });
    if (signup.outcome !== 201) throw new Error(`signup answered ${signup.outcome}: ${JSON.stringify(signup.body)}`);
    const account: Account = { email, password, live: [], revoked: [], lost: false };
    await signIn(account, email);
    if (account.live.length === 0) throw new Error(`the first sign-in of ${email} failed`);
    return [email, account];
  };
  const accounts = new Map(await Promise.all(Array.from({ length: users }, (_, index) => makeAccount(index, 'load'))));
  const changers = new Map(
    passwordChanges ? await Promise.all(Array.from({ length: 4 }, (_, index) => makeAccount(index, 'password'))) : [],
  );

  /** One operation, drawn with the seed's weights: 20 reads per sign-in. */
  async function step(): Promise<void> {
    const roll = Math.random() * 24;
    if (passwordChanges && roll < 1) {
      const [user, account] = pick([...changers]);
      if (account.lost || account.live.length === 0) return;
      if (account.live.length < 2) return signIn(account, user);
      return changePassword(account, user);
    }
    const [user, account] = pick([...accounts]);
    if (roll >= 23 && account.live.length < 8) return signIn(account, user);
    if (roll >= 22 && account.live.length > 1) return logout(account, user);
    if (roll >= 21 && account.live.length > 0) return refresh(user, pick(account.live));
    // A fifth of reads present a session this client logged out, which must stay refused.
    const session = Math.random() < 0.2 && account.revoked.length > 0 ? pick(account.revoked) : pick(account.live);
    return read(user, session);
  }

  let running = true;
  const intervalMs = (1000 * workers) / rate;
  const loops = Array.from({ length: workers }, async (_, worker) => {
    await sleep((worker * intervalMs) / workers);
    for (let next = performance.now(); running; ) {
      await step();
      next += intervalMs;
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
      else next = performance.now();
    }
  });

  return {
    history,
    /** Stops the load, then reads every session once more: the final check. */
    async stop(): Promise<Operation[]> {
      running = false;
      await Promise.all(loops);
      for (const [user, account] of [...accounts, ...changers]) {
        for (const session of [...account.live, ...account.revoked]) await read(user, session, true);
      }
      return history;
    },
  };
}
