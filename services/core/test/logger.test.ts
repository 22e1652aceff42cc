import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { loggerOptions } from '../src/index.ts';

/** The one line a logger with the services' options writes for `fields`. */
function lineFor(fields: Record<string, unknown>): Record<string, unknown> {
  let written = '';
  const logger = pino(loggerOptions({ service: 'test', level: 'info' }), {
    write: (line: string) => {
      written = line;
    },
  });
  logger.info(fields, 'a line');
  return JSON.parse(written) as Record<string, unknown>;
}

describe('log redaction', () => {
  it('hides credentials in headers and secrets in bodies', () => {
    const line = JSON.stringify(
      lineFor({
        req: { headers: { authorization: 'Bearer secret-bearer', cookie: 'authscale_session=secret-cookie' } },
        body: { password: 'secret-password', code: '123456', token: 'secret-token', secret: 'whsec_secret' },
      }),
    );
    for (const secret of [
      'secret-bearer',
      'secret-cookie',
      'secret-password',
      '123456',
      'secret-token',
      'whsec_secret',
    ])
      assert.doesNotMatch(line, new RegExp(secret));
  });

  it("writes a failed dependency's error out whole under `cause`, as under `err`", () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    const line = lineFor({ cause: refused });
    const cause = line.cause as Record<string, unknown>;
    assert.equal(cause.message, 'connect ECONNREFUSED 127.0.0.1:6379');
    assert.equal(cause.code, 'ECONNREFUSED');
    assert.equal(cause.type, 'Error');
  });

  it("keeps a failed dependency's error code, which says what went wrong", () => {
    const line = lineFor({ err: { code: 'ECONNREFUSED' }, cause: { code: '57P01' } });
    assert.deepEqual(line.err, { code: 'ECONNREFUSED' });
    assert.deepEqual(line.cause, { code: '57P01' });
  });
});
