import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Headers of one connection, which a proxy does not forward. */
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);
const forwardable = (headers: IncomingHttpHeaders) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !hopByHop.has(name)));

interface Target {
  readonly port: number;
  inFlight: number;
  served: number;
  draining: boolean;
  drained?: () => void;
}

/**
 * What stands in front of a service in AWS (the load balancer before the edges, Service Connect
 * before the replicas and the orchestrator), for a rolling deployment on one machine: one stable
 * loopback address, spread round-robin over the instances registered behind it. An instance is
 * deregistered before it stops and its requests in flight finish first, as a target group's
 * deregistration delay lets them, so restarting instances one by one fails no request by itself.
 * Each request opens its own connection to the instance, so no kept-alive connection can meet an
 * instance that is closing; the callers keep theirs to the balancer, which never restarts.
 */
export async function startServiceBalancer() {
  const targets = new Map<number, Target>();
  let turn = 0;
  const server = createServer((request, response) => {
    const live = [...targets.values()].filter((target) => !target.draining);
    const target = live[turn++ % Math.max(live.length, 1)];
    if (!target) {
      response.writeHead(503).end();
      return;
    }
    target.inFlight += 1;
    response.on('close', () => {
      target.inFlight -= 1;
      target.served += 1;
      if (target.draining && target.inFlight === 0) target.drained?.();
    });
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: target.port,
        method: request.method,
        path: request.url,
        headers: forwardable(request.headers),
        agent: false,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, forwardable(answer.headers));
        answer.pipe(response);
      },
    );
    upstream.on('error', () => {
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    port,
    /** Sends requests to the instance on `instancePort` too, from now on. */
    register(instancePort: number) {
      targets.set(instancePort, { port: instancePort, inFlight: 0, served: 0, draining: false });
    },
    /** Requests the instance on `instancePort` has answered since it was registered. */
    served(instancePort: number): number {
      return targets.get(instancePort)?.served ?? 0;
    },
    /** Sends it no new request, and resolves once those in flight are answered; then it may stop. */
    async drain(instancePort: number): Promise<void> {
      const target = targets.get(instancePort);
      if (!target) return;
      target.draining = true;
      if (target.inFlight > 0) await new Promise<void>((resolve) => (target.drained = resolve));
      targets.delete(instancePort);
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export type ServiceBalancer = Awaited<ReturnType<typeof startServiceBalancer>>;
