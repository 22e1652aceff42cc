/** A link under the public origin with the one-time token in its `token` query parameter. */
export function mailLink({ publicOrigin, path, token }: { publicOrigin: string; path: string; token: string }): string {
  const url = new URL(path, publicOrigin);
  url.searchParams.set('token', token);
  return url.href;
}
