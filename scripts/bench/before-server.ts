/**
 * The "before" reference: the seed's architecture, one Express server with express-session on a
 * Postgres store (connect-pg-simple). `GET /me` is what it was there: a session lookup in
 * Postgres, then the user's row. `POST /login` only opens a session (no password check).
 */
import { randomBytes } from 'node:crypto';
import connectPgSimple from 'connect-pg-simple';
import express from 'express';
import session from 'express-session';
import pg from 'pg';

declare module 'express-session' {
  interface SessionData {
    userId: string;
  }
}

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query(`
  CREATE TABLE IF NOT EXISTS users (id uuid PRIMARY KEY, email text NOT NULL UNIQUE);
  INSERT INTO users (id, email) VALUES ('00000000-0000-4000-8000-000000000001', 'before@example.test')
    ON CONFLICT DO NOTHING;
`);
const PgStore = connectPgSimple(session);
const app = express();
app.use(
  session({
    store: new PgStore({ pool, createTableIfMissing: true }),
    secret: randomBytes(32).toString('hex'),
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax', maxAge: 30 * 60_000 },
  }),
);
app.post('/login', (request, response) => {
  request.session.userId = '00000000-0000-4000-8000-000000000001';
  response.status(204).end();
});
app.get('/me', async (request, response) => {
  if (!request.session.userId) {
    response.status(401).json({ error: { code: 'unauthenticated', message: 'Sign in first.' } });
    return;
  }
  const { rows } = await pool.query('SELECT id, email FROM users WHERE id = $1', [request.session.userId]);
  response.json({ user: rows[0] });
});
app.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
