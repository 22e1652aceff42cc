import { startRedisCluster } from '@authscale/testkit';
import { measureLiveSessions } from './live-sessions.ts';
const cluster = await startRedisCluster();
try { console.log(await measureLiveSessions(cluster, Number(process.argv[2]))); } finally { await cluster.stop(); }
