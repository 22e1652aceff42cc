import type { EnvironmentName, EnvironmentParameters } from './schema.ts';

/**
 * The per-environment parameters, one typed object each: what every team deploying authscale shares.
 * The values only one team knows (account, certificate, host name, DNS zone) are not here: they come
 * from that team at synth (`deployment-target.ts`). docs/deploy.md explains each field.
 */
export const environments: Readonly<Record<EnvironmentName, EnvironmentParameters>> = {
  dev: {
    name: 'dev',
    region: 'eu-west-1',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    network: { cidr: '10.10.0.0/16', natGateways: 1 },
    edge: { accessLogRetentionDays: 14 },
    waf: { perIpRequestsPer5Min: 2000, authPerIpRequestsPer5Min: 100 },
    aurora: { minCapacityAcu: 0.5, maxCapacityAcu: 4, readers: 0, backupRetentionDays: 1 },
    redis: { nodeType: 'cache.t4g.small', shards: 1, replicasPerShard: 1, port: 6380, snapshotRetentionDays: 0 },
    services: {
      cpuArchitecture: 'ARM64',
      edge: { cpu: 256, memoryMiB: 512, minTasks: 1, maxTasks: 2, targetCpuPercent: 60 },
      session: { cpu: 256, memoryMiB: 512, minTasks: 2, maxTasks: 3, targetCpuPercent: 60 },
      orchestrator: { cpu: 512, memoryMiB: 1024, minTasks: 1, maxTasks: 2, targetCpuPercent: 60 },
      edgeRequestsPerTask: 3000,
      traceSampleRatio: 1,
      logRetentionDays: 7,
    },
    webhooks: { dispatcher: { cpu: 256, memoryMiB: 512 }, deliveryLagAlarmSeconds: 300 },
    adminApi: { cpu: 256, memoryMiB: 512, allowedCidrs: [] },
    jwt: { signingKeyRotationDays: 30 },
    signIn: { emailCode: true },
    loadTest: {
      workers: 2,
      worker: { cpu: 1024, memoryMiB: 2048 },
      maxDurationMinutes: 30,
      floors: { edge: 2, session: 3, orchestrator: 2 },
    },
    protectData: false,
  },
  staging: {
    name: 'staging',
    region: 'eu-west-1',
    availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    network: { cidr: '10.20.0.0/16', natGateways: 1 },
    edge: { accessLogRetentionDays: 30 },
    waf: { perIpRequestsPer5Min: 2000, authPerIpRequestsPer5Min: 100 },
    aurora: { minCapacityAcu: 0.5, maxCapacityAcu: 16, readers: 1, backupRetentionDays: 7 },
    redis: { nodeType: 'cache.r7g.large', shards: 3, replicasPerShard: 1, port: 6380, snapshotRetentionDays: 1 },
    services: {
      cpuArchitecture: 'ARM64',
      edge: { cpu: 1024, memoryMiB: 2048, minTasks: 2, maxTasks: 10, targetCpuPercent: 55 },
      session: { cpu: 1024, memoryMiB: 2048, minTasks: 2, maxTasks: 10, targetCpuPercent: 55 },
      orchestrator: { cpu: 1024, memoryMiB: 2048, minTasks: 2, maxTasks: 6, targetCpuPercent: 55 },
      edgeRequestsPerTask: 6000,
      traceSampleRatio: 0.1,
      logRetentionDays: 30,
    },
    webhooks: { dispatcher: { cpu: 256, memoryMiB: 512 }, deliveryLagAlarmSeconds: 300 },
    adminApi: { cpu: 256, memoryMiB: 512, allowedCidrs: [] },
    jwt: { signingKeyRotationDays: 30 },
    signIn: { emailCode: false },
    loadTest: {
      workers: 10,
      worker: { cpu: 2048, memoryMiB: 4096 },
      maxDurationMinutes: 90,
      floors: { edge: 6, session: 6, orchestrator: 4 },
      schedule: {
        profile: 'read-heavy',
        cron: 'cron(0 3 ? * SUN *)',
        // 2,000 VUs over the 10 tasks, each signing its 200 users up in setup() first.
        env: { VUS: '2000', DURATION: '30m', USERS: '200' },
      },
    },
    protectData: true,
  },
  prod: {
    name: 'prod',
    region: 'eu-west-1',
    availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    network: { cidr: '10.30.0.0/16', natGateways: 3 },
    edge: { accessLogRetentionDays: 365 },
    waf: { perIpRequestsPer5Min: 3000, authPerIpRequestsPer5Min: 100 },
    aurora: { minCapacityAcu: 2, maxCapacityAcu: 64, readers: 2, backupRetentionDays: 30 },
    redis: { nodeType: 'cache.r7g.large', shards: 3, replicasPerShard: 2, port: 6380, snapshotRetentionDays: 7 },
    services: {
      cpuArchitecture: 'ARM64',
      edge: { cpu: 2048, memoryMiB: 4096, minTasks: 3, maxTasks: 30, targetCpuPercent: 50 },
      session: { cpu: 2048, memoryMiB: 4096, minTasks: 3, maxTasks: 30, targetCpuPercent: 50 },
      orchestrator: { cpu: 2048, memoryMiB: 4096, minTasks: 3, maxTasks: 20, targetCpuPercent: 50 },
      edgeRequestsPerTask: 10000,
      traceSampleRatio: 0.01,
      logRetentionDays: 365,
    },
    webhooks: { dispatcher: { cpu: 512, memoryMiB: 1024, tasks: 2 }, deliveryLagAlarmSeconds: 120 },
    adminApi: { cpu: 256, memoryMiB: 512, allowedCidrs: [] },
    jwt: { signingKeyRotationDays: 30 },
    signIn: { emailCode: false },
    protectData: true,
  },
};
