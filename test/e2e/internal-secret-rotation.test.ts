import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type ServiceName,
  type ServiceProcess,
  startService,
  type TopologyEnv,
  topologyEnv,
  waitFor,
} from '@authscale/testkit';
import { type ServiceBalancer, startServiceBalancer } from './service-balancer.ts';
import { prepareStackBackends } from './start-stack.ts';

/**
 * Issue #19: the internal API token and the principal-assertion key rotate under traffic with no
 * failed request. The whole topology runs as processes behind stand-ins for the load balancer and
 * Service Connect, with the edge's near cache off, so a signed-in `GET /me` goes edge -> session
 * replica -> orchestrator and every hop carries one of the two secrets. While clients keep
 * reading, signing in and calling with an API key, every service is restarted one by one, a new
 * instance beside the old one until both have served, in the order that is hardest on the secrets:
 * senders first. Before that, the same fleet shows what a service missing the previous or the next
 * value does to it.
 */

/** One shared secret between two rotations, as Secrets Manager holds it. */
interface Rotating {
  readonly previous?: string;
  readonly current: string;
  readonly next?: string;
}

/** Both secrets; the stacks keep each in a secret of its own. */
interface SecretsState {
  readonly token: Rotating;
  readonly key: Rotating;
}

const newValue = () => randomBytes(32).toString('base64url');

/** One rotation, as the rotation function makes it: next becomes current, current becomes previous. */
const rotated = (secret: Rotating): Rotating => ({
  previous: secret.current,
  current: secret.next ?? newValue(),
  next: newValue(),
});

/**
 * What each role is given, as the stacks give it: the receivers (replicas, orchestrator) every
 * value they hold; the edge, which only sends, the current ones.
 */
function secretSettings(role: ServiceName, { token, key }: SecretsState): Record<string, string> {
  const values = (name: string, secret: Rotating) => ({
    [name]: secret.current,
    ...(secret.previous ? { [`${name}_PREVIOUS`]: secret.previous } : {}),
    ...(secret.next ? { [`${name}_NEXT`]: secret.next } : {}),
  });
  if (role === 'edge') return { INTERNAL_API_TOKEN: token.current, PRINCIPAL_ASSERTION_KEY: key.current };
  if (role === 'session') return values('INTERNAL_API_TOKEN', token);
  return { ...values('INTERNAL_API_TOKEN', token), ...values('PRINCIPAL_ASSERTION_KEY', key) };
}

interface Account {
  readonly email: string;
  readonly password: string;
  readonly userId: string;
  readonly tenantId: string;
  readonly cookie: string;
  readonly accessToken: string;
  /** The device cookie (`name=nonce.mac`) its sign-ins earned. */
  device?: string;
}

const cookieNamed = (response: Response, name: string) =>
  response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0] as string)
    .find((pair) => pair.includes(`${name}=`));

const deviceNonce = (device: string | undefined) => device?.split('=')[1]?.split('.')[0];

