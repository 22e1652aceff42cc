import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { respondToCloudFormation } from '../../constructs/identity-provisioning/respond-to-cloudformation.ts';

/** Stands in for the pre-signed S3 URL CloudFormation waits on: records each PUT. */
const received: Array<{ method?: string; contentType?: string; body: Record<string, unknown> }> = [];
let status = 200;
const server = createServer(async (request: IncomingMessage, response) => {
  let body = '';
  for await (const chunk of request) body += chunk;
  received.push({ method: request.method, contentType: request.headers['content-type'], body: JSON.parse(body) });
  response.writeHead(status).end();
});
let responseUrl: string;
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  responseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/signed?X-Amz-Signature=abc`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const request = () => ({
  RequestType: 'Create' as const,
  ResponseURL: responseUrl,
  StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/authscale-dev-data/1',
  RequestId: 'request-1',
  LogicalResourceId: 'IdentityProvisioningRun',
});

describe('respondToCloudFormation', () => {
  test('reports success under a physical id that never changes, with the empty content type the URL is signed for', async () => {
    received.length = 0;
    await respondToCloudFormation(request(), { ok: true });
    assert.deepEqual(received, [
      {
        method: 'PUT',
        contentType: '',
        body: {
          Status: 'SUCCESS',
          Reason: 'done',
          PhysicalResourceId: 'IdentityProvisioningRun',
          StackId: request().StackId,
          RequestId: 'request-1',
          LogicalResourceId: 'IdentityProvisioningRun',
        },
      },
    ]);
  });

  test('reports a failure with its reason, cut to what CloudFormation keeps, and keeps an existing physical id', async () => {
    received.length = 0;
    await respondToCloudFormation(
      { ...request(), RequestType: 'Update', PhysicalResourceId: 'IdentityProvisioningRun' },
      { ok: false, reason: `provision did not succeed: ${'x'.repeat(5000)}` },
    );
    const [answer] = received;
    assert.equal(answer?.body.Status, 'FAILED');
    assert.equal(String(answer?.body.Reason).length, 2000);
    assert.match(String(answer?.body.Reason), /^provision did not succeed: x+$/);
  });

  test('throws when the answer is refused, so the function fails loudly in its logs', async () => {
    status = 403;
    try {
      await assert.rejects(respondToCloudFormation(request(), { ok: true }), /HTTP 403/);
    } finally {
      status = 200;
    }
  });
});
