import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};
// The flags the installed aws-cdk-lib recommends, the same file `cdk init` copies into a new app.
const recommended = createRequire(import.meta.url)('aws-cdk-lib/recommended-feature-flags.json') as Record<
  string,
  unknown
>;

test('cdk.json sets every feature flag the installed aws-cdk-lib recommends, to the recommended value', () => {
  const differing = Object.entries(recommended)
    .filter(([flag, value]) => JSON.stringify(cdkJson.context[flag]) !== JSON.stringify(value))
    .map(([flag, value]) => `${flag}: ${JSON.stringify(cdkJson.context[flag])}, recommended ${JSON.stringify(value)}`);
  // After an aws-cdk-lib upgrade this lists the new flags: read each in FEATURE_FLAGS.md, then add it.
  assert.deepEqual(differing, []);
});
