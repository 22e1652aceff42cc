import type { Pool } from 'pg';
import { countFlowFailure } from './flows/count-flow-failure.ts';
import { getFlow } from './flows/get-flow.ts';
import { type PutFlowInput, putFlow } from './flows/put-flow.ts';
import { type ReplaceUserFlowInput, replaceUserFlow } from './flows/replace-user-flow.ts';
import { takeFlow } from './flows/take-flow.ts';
import { voidUserFlows } from './flows/void-user-flows.ts';
import { type SignInWithOidcInput, signInWithOidc } from './oidc/sign-in-with-oidc.ts';
import { type CreatePasskeyInput, createPasskey } from './passkeys/create-passkey.ts';
import { deletePasskey } from './passkeys/delete-passkey.ts';
import { findPasskey } from './passkeys/find-passkey.ts';
import { listPasskeys } from './passkeys/list-passkeys.ts';
import { type UpdatePasskeySignCountInput, updatePasskeySignCount } from './passkeys/update-passkey-sign-count.ts';
import { inTransaction } from './postgres/in-transaction.ts';
import { acceptTotpStep } from './totp/accept-totp-step.ts';
import { type ActivateTotpInput, activateTotp } from './totp/activate-totp.ts';
import { consumeRecoveryCode } from './totp/consume-recovery-code.ts';
import { findTotpFactor } from './totp/find-totp-factor.ts';
import { type RecordTotpFailureInput, recordTotpFailure } from './totp/record-totp-failure.ts';
import { removeTotp } from './totp/remove-totp.ts';
import { replaceRecoveryCodes } from './totp/replace-recovery-codes.ts';
import { savePendingTotp } from './totp/save-pending-totp.ts';

type Guarded = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * What the sign-in ceremonies store: short-lived flows, TOTP factors and recovery codes, passkeys
 * and OIDC identities. Each method that decides something is one conditional statement or one
 * transaction.
 */
export function ceremonyStores({ pool, guarded }: { pool: Pool; guarded: Guarded }) {
  return {
    flows: Object.freeze({
      put: (input: PutFlowInput) => guarded(() => putFlow(pool, input)),
      get: (input: { kind: string; id: string }) => guarded(() => getFlow(pool, input)),
      take: (input: { kind: string; id: string }) => guarded(() => takeFlow(pool, input)),
      /** Stores a user's one-time link token, voiding any earlier one of the same kind. */
      replaceForUser: (input: ReplaceUserFlowInput) => guarded(() => replaceUserFlow(pool, input)),
      /** Counts a wrong answer (a one-time code); the flow is gone after `maxAttempts`. Returns the attempts left. */
      countFailure: (input: { kind: string; id: string; maxAttempts: number }) =>
        guarded(() => countFlowFailure(pool, input)),
      /** Deletes the user's pending flows of one kind. */
      voidForUser: (input: { kind: string; userId: string }) => guarded(() => voidUserFlows(pool, input)),
    }),
    totp: Object.freeze({
      find: (input: { userId: string }) => guarded(() => findTotpFactor(pool, input)),
      savePending: (input: { userId: string; secretCiphertext: string }) => guarded(() => savePendingTotp(pool, input)),
      activate: (input: ActivateTotpInput) => inTransaction({ pool }, (client) => activateTotp(client, input)),
      acceptTimeStep: (input: { userId: string; timeStep: number }) => guarded(() => acceptTotpStep(pool, input)),
      consumeRecoveryCode: (input: { userId: string; codeHash: string }) =>
        guarded(() => consumeRecoveryCode(pool, input)),
      recordFailure: (input: RecordTotpFailureInput) => guarded(() => recordTotpFailure(pool, input)),
      remove: (input: { userId: string }) => inTransaction({ pool }, (client) => removeTotp(client, input)),
      replaceRecoveryCodes: (input: { userId: string; recoveryCodeHashes: string[] }) =>
        inTransaction({ pool }, (client) => replaceRecoveryCodes(client, input)),
    }),
    passkeys: Object.freeze({
      listForUser: (input: { userId: string }) => guarded(() => listPasskeys(pool, input)),
      find: (input: { credentialId: string }) => guarded(() => findPasskey(pool, input)),
      create: (input: CreatePasskeyInput) => inTransaction({ pool }, (client) => createPasskey(client, input)),
      updateSignCount: (input: UpdatePasskeySignCountInput) => guarded(() => updatePasskeySignCount(pool, input)),
      remove: (input: { userId: string; credentialId: string }) =>
        inTransaction({ pool }, (client) => deletePasskey(client, input)),
    }),
    oidc: Object.freeze({
      signInWithOidc: (input: SignInWithOidcInput) =>
        inTransaction({ pool }, (client) => signInWithOidc(client, input)),
    }),
  };
}
