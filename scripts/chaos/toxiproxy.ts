import { freePort, spawnServer, stopProcess, waitFor } from '@authscale/testkit';
import { ensureGoTool } from '../go-tool.ts';

/** The Toxiproxy the fault-injection suite builds from the Go module proxy, once. */
export const toxiproxyVersion = 'v2.12.0';

const ensureToxiproxy = () =>
  ensureGoTool({
    name: 'toxiproxy',
    pkg: 'github.com/Shopify/toxiproxy/v2/cmd/server',
    version: toxiproxyVersion,
    binary: 'server',
  });

/** A toxic as Toxiproxy's API names it (https://github.com/Shopify/toxiproxy#toxics). */
export interface Toxic {
  type: 'latency' | 'bandwidth' | 'slow_close' | 'timeout' | 'reset_peer' | 'slicer' | 'limit_data';
  /** `downstream` is what the dependency sends back; `upstream` what the client sends. @default downstream */
  stream?: 'upstream' | 'downstream';
  attributes: Record<string, number>;
}

/** One TCP proxy between a client and a dependency. */
export interface Link {
  name: string;
  /** Where the client connects instead of the dependency. */
  port: number;
  /** Adds a toxic; resolves once Toxiproxy applies it to new and open connections. */
  add(toxic: Toxic): Promise<void>;
  /** Disabled, the proxy closes its connections and refuses new ones: the dependency is gone. */
  setEnabled(enabled: boolean): Promise<void>;
}

export interface Toxiproxy {
  /** A proxy on a free loopback port in front of `upstream` (`host:port`). */
  proxy(name: string, upstream: string): Promise<Link>;
  /**
   * Ends every toxic. Toxiproxy can hang for good removing a toxic from a proxy under traffic
   * (Shopify/toxiproxy#558; deleting the proxy hangs with it), so each toxic's toxicity goes to 0
   * instead; should that hang too, the server is restarted and the proxies made again on the same
   * ports, which closes their open connections.
   */
  heal(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `toxiproxy-server` on free loopback ports and returns a client for its HTTP API. */
export async function startToxiproxy(): Promise<Toxiproxy> {
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const start = async () => {
    const server = spawnServer(ensureToxiproxy(), ['-host', '127.0.0.1', '-port', String(port)]);
    await waitFor(async () => ((await fetch(`${api}/version`)).ok ? true : undefined), { what: 'toxiproxy-server' });
    return server;
  };
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${api}${path}`, {
      method,
      // A call that hangs is Toxiproxy's bug, and must not hang the run with it.
      signal: AbortSignal.timeout(10_000),
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`Toxiproxy ${method} ${path}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? undefined : response.json();
  };
  let server = await start();
  const proxies: Array<{ name: string; listen: string; upstream: string }> = [];
  const create = (proxy: (typeof proxies)[number]) => call('POST', '/proxies', { ...proxy, enabled: true });
  let toxics = 0;
  const named: Array<[string, string]> = [];
  return {
    async proxy(name, upstream) {
      const port = await freePort();
      const proxy = { name, listen: `127.0.0.1:${port}`, upstream };
      await create(proxy);
      proxies.push(proxy);
      return {
        name,
        port,
        async add({ type, stream = 'downstream', attributes }) {
          const toxic = `${type}-${++toxics}`;
          await call('POST', `/proxies/${name}/toxics`, { name: toxic, type, stream, toxicity: 1, attributes });
          named.push([name, toxic]);
        },
        setEnabled: async (enabled) => void (await call('POST', `/proxies/${name}`, { enabled })),
      };
    },
    async heal() {
      try {
        for (const [proxy, toxic] of named.splice(0)) {
          await call('POST', `/proxies/${proxy}/toxics/${toxic}`, { toxicity: 0 });
        }
      } catch {
        await stopProcess(server, 'SIGKILL');
        server = await start();
        for (const proxy of proxies) await create(proxy);
      }
    },
    stop: () => stopProcess(server, 'SIGTERM'),
  };
}
