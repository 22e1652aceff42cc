import assert from 'node:assert/strict';
import { it } from 'node:test';
import { buildOrchestratorApp, loadOrchestratorConfig } from '../src/index.ts';

it('orchestrator answers GET /healthz', async () => {
  const app = await buildOrchestratorApp(loadOrchestratorConfig({ LOG_LEVEL: 'silent' }));
  const response = await app.inject({ method: 'GET', url: '/healthz' });
  assert.equal(response.statusCode, 200);
  assert.deepEqual(response.json(), { status: 'ok' });
  await app.close();
});
