import { performance } from 'node:perf_hooks';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { hashPassword } from '../../services/orchestrator/src/passwords/password-hashing.ts';
import { verifyPassword } from '../../services/orchestrator/src/passwords/verify-password.ts';
import { createSoftwareAuthenticator } from '../../services/orchestrator/test/passkeys/software-authenticator.ts';

/** Runs `operation` back to back, one at a time, for `seconds`; answers operations per second. */
async function oneAtATime(seconds: number, operation: (index: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  let done = 0;
  while (performance.now() - started < seconds * 1000) await operation(done++);
  return done / ((performance.now() - started) / 1000);
}

/**
 * Argon2id password checks per second on one core: the orchestrator's own verify with its
 * parameters, one at a time (each check runs on one thread).
 */
export async function passwordChecksPerSecond(seconds: number): Promise<number> {
  const password = 'correct horse battery staple';
  const passwordHash = await hashPassword(password);
  await verifyPassword({ password, passwordHash });
  return oneAtATime(seconds, async () => {
    if (!(await verifyPassword({ password, passwordHash }))) throw new Error('the password did not verify');
  });
}

/**
 * Passkey sign-in verifications per second on one core: @simplewebauthn/server's
 * verifyAuthenticationResponse (the call the orchestrator's passkeys module makes) on ES256
 * assertions from the software authenticator its tests use; no storage.
 */
export async function passkeyVerificationsPerSecond(seconds: number): Promise<number> {
  const origin = 'https://auth.example.test';
  const rpId = 'auth.example.test';
  const authenticator = createSoftwareAuthenticator({ origin, rpId });
  const registrationOptions = await generateRegistrationOptions({ rpName: 'bench', rpID: rpId, userName: 'bench' });
  const registration = await verifyRegistrationResponse({
    response: authenticator.register(registrationOptions),
    expectedChallenge: registrationOptions.challenge,
    expectedOrigin: origin,
    expectedRPID: rpId,
  });
  if (!registration.verified) throw new Error('registration failed');
  const { credential } = registration.registrationInfo;
  // Assertions are made before the clock starts: signing is the authenticator's work, not ours.
  const assertions: Array<{ challenge: string; response: ReturnType<typeof authenticator.authenticate> }> = [];
  for (let index = 0; index < 5_000; index++) {
    const options = await generateAuthenticationOptions({ rpID: rpId, userVerification: 'required' });
    assertions.push({ challenge: options.challenge, response: authenticator.authenticate(options) });
  }
  // Stored counter 0: every assertion's counter is ahead of it, so each may be verified again.
  return oneAtATime(seconds, async (index) => {
    const { challenge, response } = assertions[index % assertions.length] as (typeof assertions)[number];
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpId,
      credential: { ...credential, counter: 0 },
      requireUserVerification: true,
    });
    if (!result.verified) throw new Error('verification failed');
  });
}
