/**
 * How many passkey sign-in verifications one core does per second: `npx tsx scripts/bench-passkeys.ts`.
 * Measures @simplewebauthn/server's verifyAuthenticationResponse (parsing, RP ID and origin checks,
 * one ES256 signature check) on one thread, with no storage: the CPU cost a login storm puts on
 * the orchestrator before any round trip to Postgres.
 */
import { performance } from 'node:perf_hooks';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { createSoftwareAuthenticator } from '../services/orchestrator/test/passkeys/software-authenticator.ts';

const origin = 'https://auth.example.test';
const rpId = 'auth.example.test';
const count = Number(process.argv[2] ?? 2000);

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

const assertions = [];
for (let i = 0; i < count; i++) {
  const options = await generateAuthenticationOptions({ rpID: rpId, userVerification: 'required' });
  assertions.push({ challenge: options.challenge, response: authenticator.authenticate(options) });
}

let counter = 0;
const started = performance.now();
for (const { challenge, response } of assertions) {
  const result = await verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: origin,
    expectedRPID: rpId,
    credential: { ...credential, counter },
    requireUserVerification: true,
  });
  if (!result.verified) throw new Error('verification failed');
  counter = result.authenticationInfo.newCounter;
}
const seconds = (performance.now() - started) / 1000;
console.log(
  `${count} passkey assertions verified in ${seconds.toFixed(2)} s on one core: ` +
    `${Math.round(count / seconds)} verifications/s, ${((seconds / count) * 1e6).toFixed(0)} us each (node ${process.version})`,
);
