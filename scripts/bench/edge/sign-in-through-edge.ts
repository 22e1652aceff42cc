import { randomUUID } from 'node:crypto';
import { insecureLocalHttpSessionCookieName, sessionCookieName } from '@authscale/core';

/** The `name=value` pair of the session cookie a sign-in answer sets, under either of its names. */
export function sessionCookieOf(response: Response): string | undefined {
  return response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0] as string)
    .find(
      (pair) => pair.startsWith(`${sessionCookieName}=`) || pair.startsWith(`${insecureLocalHttpSessionCookieName}=`),
    );
}

/** Signs a fresh user up and in through the edge: the session cookie and the access token. */
export async function signInThroughEdge({ edgeUrl, origin }: { edgeUrl: string; origin: string }) {
  const credentials = { email: `bench-${randomUUID()}@example.test`, password: `bench ${randomUUID()}` };
  const post = (path: string) =>
    fetch(`${edgeUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify(credentials),
    });
  const signup = await post('/auth/signup');
  if (signup.status !== 201) throw new Error(`signup answered ${signup.status}: ${await signup.text()}`);
  const login = await post('/auth/login');
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${await login.text()}`);
  const { accessToken } = (await login.json()) as { accessToken: string };
  const cookie = sessionCookieOf(login);
  if (!cookie) throw new Error('login answered 200 without a session cookie');
  return { cookie, accessToken };
}
