import { CfnOutput, type Stack } from 'aws-cdk-lib';

/** One stack output: its value and what a team does with it. */
export type StackOutputs = Readonly<Record<string, readonly [value: string, description: string]>>;

/**
 * The stack's outputs, named by their keys: what a team needs after a deploy (endpoints, names, secret
 * ARNs) without searching the console. Plain outputs, never exports: nothing may couple to them.
 */
export function addOutputs(stack: Stack, outputs: StackOutputs): void {
  for (const [id, [value, description]] of Object.entries(outputs)) new CfnOutput(stack, id, { value, description });
}
