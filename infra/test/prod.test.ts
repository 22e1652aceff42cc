import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadEnvironmentParameters } from '../config/load-environment-config.ts';
import { describeEnvironment } from './environment-assertions.ts';

describeEnvironment('prod');

test('prod keeps the guarantees dev trades for cost', () => {
  const prod = loadEnvironmentParameters('prod');
  const dev = loadEnvironmentParameters('dev');
  assert.equal(prod.protectData, true, 'prod retains data and has deletion and termination protection');
  assert.equal(dev.protectData, false);
  assert.equal(prod.availabilityZones.length, 3);
  assert.equal(prod.network.natGateways, prod.availabilityZones.length, 'a NAT gateway per zone survives a zone loss');
  assert.ok(prod.aurora.readers >= 1, 'a warm reader to fail over to');
  assert.ok(prod.redis.replicasPerShard >= 2, 'a shard keeps a replica while one is replaced');
  assert.ok(prod.aurora.backupRetentionDays >= dev.aurora.backupRetentionDays);
  for (const service of ['edge', 'session', 'orchestrator'] as const) {
    assert.ok(prod.services[service].minTasks >= 3, `${service} runs a task in every zone`);
  }
});
