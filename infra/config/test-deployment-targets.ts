import type { DeploymentTarget, EnvironmentName } from './schema.ts';

/**
 * Stand-ins for the deployment target, for synthesizing where nothing is deployed: the infra tests
 * and `npm run synth` (which passes `-c authscale:testValues=true`). They cannot be deployed by
 * mistake: the accounts are the documentation examples no team owns (`cdk deploy` refuses
 * credentials of another account), the names are under `.test`, which no public DNS resolves
 * (RFC 6761), and `resolveDeploymentTarget` refuses every one of them from a team.
 *
 * Staging and prod name a hosted zone and dev does not, so both ways of publishing the name are
 * synthesized and asserted; likewise staging uses an existing GitHub OIDC provider and the others
 * create theirs, and the two environments that protect their data send alarms, staging to an HTTPS
 * endpoint and prod by mail, while dev, which may have no subscription, has none.
 */
export const testDeploymentTargets: Readonly<Record<EnvironmentName, DeploymentTarget>> = {
  dev: {
    account: '111122223333',
    certificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/6f0c2a4e-8d1b-4c3a-9e57-1b2d3c4e5f60',
    publicHostname: 'auth.dev.authscale.test',
    githubRepository: 'authscale-test/authscale',
  },
  staging: {
    account: '444455556666',
    certificateArn: 'arn:aws:acm:eu-west-1:444455556666:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    publicHostname: 'auth.staging.authscale.test',
    hostedZoneId: 'Z0STAGINGTESTZONE',
    hostedZoneName: 'staging.authscale.test',
    alarmHttpsEndpoint: 'https://hooks.authscale.test/sns/staging-alarms',
    githubRepository: 'authscale-test/authscale',
    githubOidcProviderArn: 'arn:aws:iam::444455556666:oidc-provider/token.actions.githubusercontent.com',
  },
  prod: {
    account: '777788889999',
    certificateArn: 'arn:aws:acm:eu-west-1:777788889999:certificate/5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
    publicHostname: 'auth.authscale.test',
    hostedZoneId: 'Z0PRODTESTZONE',
    hostedZoneName: 'authscale.test',
    alarmEmail: 'alarms@authscale.test',
    githubRepository: 'authscale-test/authscale',
  },
};
