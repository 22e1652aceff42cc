/**
 * `npm run drill:redis-failover -- --env staging --shard 0001`: fails over one shard of a deployed
 * environment's session cluster and prints the report as JSON. Uses the shell's AWS credentials.
 * ElastiCache allows a handful of TestFailover calls per day per group; see docs/deploy.md.
 */
import { parseArgs } from 'node:util';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { loadEnvironmentParameters } from '../config/load-environment-config.ts';
import { sessionClusterId } from '../constructs/redis-cluster.ts';
import { runFailoverDrill } from './redis-failover-drill.ts';

const { values } = parseArgs({
  options: { env: { type: 'string' }, shard: { type: 'string', default: '0001' } },
  strict: true,
});
if (!/^[0-9]{4}$/.test(values.shard)) {
  console.error('--shard takes a node group id such as 0001');
  process.exit(2);
}
const config = loadEnvironmentParameters(values.env);
const report = await runFailoverDrill({
  client: new ElastiCacheClient({ region: config.region }),
  replicationGroupId: sessionClusterId(config.name),
  shard: values.shard,
  log: (line) => console.error(`${new Date().toISOString()} ${line}`),
});
console.log(JSON.stringify(report, null, 2));
