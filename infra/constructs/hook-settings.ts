import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/schema.ts';
import type { ServiceSecret } from './fargate-service.ts';

type Hooks = NonNullable<EnvironmentConfig['hooks']>;
type HookEndpoint = NonNullable<Hooks['beforeSignUp']>;

/**
 * The orchestrator's settings for the hooks an environment names (docs/hooks.md): plain variables
 * for the address and policy, and the signing secret from the Secrets Manager secret the team made,
 * which the task's execution role may then read. None for an environment without hooks.
 */
export function hookSettings(
  scope: Construct,
  hooks: EnvironmentConfig['hooks'],
): { environment: Record<string, string>; secrets: Record<string, ServiceSecret> } {
  const environment: Record<string, string> = {};
  const secrets: Record<string, ServiceSecret> = {};
  const add = (prefix: string, id: string, hook: HookEndpoint | undefined) => {
    if (!hook) return;
    environment[`${prefix}_URL`] = hook.url;
    if (hook.timeoutMs !== undefined) environment[`${prefix}_TIMEOUT_MS`] = String(hook.timeoutMs);
    if (hook.onFailure !== undefined) environment[`${prefix}_ON_FAILURE`] = hook.onFailure;
    secrets[`${prefix}_SECRET`] = { secret: secretsmanager.Secret.fromSecretCompleteArn(scope, id, hook.secretArn) };
    if (hook.nextSecretArn !== undefined) {
      secrets[`${prefix}_SECRET_NEXT`] = {
        secret: secretsmanager.Secret.fromSecretCompleteArn(scope, `${id}Next`, hook.nextSecretArn),
      };
    }
  };
  add('HOOK_BEFORE_SIGN_UP', 'BeforeSignUpHookSecret', hooks?.beforeSignUp);
  add('HOOK_BEFORE_TOKEN', 'BeforeTokenHookSecret', hooks?.beforeToken);
  if (hooks?.beforeToken) environment.HOOK_BEFORE_TOKEN_CLAIM_NAMESPACE = hooks.beforeToken.claimNamespace;
  return { environment, secrets };
}
