import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { adminApiTokenTableActions } from '../constructs/token-table.ts';
import { adminApiCommand, servicePorts, webhookDispatcherCommand } from '../stacks/services-stack.ts';
import {
  asList,
  type ContainerDefinition,
  containersOf,
  ingressRules,
  namesPassedTo,
  secretSources,
  statementsOf,
  telemetryStatements,
} from './environment-assertions.ts';
import type { CfnResource, Synthesized } from './synthesize.ts';

type AppContainer = ContainerDefinition & {
  PortMappings?: Array<{ ContainerPort: number }>;
  MountPoints?: Array<{ SourceVolume: string; ContainerPath: string; ReadOnly: boolean }>;
};

function serviceOf(synthesized: Synthesized, prefix: string): CfnResource {
  const found = Object.entries(synthesized.templates.services.findResources('AWS::ECS::Service')).find(([id]) =>
    id.startsWith(prefix),
  );
  assert.ok(found, `no ${prefix} service`);
  return found[1] as CfnResource;
}

function appOf(synthesized: Synthesized): AppContainer {
  const app = containersOf(synthesized).find(
    ({ service, container }) => service === 'admin-api' && container.Name === 'app',
  )?.container;
  assert.ok(app, 'no admin API app container');
  return app as AppContainer;
}

