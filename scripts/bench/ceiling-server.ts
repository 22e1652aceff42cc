/** The ceiling reference: a bare Fastify server answering `GET /me` with a constant. */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/me', async () => ({ user: { id: 'ceiling', email: 'ceiling@example.test' } }));
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
console.log('ready');
