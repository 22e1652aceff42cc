import type { EdgeBench } from './start-edge-bench.ts';

/** The processes whose CPU a row counts, by the name its column shows. */
export type Tiers = Record<string, { pid: number; withChildren?: boolean }>;

/** The row whose cost of telemetry the section states, against the row above it. */
export const tracedRow = 'edge `GET /me`, session cookie (near-cache hit), OpenTelemetry exporting a 1% trace sample';

export interface EdgeBenchTarget {
  what: string;
  url: string;
  headers: Record<string, string>;
  tiers: Tiers;
}

/**
 * The rows of the edge table: which edge, which credential, and every process on the request's
 * path, whose CPU per request makes the table also read as a capacity model.
 */
export function edgeBenchTargets({
  bench,
  cookie,
  accessToken,
}: {
  bench: EdgeBench;
  cookie: string;
  accessToken: string;
}): EdgeBenchTarget[] {
  const {
    edge,
    lenientEdge,
    uncachedEdge,
    untracedEdge,
    tracedEdge,
    edgeBeforeHello,
    session,
    orchestrator,
    hello,
    postgres,
    redis,
  } = bench;
  const redisPids = Object.fromEntries(redis.nodes.map((node, index) => [`redis${index}`, { pid: node.pid }]));
  const fullPath: Tiers = {
    edge: { pid: edge.pid },
    session: { pid: session.pid },
    orchestrator: { pid: orchestrator.pid },
    postgres: { pid: postgres.pid, withChildren: true },
    ...redisPids,
  };
  const edgeOnly: Tiers = {
    edge: { pid: edgeBeforeHello.pid },
    session: { pid: session.pid },
    hello: { pid: hello.pid },
    ...redisPids,
  };
  const bearer = { authorization: `Bearer ${accessToken}` };
  return [
    {
      what: 'edge `GET /me`, session cookie (near-cache hit)',
      url: `${edge.url}/me`,
      headers: { cookie },
      tiers: fullPath,
    },
    {
      what: 'edge `GET /me`, session cookie (near-cache hit), no exporter, a second edge started as the next row’s',
      url: `${untracedEdge.url}/me`,
      headers: { cookie },
      tiers: { ...fullPath, edge: { pid: untracedEdge.pid } },
    },
    {
      what: tracedRow,
      url: `${tracedEdge.url}/me`,
      headers: { cookie },
      tiers: { ...fullPath, edge: { pid: tracedEdge.pid } },
    },
    {
      what: 'edge `GET /me`, bearer JWT, revocation check on (near-cache hit)',
      url: `${edge.url}/me`,
      headers: bearer,
      tiers: fullPath,
    },
    {
      what: 'edge `GET /me`, session cookie, edge near cache off',
      url: `${uncachedEdge.url}/me`,
      headers: { cookie },
      tiers: { ...fullPath, edge: { pid: uncachedEdge.pid } },
    },
    {
      what: 'edge `GET /me`, bearer JWT, revocation check off',
      url: `${lenientEdge.url}/me`,
      headers: bearer,
      tiers: { ...fullPath, edge: { pid: lenientEdge.pid } },
    },
    {
      what: 'edge (near cache off) in front of the hello-world, session cookie',
      url: `${edgeBeforeHello.url}/me`,
      headers: { cookie },
      tiers: edgeOnly,
    },
  ];
}
