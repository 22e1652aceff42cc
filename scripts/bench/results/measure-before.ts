import { startPostgres } from '@authscale/testkit';
import { load, startScript } from '../load.ts';

/**
 * The seed's "before": Express with express-session on Postgres (connect-pg-simple), one signed-in
 * `GET /me` closed loop for `seconds`.
 */
export async function measureBefore({ seconds }: { seconds: number }) {
  const postgres = await startPostgres();
  try {
    const server = await startScript('./before-server.ts', { DATABASE_URL: postgres.url });
    try {
      const login = await fetch(`${server.url}/login`, { method: 'POST' });
      const cookie = login.headers.getSetCookie()[0]?.split(';')[0] as string;
      return await load({ url: `${server.url}/me`, headers: { cookie }, seconds });
    } finally {
      await server.stop();
    }
  } finally {
    await postgres.stop();
  }
}
