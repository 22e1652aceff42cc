import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type RotationEvent, runRotationStep } from '../secret-rotation/run-rotation-step.ts';
import { isSharedSecret, nextSharedSecret } from './next-shared-secret.ts';

const client = new SecretsManagerClient({});

/** The rotation of a shared secret: each step advances it as `nextSharedSecret` says. */
export const sharedSecretRotation = {
  next: (current: string | undefined) => JSON.stringify(nextSharedSecret(current)),
  isUsable: (value: string | undefined) => {
    try {
      return value !== undefined && isSharedSecret(JSON.parse(value));
    } catch {
      return false;
    }
  },
};

/** Secrets Manager rotation for the secrets the services share; see `nextSharedSecret`. */
export function handler(event: RotationEvent): Promise<void> {
  return runRotationStep(event, sharedSecretRotation, client);
}
