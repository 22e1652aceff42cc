import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootstrapRolesOf, githubRoleName, type PipelineJob } from '../constructs/github-deploy-roles.ts';
import { pipelineTargetOf } from '../pipeline-target.ts';
import type { Synthesized } from './synthesize.ts';

interface RoleResource {
  Properties: {
    RoleName: string;
    MaxSessionDuration: number;
    AssumeRolePolicyDocument: { Statement: Array<{ Action: string; Principal: unknown; Condition: unknown }> };
  };
}

/**
 * The delivery pipeline's side of an environment: the roles its pipeline stack gives the workflow,
 * and the alarms that roll a bad deployment back. Registered inside an environment's describe.
 */
export function describePipeline(synthesized: () => Synthesized): void {
  test('the workflow reaches the account only through two roles, each for one repository and one branch or GitHub environment', () => {
    const { pipelineTemplate, config } = synthesized();
    assert.ok(pipelineTemplate && config.pipeline, `${config.name} has no pipeline stack`);
    const roles = Object.values(pipelineTemplate.findResources('AWS::IAM::Role')) as RoleResource[];
    const subjects: Record<PipelineJob, string> = {
      prepare: `repo:${config.pipeline.githubRepository}:ref:refs/heads/main`,
      deploy: `repo:${config.pipeline.githubRepository}:environment:${config.name}`,
    };
    assert.deepEqual(roles.map((role) => role.Properties.RoleName).sort(), [
      githubRoleName(config.name, 'deploy'),
      githubRoleName(config.name, 'prepare'),
    ]);
    for (const job of ['prepare', 'deploy'] as const) {
      const role = roles.find((candidate) => candidate.Properties.RoleName === githubRoleName(config.name, job));
      const [trust, ...others] = role?.Properties.AssumeRolePolicyDocument.Statement ?? [];
      assert.equal(others.length, 0, `${job}: one trust statement`);
      assert.equal(trust?.Action, 'sts:AssumeRoleWithWebIdentity');
      assert.deepEqual(trust?.Condition, {
        StringEquals: {
          'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com:sub': subjects[job],
        },
      });
      const provider = JSON.stringify(trust?.Principal);
      if (config.pipeline.githubOidcProviderArn) assert.ok(provider.includes(config.pipeline.githubOidcProviderArn));
      else assert.match(provider, /GithubDeployRolesProvider/);
    }
    pipelineTemplate.resourceCountIs('AWS::IAM::OIDCProvider', config.pipeline.githubOidcProviderArn ? 0 : 1);
  });

  test('the prepare role may only publish and read through the bootstrap roles; the deploy role may also deploy', () => {
    const { pipelineTemplate, config } = synthesized();
    assert.ok(pipelineTemplate);
    const policies = Object.entries(pipelineTemplate.findResources('AWS::IAM::Policy'));
    assert.equal(policies.length, 2);
    for (const job of ['prepare', 'deploy'] as const) {
      const prefix = `GithubDeployRoles${job === 'deploy' ? 'Deploy' : 'Prepare'}DefaultPolicy`;
      const [, policy] = policies.find(([id]) => id.startsWith(prefix)) ?? [];
      assert.ok(policy, `${job}: no policy`);
      const statements = (policy.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement;
      assert.equal(statements.length, 1, `${job}: one statement`);
      assert.equal(statements[0]?.Action, 'sts:AssumeRole');
      const resources = JSON.stringify(statements[0]?.Resource);
      const assumable = [...resources.matchAll(/role\/cdk-hnb659fds-([a-z-]+)-role-/g)].map(([, name]) => name);
      assert.deepEqual(assumable.sort(), [...bootstrapRolesOf[job]].sort(), job);
      assert.ok(
        resources.includes(`-${config.account}-${config.region}`),
        `${job}: roles of this account and region only`,
      );
    }
    assert.ok(!bootstrapRolesOf.prepare.includes('deploy'), 'what runs before the approval cannot deploy');
  });

  test('the workflow is told the roles, the stacks and the public origin the stacks were made with', () => {
    const { stacks, config, pipelineTemplate } = synthesized();
    const target = pipelineTargetOf(config);
    assert.deepEqual(
      target.stacks,
      [stacks.network, stacks.data, stacks.services, stacks.edge, ...(stacks.loadTest ? [stacks.loadTest] : [])].map(
        (stack) => stack.stackName,
      ),
    );
    assert.equal(target['public-origin'], `https://${config.edge.publicHostname}`);
    const roleNames = Object.values(pipelineTemplate?.findResources('AWS::IAM::Role') ?? {}).map(
      (role) => (role as RoleResource).Properties.RoleName,
    );
    for (const job of ['prepare', 'deploy'] as const) {
      const name = target[`${job}-role`].split('/').pop();
      assert.ok(
        name && roleNames.includes(name),
        `${job}: the workflow would assume ${name}, which the stack does not make`,
      );
      assert.ok(target[`${job}-role`].startsWith(`arn:aws:iam::${config.account}:role/`));
    }
  });

  test('an edge deployment that raises the 5xx rate or the p99 latency is rolled back by ECS', () => {
    const { templates } = synthesized();
    const [, edgeService] =
      Object.entries(templates.edge.findResources('AWS::ECS::Service')).find(([id]) => id.startsWith('EdgeService')) ??
      [];
    const deployment = edgeService?.Properties.DeploymentConfiguration as {
      Alarms: { Enable: boolean; Rollback: boolean; AlarmNames: Array<{ Ref: string }> };
    };
    assert.equal(deployment.Alarms.Enable, true);
    assert.equal(deployment.Alarms.Rollback, true);
    const watched = deployment.Alarms.AlarmNames.map(({ Ref }) => Ref.replace(/[0-9A-F]{8}$/, '')).sort();
    assert.deepEqual(watched, ['LoadBalancerEdge5xx', 'LoadBalancerEdgeLatencyP99']);
    const alarms = templates.edge.findResources('AWS::CloudWatch::Alarm');
    for (const { Ref } of deployment.Alarms.AlarmNames) {
      assert.ok(alarms[Ref], `${Ref} is not an alarm of the edge stack`);
    }
  });
}
