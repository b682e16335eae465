// The yardstick: a bare Fastify hello-world on the same machine, measured with the same
// autocannon settings as the get phase. PORT from the environment; 127.0.0.1 only.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log(`hello-world listening on ${process.env.PORT}`);
const stop = async () => {
  await app.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
