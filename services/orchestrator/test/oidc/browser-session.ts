/**
 * A minimal user agent for the provider's development login and consent pages: keeps cookies
 * per origin and follows redirects until the provider sends the browser to `redirectUri`.
 */
export async function signInAtProvider({
  authorizationUrl,
  redirectUri,
  accountId,
}: {
  authorizationUrl: string;
  redirectUri: string;
  accountId: string;
}): Promise<URL> {
  const cookies = new Map<string, string>();
  let url = new URL(authorizationUrl);
  let form: URLSearchParams | undefined;
  for (let hop = 0; hop < 20; hop++) {
    const response = await fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: form.toString() } : {}),
    });
    form = undefined;
    for (const header of response.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const separator = pair.indexOf('=');
      cookies.set(pair.slice(0, separator), pair.slice(separator + 1));
    }
    const location = response.headers.get('location');
    if (location) {
      url = new URL(location, url);
      if (url.toString().startsWith(redirectUri)) return url;
      continue;
    }
    const page = await response.text();
    const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
    if (response.status !== 200 || !prompt) throw new Error(`unexpected provider page ${response.status} at ${url}`);
    form = new URLSearchParams({ prompt, login: accountId, password: 'any' });
  }
  throw new Error('the provider never redirected back');
}
