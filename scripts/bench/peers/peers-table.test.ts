import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authscale, bestPeer, comparisonLines, type PeerRow, renderPeersTable } from './peers-table.ts';

const row = (target: string, configuration: string, share: number, instantRevocation = true): PeerRow => ({
  target,
  configuration,
  instantRevocation,
  freshness: 'at once',
  rps: Math.round(share * 10_000),
  p99: 3,
  share,
  shares: [share],
  serverRssMiB: 100,
  storesRssMiB: null,
  signInMs: 50,
});

const rows = [
  row(authscale, 'stack', 0.6),
  row(authscale, 'npm start', 0.4),
  row('better-auth', 'database', 0.05),
  row('better-auth', 'cookie cache', 0.3, false),
  row('Keycloak', 'userinfo', 0.1),
];

describe('the peers table', () => {
  it('picks the best peer by share of the hello-world, never an authscale row', () => {
    assert.equal(bestPeer(rows)?.configuration, 'cookie cache');
    assert.equal(bestPeer(rows, (peer) => peer.instantRevocation)?.target, 'Keycloak');
    assert.equal(bestPeer(rows.filter((peer) => peer.target === authscale)), undefined);
  });

  it('states each multiple against its target, and again against the peers that revoke at once', () => {
    assert.deepEqual(comparisonLines(rows, { stack: 'stack', start: 'npm start' }), [
      'The stack against the best peer: 2.0x (60% of the hello-world against better-auth, cookie cache, 30%); target >= 5x: not met.',
      '`npm start` against the best peer: 1.3x (40% of the hello-world against better-auth, cookie cache, 30%); target >= 2x: not met.',
      'The stack against the best peer that sees a revocation at once: 6.0x (60% of the hello-world against Keycloak, userinfo, 10%); target >= 5x: met.',
      '`npm start` against the best peer that sees a revocation at once: 4.0x (40% of the hello-world against Keycloak, userinfo, 10%); target >= 2x: met.',
    ]);
  });

  it('says so when a row it needs is missing', () => {
    const [stackLine] = comparisonLines(rows.slice(1), { stack: 'stack', start: 'npm start' });
    assert.equal(stackLine, 'The stack against the best peer: not computed (a row is missing).');
  });

  it('prints one line per row, dashes for what was not read, and the skipped targets under it', () => {
    const table = renderPeersTable(
      [{ ...row('Keycloak', 'userinfo', 0.123), serverRssMiB: null, signInMs: null }],
      [{ target: 'Keycloak', configuration: 'introspection', reason: 'no Java 21+ runtime' }],
    );
    const lines = table.split('\n');
    assert.equal(lines[2], '| Keycloak | userinfo | 1230 | 3 | 12.3% (12%) | - / - | - | at once |');
    assert.equal(lines.at(-1), 'Not measured: Keycloak, introspection: no Java 21+ runtime.');
  });
});
