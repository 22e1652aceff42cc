import { createClient } from 'redis';

export interface ClusterNodeInfo {
  id: string;
  port: number;
  primary: boolean;
  primaryId: string | null;
  failed: boolean;
  slots: Array<[number, number]>;
}

/** `CLUSTER NODES` as seen from one node. */
export async function clusterNodes(port: number): Promise<ClusterNodeInfo[]> {
  const admin = createClient({ url: `redis://127.0.0.1:${port}` });
  admin.on('error', () => {});
  await admin.connect();
  try {
    const text = String(await admin.sendCommand(['CLUSTER', 'NODES']));
    return text
      .trim()
      .split('\n')
      .map((line) => {
        const [id, address, flags, primaryId, , , , , ...slots] = line.split(' ');
        return {
          id: id as string,
          port: Number(/:(\d+)@/.exec(address as string)?.[1]),
          primary: (flags as string).includes('master'),
          primaryId: primaryId === '-' ? null : (primaryId as string),
          failed: (flags as string).includes('fail'),
          slots: slots
            .filter((range) => /^\d/.test(range))
            .map((range) => {
              const [start, end] = range.split('-').map(Number);
              return [start as number, (end ?? start) as number];
            }),
        };
      });
  } finally {
    await admin.close();
  }
}

/** The live primary serving `key` and its replica, as seen from `viaPort`. */
export async function ownersOf(key: string, viaPort: number) {
  const admin = createClient({ url: `redis://127.0.0.1:${viaPort}` });
  await admin.connect();
  const slot = Number(await admin.sendCommand(['CLUSTER', 'KEYSLOT', key]));
  await admin.close();
  const nodes = await clusterNodes(viaPort);
  const primary = nodes.find(
    (node) => node.primary && !node.failed && node.slots.some(([start, end]) => slot >= start && slot <= end),
  );
  const replica = nodes.find((node) => node.primaryId === primary?.id && !node.failed);
  return { primary, replica };
}

/** Runs one command on one node. */
export async function onNode(port: number, args: string[]): Promise<unknown> {
  const admin = createClient({ url: `redis://127.0.0.1:${port}` });
  admin.on('error', () => {});
  await admin.connect();
  try {
    return await admin.sendCommand(args);
  } finally {
    await admin.close();
  }
}

/** Resolves once every live primary has an online replica, so `WAIT 1` can succeed. */
export async function replicationOnline(ports: number[]): Promise<boolean | undefined> {
  for (const port of ports) {
    const info = String(await onNode(port, ['INFO', 'replication']));
    if (info.includes('role:master') && !/slave0:.*state=online/.test(info)) return undefined;
  }
  return true;
}