/** The admin API (docs/deploy.md, "The admin API"): private, one task, reached through ECS Exec. */
export function describeAdminApi(synthesized: () => Synthesized): void {
  describe('the admin API', () => {
    test('runs its entry point from the orchestrator image on its own port, one task, with ECS Exec on', () => {
      const app = appOf(synthesized());
      assert.deepEqual(app.Command, [...adminApiCommand]);
      assert.deepEqual(adminApiCommand.slice(0, -1), webhookDispatcherCommand.slice(0, -1), 'the image Node flags');
      const inRepository = (adminApiCommand.at(-1) as string).replace(/^\/app\//, '../../');
      assert.ok(existsSync(new URL(inRepository, import.meta.url)), 'the admin API entry point is not in the image');
      assert.deepEqual(
        app.PortMappings?.map(({ ContainerPort }) => ContainerPort),
        [servicePorts.adminApi],
      );
      const plain = Object.fromEntries((app.Environment ?? []).map(({ Name, Value }) => [Name, Value]));
      assert.equal(plain.ADMIN_API_HOST, '0.0.0.0');
      assert.equal(plain.ADMIN_API_PORT, String(servicePorts.adminApi));
      assert.ok(!('HOST' in plain || 'PORT' in plain), 'the admin API reads ADMIN_API_HOST and ADMIN_API_PORT');

      const properties = serviceOf(synthesized(), 'AdminApiService').Properties;
      assert.equal(properties.DesiredCount, 1);
      assert.equal(properties.EnableExecuteCommand, true);
      // The agent ECS Exec starts writes these; the root filesystem stays read-only.
      assert.equal(app.ReadonlyRootFilesystem, true);
      assert.deepEqual((app.MountPoints ?? []).map(({ ContainerPath, ReadOnly }) => [ContainerPath, ReadOnly]).sort(), [
        ['/var/lib/amazon/ssm', false],
        ['/var/log/amazon/ssm', false],
      ]);
    });

    test('nothing on the public path leads to it: no target group, no Service Connect name, its port open to the configured networks only', () => {
      const { templates, config } = synthesized();
      const properties = serviceOf(synthesized(), 'AdminApiService').Properties;
      assert.deepEqual(properties.LoadBalancers ?? [], [], 'the admin API is a load balancer target');
      // A Service Connect client (it calls the session replicas) that registers no name of its own.
      const serviceConnect = properties.ServiceConnectConfiguration as { Enabled: boolean; Services?: unknown[] };
      assert.equal(serviceConnect.Enabled, true);
      assert.deepEqual(serviceConnect.Services ?? [], []);
      const network = (properties.NetworkConfiguration as { AwsvpcConfiguration: Record<string, unknown> })
        .AwsvpcConfiguration;
      assert.equal(network.AssignPublicIp, 'DISABLED');
      const orchestrator = serviceOf(synthesized(), 'OrchestratorService').Properties.NetworkConfiguration as {
        AwsvpcConfiguration: Record<string, unknown>;
      };
      assert.deepEqual(network.Subnets, orchestrator.AwsvpcConfiguration.Subnets, 'in the private service subnets');
      assert.doesNotMatch(JSON.stringify(templates.edge.toJSON()), /AdminApi/, 'the edge stack refers to it');
      const admitted = ingressRules(synthesized()).filter(({ port }) => port === servicePorts.adminApi);
      assert.deepEqual(
        admitted.map(({ group, source }) => `${group.replace(/[0-9A-F]{8}$/, '')} from ${source}`).sort(),
        config.adminApi.allowedCidrs.map((cidr) => `AdminApiSecurityGroup from ${cidr}`).sort(),
      );
    });

    test('its task role connects as authscale_operator only, and holds token-table items, mail and the ECS Exec channels', () => {
      const { templates, stacks } = synthesized();
      const policies = Object.entries(templates.services.findResources('AWS::IAM::Policy')).filter(([id]) =>
        id.startsWith('AdminApiTaskTaskRole'),
      );
      assert.equal(policies.length, 1);
      // IAM merges the statements on `*`: the collector's X-Ray writes and the ECS Exec channels.
      const [unscoped, ...scoped] = statementsOf(policies[0]?.[1] as never).sort(
        (a, b) => Number(b.Resource === '*') - Number(a.Resource === '*'),
      );
      assert.equal(unscoped?.Resource, '*');
      assert.deepEqual(asList(unscoped?.Action ?? []).sort(), [
        'ssmmessages:CreateControlChannel',
        'ssmmessages:CreateDataChannel',
        'ssmmessages:OpenControlChannel',
        'ssmmessages:OpenDataChannel',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
      const { others } = telemetryStatements(scoped, { traces: false });
      const withPrefix = (prefix: string) =>
        others.filter((statement) => asList(statement.Action).some((action) => action.startsWith(prefix)));
      const actionsOf = (prefix: string) => [...new Set(withPrefix(prefix).flatMap(({ Action }) => asList(Action)))];

      const rds = withPrefix('rds');
      assert.deepEqual(actionsOf('rds'), ['rds-db:connect']);
      const dataOutputs = templates.data.toJSON().Outputs as Record<string, { Value: unknown }>;
      const users = JSON.stringify(
        rds.flatMap(({ Resource }) =>
          asList(Resource as unknown).map((resource) => {
            const read = (resource as { 'Fn::GetStackOutput'?: { StackName: string; OutputName: string } })[
              'Fn::GetStackOutput'
            ];
            assert.ok(read?.StackName === stacks.data.stackName, 'a connect resource not read from the data stack');
            return dataOutputs[read.OutputName]?.Value;
          }),
        ),
      );
      for (const user of ['authscale_operator', 'authscale_operator_clone']) {
        assert.match(users, new RegExp(`:dbuser:".*/${user}"`), `the admin API cannot connect as ${user}`);
      }
      assert.doesNotMatch(users, /authscale_app|authscale_events|authscale_owner|authscale_admin|\/\*"/);

      assert.deepEqual(actionsOf('dynamodb').sort(), [...adminApiTokenTableActions].sort());
      assert.match(JSON.stringify(withPrefix('dynamodb')[0]?.Resource), /\/index\/gsi1"/);
      assert.match(JSON.stringify(withPrefix('kms')[0]?.Condition), /dynamodb\./);
      assert.deepEqual(actionsOf('ses').sort(), ['ses:SendEmail', 'ses:SendRawEmail']);
      const known = new Set(['rds-db', 'dynamodb', 'kms', 'ses']);
      for (const statement of others) {
        const actions = asList(statement.Action);
        assert.ok(
          actions.every((action) => known.has(action.split(':')[0] ?? '')),
          `the admin API may also ${actions.join()}`,
        );
      }
    });

    test('it holds its database user, the current internal API token and the TOTP key; their rotation rolls it', () => {
      const { templates } = synthesized();
      const app = appOf(synthesized());
      assert.deepEqual((app.Secrets ?? []).map(({ Name }) => Name).sort(), [
        'INTERNAL_API_TOKEN',
        'PGUSER',
        'TOTP_ENCRYPTION_KEY',
      ]);
      assert.match(secretSources(app, 'PGUSER').join(), /IdentityOperatorSecret.*:username::/);
      // A sender of the token, as the edge is: the current value, not the ones a receiver accepts.
      assert.match(secretSources(app, 'INTERNAL_API_TOKEN').join(), /InternalApiToken.*:current::/);
      assert.ok(!namesPassedTo(app).has('PGPASSWORD'));
      const [, rule] =
        Object.entries(templates.services.findResources('AWS::Events::Rule')).find(([id]) =>
          id.startsWith('RedeployAdminApiOnRotation'),
        ) ?? [];
      assert.ok(rule, 'no rule rolls the admin API');
      const watched = JSON.stringify(rule.Properties.EventPattern);
      assert.match(watched, /IdentityOperatorSecret/);
      assert.match(watched, /InternalApiToken/);
    });
  });
}
