import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface WebAclProps {
  /** The load balancer to protect. */
  readonly resourceArn: string;
  /** Requests per IP per 5 minutes on any path. */
  readonly perIpRequestsPer5Min: number;
  /** Requests per IP per 5 minutes on the credential-guessing paths. */
  readonly authPerIpRequestsPer5Min: number;
  readonly logRetention: logs.RetentionDays;
  /**
   * Addresses the rate rules do not count: the load-test stack's NAT addresses, in non-prod only
   * (the configuration refuses a load test in prod). Their requests are counted and labelled instead.
   * @default none
   */
  readonly loadTestAddresses?: readonly string[];
}

/** The label the WAF gives requests from the load-test addresses; the rate rules skip it. */
export const loadTestLabel = 'authscale:load-test';

/**
 * The paths that check a secret, create an account or mail someone; the stricter rate applies to
 * each of them and everything under it: sign-in, MFA, refresh, sign-up, step-up, the passkey
 * ceremonies' verify routes, password change and reset, the mailed links and sign-in codes
 * (`/auth/email` covers `/auth/email-code` too) and removing an authenticator app by email.
 */
export const credentialPaths = [
  '/auth/login',
  '/auth/mfa',
  '/auth/token/refresh',
  '/auth/signup',
  '/auth/step-up',
  '/auth/passkeys/login/verify',
  '/auth/passkeys/register/verify',
  '/auth/password',
  '/auth/email',
  '/auth/totp/email-recovery',
] as const;

/**
 * What the match sees: the path decoded (`/auth/%6cogin` is `/auth/login` to the edge's router),
 * with `.` and `//` segments resolved, in lower case. Without the first two, a percent-encoded or
 * dotted spelling of a credential path reached the handlers at the lenient rate.
 */
export const credentialPathTransformations = ['URL_DECODE_UNI', 'NORMALIZE_PATH', 'LOWERCASE'] as const;

/**
 * The managed rule groups. The core rule set is pinned: its static versions change what is blocked
 * in request bodies, so a new one arrives by a reviewed deploy (watch its metrics in count mode
 * first). The known-bad-inputs group follows AWS's default version on purpose: its updates are
 * emergency exploit signatures that should not wait for a deploy. The IP reputation list is data
 * and has no versions.
 */
export const managedRuleGroups = [
  { name: 'AWSManagedRulesAmazonIpReputationList', version: undefined },
  { name: 'AWSManagedRulesCommonRuleSet', version: 'Version_1.19' },
  { name: 'AWSManagedRulesKnownBadInputsRuleSet', version: undefined },
] as const;

/**
 * The first line of the edge's rate limiting: WAF drops floods per client IP before they reach the
 * load balancer's targets (the edge service keeps its own finer per-account limits). Logs redact the
 * cookie and authorization headers.
 */
export class WebAcl extends Construct {
  public readonly webAclArn: string;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const metricName = (name: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: name,
    });

    const credentialPathMatch: wafv2.CfnWebACL.StatementProperty = {
      orStatement: {
        statements: credentialPaths.map((path) => ({
          byteMatchStatement: {
            fieldToMatch: { uriPath: {} },
            positionalConstraint: 'STARTS_WITH',
            searchString: path,
            textTransformations: credentialPathTransformations.map((type, priority) => ({ priority, type })),
          },
        })),
      },
    };

    const exempt = props.loadTestAddresses && props.loadTestAddresses.length > 0;
    const loadTestAddresses = exempt
      ? new wafv2.CfnIPSet(this, 'LoadTestAddresses', {
          scope: 'REGIONAL',
          ipAddressVersion: 'IPV4',
          addresses: props.loadTestAddresses.map((address) => `${address}/32`),
          description: 'The NAT addresses the load-test tasks send from',
        })
      : undefined;
    // Rate-based rules count every request their scope-down statement matches: without the label.
    const notLoadTest: wafv2.CfnWebACL.StatementProperty = {
      notStatement: { statement: { labelMatchStatement: { scope: 'LABEL', key: loadTestLabel } } },
    };
    // The label rule goes first: a rule reads only the labels of rules evaluated before it.
    const ratePriority = exempt ? 1 : 0;

    const rules: wafv2.CfnWebACL.RuleProperty[] = [
      ...(loadTestAddresses
        ? [
            {
              name: 'load-test-addresses',
              priority: 0,
              action: { count: {} },
              ruleLabels: [{ name: loadTestLabel }],
              statement: { ipSetReferenceStatement: { arn: loadTestAddresses.attrArn } },
              visibilityConfig: metricName('load-test-addresses'),
            },
          ]
        : []),
      {
        name: 'credential-paths-per-ip',
        priority: ratePriority,
        action: { block: { customResponse: { responseCode: 429 } } },
        statement: {
          rateBasedStatement: {
            limit: props.authPerIpRequestsPer5Min,
            evaluationWindowSec: 300,
            aggregateKeyType: 'IP',
            scopeDownStatement: exempt
              ? { andStatement: { statements: [credentialPathMatch, notLoadTest] } }
              : credentialPathMatch,
          },
        },
        visibilityConfig: metricName('credential-paths-per-ip'),
      },
      {
        name: 'all-paths-per-ip',
        priority: ratePriority + 1,
        action: { block: { customResponse: { responseCode: 429 } } },
        statement: {
          rateBasedStatement: {
            limit: props.perIpRequestsPer5Min,
            evaluationWindowSec: 300,
            aggregateKeyType: 'IP',
            ...(exempt ? { scopeDownStatement: notLoadTest } : {}),
          },
        },
        visibilityConfig: metricName('all-paths-per-ip'),
      },
      ...managedRuleGroups.map(
        (group, index): wafv2.CfnWebACL.RuleProperty => ({
          name: group.name,
          priority: 10 + index,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: group.name,
              ...(group.version ? { version: group.version } : {}),
            },
          },
          visibilityConfig: metricName(group.name),
        }),
      ),
    ];

    const acl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      rules,
      visibilityConfig: metricName('authscale-edge'),
    });
    this.webAclArn = acl.attrArn;

    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.resourceArn,
      webAclArn: acl.attrArn,
    });

    // WAF only delivers to log groups whose name starts with aws-waf-logs-.
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `aws-waf-logs-${Stack.of(this).stackName}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: acl.attrArn,
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: logGroup.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: [{ singleHeader: { Name: 'cookie' } }, { singleHeader: { Name: 'authorization' } }],
    });
  }
}