describe('rotating the internal secrets under traffic', () => {
  const logDir = mkdtempSync(join(tmpdir(), 'authscale-rotation-'));
  const started: ServiceProcess[] = [];
  let backends: Awaited<ReturnType<typeof prepareStackBackends>>;
  let balancers: Record<ServiceName, ServiceBalancer>;
  let env: TopologyEnv;
  let publicOrigin: string;

  /** One instance of `role`, holding the secrets of `state`; not yet behind its balancer. */
  const launch = async (role: ServiceName, name: string, state: SecretsState) => {
    const instance = await startService({
      service: role,
      env: { ...env[role], ...secretSettings(role, state) },
      // The topology's environment is complete: it chose what to inherit.
      inheritEnv: false,
      logFile: join(logDir, `${name}.log`),
    });
    started.push(instance);
    return instance;
  };

  /** Signed-in `GET /me` through `base`, as a browser on the public origin sends it. */
  const me = async (account: Account, base = publicOrigin) => {
    const response = await fetch(new URL('/me', base), {
      headers: { origin: publicOrigin, cookie: account.cookie },
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status !== 200) {
      await response.arrayBuffer();
      return false;
    }
    const body = (await response.json()) as { user?: { id?: string } };
    return body.user?.id === account.userId;
  };

  const signIn = (account: Pick<Account, 'email' | 'password'>, device?: string) =>
    fetch(new URL('/auth/login', publicOrigin), {
      method: 'POST',
      headers: { origin: publicOrigin, 'content-type': 'application/json', ...(device ? { cookie: device } : {}) },
      body: JSON.stringify({ email: account.email, password: account.password }),
      signal: AbortSignal.timeout(10_000),
    });

  const signUp = async (label: string): Promise<Account> => {
    const email = `${label}-${randomBytes(4).toString('hex')}@example.test`;
    const password = `correct horse ${randomBytes(6).toString('hex')}`;
    const signup = await fetch(new URL('/auth/signup', publicOrigin), {
      method: 'POST',
      headers: { origin: publicOrigin, 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    assert.equal(signup.status, 201);
    const { userId, tenantId } = (await signup.json()) as { userId: string; tenantId: string };
    const login = await signIn({ email, password });
    assert.equal(login.status, 200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const cookie = cookieNamed(login, 'authscale_session');
    assert.ok(cookie);
    return { email, password, userId, tenantId, cookie, accessToken, device: cookieNamed(login, 'authscale_device') };
  };

  // The fleet starts one rotation in: each secret's next value is already published.
  const fleetSecrets: SecretsState = {
    token: { current: newValue(), next: newValue() },
    key: { current: newValue(), next: newValue() },
  };
  const rotatedSecrets: SecretsState = { token: rotated(fleetSecrets.token), key: rotated(fleetSecrets.key) };
  const fleet = {} as Record<'edge' | 'orchestrator' | 'session-1' | 'session-2', ServiceProcess>;

  before(async () => {
    backends = await prepareStackBackends();
    balancers = {
      edge: await startServiceBalancer(),
      orchestrator: await startServiceBalancer(),
      session: await startServiceBalancer(),
    };
    publicOrigin = `http://localhost:${balancers.edge.port}`;
    const topology = backends.topology({
      publicOrigin,
      sessionPorts: [balancers.session.port],
      orchestratorPort: balancers.orchestrator.port,
      // Every authenticated request then asks a session replica.
      edgeNearCache: false,
      // One client signs in many times a minute; the per-account limit is tested in services/edge.
      extraEnv: { edge: { RATE_LIMIT_SIGN_IN_MAX: '100000' } },
    });
    env = topologyEnv({ inherited: process.env, ...topology });
    // In the order they depend on each other, each behind its balancer once ready.
    const replicas = await Promise.all([
      launch('session', 'session-1', fleetSecrets),
      launch('session', 'session-2', fleetSecrets),
    ]);
    for (const replica of replicas) balancers.session.register(replica.port);
    [fleet['session-1'], fleet['session-2']] = replicas as [ServiceProcess, ServiceProcess];
    fleet.orchestrator = await launch('orchestrator', 'orchestrator', fleetSecrets);
    balancers.orchestrator.register(fleet.orchestrator.port);
    fleet.edge = await launch('edge', 'edge', fleetSecrets);
    balancers.edge.register(fleet.edge.port);
  });

  after(async () => {
    await Promise.all(started.map((instance) => instance.stop()));
    await Promise.all(Object.values(balancers ?? {}).map((balancer) => balancer.stop()));
    await backends?.drop();
    rmSync(logDir, { recursive: true, force: true });
  });

  /** `count` sequential `GET /me` through `base`, and how many were answered. */
  const readAll = async (account: Account, count: number, base?: string) => {
    let answered = 0;
    for (let index = 0; index < count; index += 1) if (await me(account, base)) answered += 1;
    return answered;
  };

  /** Puts a replica holding `state` beside the fleet's, runs `during`, then takes it out again. */
  const withExtraReplica = async (name: string, state: SecretsState, during: () => Promise<void>) => {
    const extra = await launch('session', name, state);
    balancers.session.register(extra.port);
    try {
      await during();
      return balancers.session.served(extra.port);
    } finally {
      await balancers.session.drain(extra.port);
      await extra.stop();
    }
  };

  /** The edge that holds the rotated secrets, started by the first test and rolled in by the second. */
  let newEdge: ServiceProcess | undefined;

  it('fails requests in a mixed fleet when a service lacks the previous value, or the next one', async () => {
    const reader = await signUp('mixed');
    assert.equal(await readAll(reader, 6), 6, 'the fleet answers before any restart');
    const requests = 12;

    // A replica given the new token but not the old one as previous refuses the edges that have not restarted.
    let answered = 0;
    const withoutPrevious = {
      ...rotatedSecrets,
      token: { current: rotatedSecrets.token.current, next: rotatedSecrets.token.next },
    };
    const servedWithoutPrevious = await withExtraReplica('session-without-previous', withoutPrevious, async () => {
      answered = await readAll(reader, requests);
    });
    assert.ok(servedWithoutPrevious > 0, 'the replica without a previous value served');
    assert.ok(answered < requests, `${requests - answered} of ${requests} failed`);
    assert.ok(answered > 0, 'the other replicas still answered');

    // A restarted edge sends the new token, which a replica that was never given it as next refuses.
    newEdge = await launch('edge', 'edge-2', rotatedSecrets);
    const withoutNext = { ...fleetSecrets, token: { current: fleetSecrets.token.current } };
    const servedWithoutNext = await withExtraReplica('session-without-next', withoutNext, async () => {
      answered = await readAll(reader, requests, newEdge?.url);
    });
    assert.ok(servedWithoutNext > 0, 'the replica without a next value served');
    assert.ok(answered < requests, `${requests - answered} of ${requests} failed`);
    assert.ok(answered > 0, 'the other replicas still answered');

    // With both values the same mixed fleet answers everything, the new edge as the old one.
    assert.equal(await readAll(reader, requests, newEdge?.url), requests);
    assert.equal(await readAll(reader, requests), requests);
  });

  it('restarts every service one by one into the rotated secrets with no failed request', async () => {
    const readers = await Promise.all([signUp('reader'), signUp('reader'), signUp('reader')]);
    // Accounts of their own: every sign-in makes a session, and a user's oldest ones are evicted.
    const signers = await Promise.all([signUp('signer'), signUp('signer')]);
    for (const signer of signers) assert.ok(signer.device, 'a correct password earns a device cookie');
    const keyed = await fetch(new URL(`/api/tenants/${readers[0]?.tenantId}/api-keys`, publicOrigin), {
      method: 'POST',
      headers: {
        origin: publicOrigin,
        'content-type': 'application/json',
        authorization: `Bearer ${readers[0]?.accessToken}`,
      },
      body: JSON.stringify({ name: 'rotation', scopes: ['projects:read'] }),
    });
    assert.equal(keyed.status, 201);
    const { key: apiKey } = (await keyed.json()) as { key: string };

    // Steady traffic: three readers, one API-key client, one client signing in over and over.
    const completed = { me: 0, apiKey: 0, signIn: 0 };
    const failures: string[] = [];
    let devicesRenewed = 0;
    let devicesForgotten = 0;
    let running = true;
    let step = 'before the roll';
    const loop = async (kind: keyof typeof completed, send: (turn: number) => Promise<string | undefined>) => {
      for (let turn = 0; running; turn += 1) {
        const problem = await send(turn).catch((error: Error) => `${error.name}: ${error.message}`);
        if (problem) failures.push(`${step}: ${kind}: ${problem}`);
        else completed[kind] += 1;
      }
    };
    const traffic = [
      ...readers.map((reader) =>
        loop('me', async () => ((await me(reader)) ? undefined : 'GET /me was not answered with the user')),
      ),
      loop('apiKey', async () => {
        const response = await fetch(new URL('/api/projects', publicOrigin), {
          headers: { authorization: `Bearer ${apiKey}` },
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();
        return response.status === 200 ? undefined : `GET /api/projects answered ${response.status}`;
      }),
      loop('signIn', async (turn) => {
        const signer = signers[turn % signers.length] as Account;
        const response = await signIn(signer, signer.device);
        await response.arrayBuffer();
        if (response.status !== 200) return `POST /auth/login answered ${response.status}`;
        const device = cookieNamed(response, 'authscale_device');
        if (device && deviceNonce(device) === deviceNonce(signer.device)) devicesRenewed += 1;
        else if (device) devicesForgotten += 1;
        if (device) signer.device = device;
        return undefined;
      }),
    ];
    /** What completed since `since`, by kind. */
    const completedSince = (since: typeof completed) => ({
      me: completed.me - since.me,
      apiKey: completed.apiKey - since.apiKey,
      signIn: completed.signIn - since.signIn,
    });

    /**
     * Replaces `old` with `replacement` behind `balancer` as a rolling deployment does: the new
     * instance serves beside the old one until each has answered 20 requests and every kind of
     * request has completed meanwhile, then the old one drains and stops. A failure ends the
     * wait early (the assertions below list it). Returns what completed while both served.
     */
    const roll = async (balancer: ServiceBalancer, old: ServiceProcess, replacement: ServiceProcess) => {
      step = `rolling ${replacement.service}`;
      const oldServedBefore = balancer.served(old.port);
      const completedBefore = { ...completed };
      balancer.register(replacement.port);
      await waitFor(
        async () => {
          const during = completedSince(completedBefore);
          const bothServed =
            balancer.served(replacement.port) >= 20 && balancer.served(old.port) - oldServedBefore >= 20;
          return failures.length > 0 || (bothServed && during.me >= 20 && during.apiKey > 0 && during.signIn > 0)
            ? true
            : undefined;
        },
        { what: `old and new ${replacement.service} both serving traffic`, timeoutMs: 120_000 },
      );
      const during = completedSince(completedBefore);
      await balancer.drain(old.port);
      await old.stop();
      return during;
    };

    const overlaps: Array<ReturnType<typeof completedSince>> = [];
    try {
      // Senders first, the order that needs the next value; the receivers' own restarts need the previous one.
      newEdge ??= await launch('edge', 'edge-2', rotatedSecrets);
      overlaps.push(await roll(balancers.edge, fleet.edge, newEdge));
      const orchestrator = await launch('orchestrator', 'orchestrator-2', rotatedSecrets);
      overlaps.push(await roll(balancers.orchestrator, fleet.orchestrator, orchestrator));
      for (const replica of ['session-1', 'session-2'] as const) {
        const replacement = await launch('session', `${replica}-rotated`, rotatedSecrets);
        overlaps.push(await roll(balancers.session, fleet[replica], replacement));
      }
      // The whole fleet now holds the rotated secrets: one more round of each kind on it alone,
      // including a sign-in of each device.
      step = 'after the roll';
      const completedAfterRoll = { ...completed };
      await waitFor(
        async () => {
          const since = completedSince(completedAfterRoll);
          return failures.length > 0 || (since.me >= 20 && since.apiKey > 0 && since.signIn >= signers.length)
            ? true
            : undefined;
        },
        { what: 'traffic on the rotated fleet', timeoutMs: 120_000 },
      );
    } finally {
      running = false;
      await Promise.all(traffic);
    }

    assert.equal(
      failures.length,
      0,
      `${failures.length} requests failed, the first: ${failures.slice(0, 5).join('; ')}`,
    );
    assert.equal(overlaps.length, 4, 'every service was restarted');
    for (const [index, during] of overlaps.entries()) {
      assert.ok(
        during.me >= 20 && during.apiKey > 0 && during.signIn > 0,
        `step ${index + 1}: ${JSON.stringify(during)}`,
      );
    }
    // Devices signed in before the rotation are still known, re-signed with the current key.
    assert.equal(devicesForgotten, 0, 'no device lost its cookie');
    assert.ok(devicesRenewed >= signers.length, `${devicesRenewed} device cookies re-signed`);
    for (const reader of readers) assert.equal(await me(reader), true);
  });
});
