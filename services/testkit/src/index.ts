export { isAlive, run, spawnServer, stopProcess, waitFor } from './child-processes.ts';
export type { DynamoDbEmulator } from './dynamodb.ts';
export { startDynamoDb } from './dynamodb.ts';
export { findBinary, MissingBinaryError } from './find-binary.ts';
export { freePort, freePorts } from './free-port.ts';
export type { SinkMessage, SmtpSink, StartSmtpSinkOptions } from './mail/start-smtp-sink.ts';
export { startSmtpSink } from './mail/start-smtp-sink.ts';
export type { OtlpReceiver, ReceivedMetric, ReceivedSpan } from './otlp/start-otlp-receiver.ts';
export { startOtlpReceiver } from './otlp/start-otlp-receiver.ts';
export type { PostgresServer } from './postgres.ts';
export { startPostgres } from './postgres.ts';
export type { RawServer } from './raw-server.ts';
export { rejectionOf, startRawServer } from './raw-server.ts';
export type { RedisAclUser, RedisClusterServer, RedisNode, RedisServer, StartRedisClusterOptions } from './redis.ts';
export {
  addRedisAclUser,
  formRedisCluster,
  killConnectionsNamed,
  redisClusterNodeArgs,
  redisNodeArgs,
  startRedis,
  startRedisCluster,
} from './redis.ts';
export type { SharedServers } from './shared-servers.ts';
export { sharedServers, sharedServersEnv, startSharedServers } from './shared-servers.ts';
export type { DispatcherProcess, StartDispatcherProcessOptions } from './start-dispatcher-process.ts';
export { startDispatcherProcess } from './start-dispatcher-process.ts';
export type { ServiceName, ServiceProcess, StartServiceOptions } from './start-service.ts';
export { serviceNodeFlags, startService } from './start-service.ts';
export type { SystemPackageName } from './system-packages.ts';
export { ensureSystemPackages, MissingSystemPackagesError, missingSystemPackages } from './system-packages.ts';
export { loopbackUrl } from './topology/loopback-url.ts';
export type { StackProcess, StackState } from './topology/stack-state-file.ts';
export { stackStateFile } from './topology/stack-state-file.ts';
export type { RunningTopology, StartTopologyOptions } from './topology/start-topology.ts';
export { startTopology } from './topology/start-topology.ts';
export type { Topology, TopologyEnv, TopologyRole } from './topology/topology-env.ts';
export { topologyEnv } from './topology/topology-env.ts';
