import { CfnOutput, Fn, Names, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * A value its own stack computes, for other stacks to read as they read a resource attribute of it
 * (weak references: a plain output, read with Fn::GetStackOutput). Needed for anything more than a
 * bare attribute, such as a part of an ARN that Fn::Split cuts out: CDK publishes only the attribute
 * and computes the rest in the reading stack, over Fn::GetStackOutput, which cfn-lint cannot tell is
 * a string (E1022). The output sits beside CDK's own cross-stack outputs, in the stack's `Publish`
 * scope, apart from the outputs a team reads.
 */
export class PublishedValue {
  readonly #value: string;
  readonly #output: CfnOutput;

  constructor(scope: Construct, id: string, value: string, description: string) {
    const stack = Stack.of(scope);
    const publish = stack.node.tryFindChild('Publish') ?? new Construct(stack, 'Publish');
    this.#value = value;
    const name = `${Names.stackRelativeConstructPath(scope).replaceAll('/', '')}${id}`;
    this.#output = new CfnOutput(publish, name, { value, description });
  }

  /** The value in `reader`'s template; another stack deploys after this one, as with any reference. */
  readIn(reader: Stack): string {
    const producer = Stack.of(this.#output);
    if (reader === producer) return this.#value;
    reader.addStackDependency(producer, `reads ${this.#output.node.path}`);
    return Fn.getStackOutput(producer.stackName, this.#output.logicalId, producer.region);
  }
}
