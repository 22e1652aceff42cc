/** Where a service on this machine answers: every local topology binds its services to loopback. */
export function loopbackUrl(port: number): string {
  return `http://127.0.0.1:${port}`;
}
