import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

export interface EdgeRequestOptions {
  cookie?: string;
  bearer?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Requests to the stack's public origin as a client makes them (with that origin's `Origin`, as a
 * browser would), and a way to get a fresh signed-up, signed-in account.
 */
export function edgeClient(publicOrigin: string) {
  async function request(
    method: string,
    path: string,
    { cookie, bearer, body, headers = {} }: EdgeRequestOptions = {},
  ) {
    const response = await fetch(new URL(path, publicOrigin), {
      method,
      headers: {
        origin: publicOrigin,
        ...(cookie ? { cookie } : {}),
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, text, headers: response.headers };
  }

  async function account(label: string) {
    const email = `${label}-${randomBytes(4).toString('hex')}@example.test`;
    const password = `correct horse ${randomBytes(6).toString('hex')}`;
    const signup = await request('POST', '/auth/signup', { body: { email, password } });
    assert.equal(signup.status, 201);
    const login = await request('POST', '/auth/login', { body: { email, password } });
    assert.equal(login.status, 200);
    return {
      email,
      userId: signup.body.userId as string,
      tenantId: signup.body.tenantId as string,
      cookie: login.headers
        .getSetCookie()
        .map((header) => header.split(';')[0] as string)
        .find((pair) => pair.includes('authscale_session=')) as string,
      accessToken: login.body.accessToken as string,
    };
  }

  return { request, account };
}

export type EdgeClient = ReturnType<typeof edgeClient>;
