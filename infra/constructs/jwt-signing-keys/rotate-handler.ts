import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type RotationEvent, runRotationStep } from '../secret-rotation/run-rotation-step.ts';
import { isSigningKeySet, nextSigningKeySet } from './next-signing-key-set.ts';

const client = new SecretsManagerClient({});

const parsed = (value: string | undefined): unknown => {
  try {
    return value === undefined ? null : JSON.parse(value);
  } catch {
    return null;
  }
};

/**
 * Secrets Manager rotation for the JWT signing key set. The keys are used only inside the
 * orchestrator, which reads the set at start; a value that is not a key set starts a new one.
 */
export function handler(event: RotationEvent): Promise<void> {
  return runRotationStep(
    event,
    {
      next: (current) => JSON.stringify(nextSigningKeySet(parsed(current))),
      isUsable: (value) => isSigningKeySet(parsed(value)),
    },
    client,
  );
}
