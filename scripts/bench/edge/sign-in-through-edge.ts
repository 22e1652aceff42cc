import { randomUUID } from 'node:crypto';

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
  const cookie = login.headers
    .getSetCookie()
    .map((header) => header.split(';')[0] as string)
    .find((pair) => pair.includes('authscale_session=')) as string;
  return { cookie, accessToken };
}
