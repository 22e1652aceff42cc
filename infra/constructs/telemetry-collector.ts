import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The AWS Distro for OpenTelemetry collector, pinned: a new version is a reviewed change, never a pull of `latest`. */
export const collectorImage = 'public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0';

/** Where the services' metrics land in CloudWatch: one namespace per environment, so they can share an account. */
export const metricsNamespace = (environment: string): string => `authscale/${environment}`;

/** The `service.name` each service reports, a dimension of its metrics and the name of its X-Ray node. */
export const telemetryServiceName = (service: string): string => `authscale-${service}`;

/** The collector's OTLP/HTTP receiver; the task's containers share one network namespace, so only they reach it. */
export const collectorOtlpEndpoint = '127.0.0.1:4318';

/** Metric names are regular expressions to the EMF exporter: match each name whole. */
export const exactly = (name: string) => `^${name.replaceAll('.', '\\.')}$`;

/** Which metrics become CloudWatch metrics, and with which dimension sets (the EMF exporter's setting). */
export interface MetricDeclaration {
  readonly metric_name_selectors: readonly string[];
  readonly dimensions: readonly (readonly string[])[];
}

/**
 * The dimension sets each metric is published with; metrics listed nowhere here stay in the EMF log
 * lines but become no CloudWatch metric, so an attribute added in a service costs nothing until it is
 * chosen here. `service.name` comes from the resource (`resource_to_telemetry_conversion`).
 */
const serviceMetricDeclarations: readonly MetricDeclaration[] = [
  {
    // RED per service: SampleCount is the rate, by status code the errors, Average and Maximum the duration.
    metric_name_selectors: [exactly('http.server.request.duration')],
    dimensions: [['service.name'], ['service.name', 'http.response.status_code']],
  },
  {
    metric_name_selectors: [exactly('authscale.near_cache.lookups')],
    dimensions: [['service.name', 'authscale.cache.name', 'authscale.cache.result']],
  },
  {
    metric_name_selectors: [exactly('authscale.sign_in.attempts')],
    dimensions: [['authscale.sign_in.outcome'], ['authscale.sign_in.method', 'authscale.sign_in.outcome']],
  },
  {
    metric_name_selectors: [exactly('authscale.rate_limit.refusals')],
    dimensions: [['authscale.rate_limit.rule']],
  },
  {
    metric_name_selectors: [exactly('authscale.refresh_token.uses')],
    dimensions: [['authscale.refresh_token.outcome']],
  },
  {
    metric_name_selectors: [exactly('authscale.http.refusals')],
    dimensions: [['service.name', 'authscale.error.code']],
  },
  {
    metric_name_selectors: [exactly('authscale.revocation.propagation')],
    dimensions: [['service.name']],
  },
  {
    metric_name_selectors: [exactly('authscale.webhook.deliveries')],
    dimensions: [['service.name', 'authscale.webhook.outcome']],
  },
  {
    // Sent as an exponential histogram (the dispatcher's task asks for one), which the exporter
    // writes as values and counts: CloudWatch computes percentiles from those, the lag alarm's p99.
    metric_name_selectors: [exactly('authscale.webhook.delivery_lag')],
    dimensions: [['service.name']],
  },
  {
    metric_name_selectors: [exactly('db.client.connection.count')],
    dimensions: [['service.name', 'db.client.connection.pool.name', 'db.client.connection.state']],
  },
  {
    metric_name_selectors: [exactly('db.client.connection.pending_requests')],
    dimensions: [['service.name', 'db.client.connection.pool.name']],
  },
];

export interface TelemetryCollectorProps {
  readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The folder under `services/` (or `loadtest`); the collector reports it as `authscale-<name>`. */
  readonly serviceName: string;
  /** @default the services' own metrics (`http.server.request.duration`, `authscale.*`, `db.client.*`) */
  readonly metricDeclarations?: readonly MetricDeclaration[];
  /** Whether the task sends traces, which go to X-Ray. @default true */
  readonly traces?: boolean;
  /** `deployment.environment.name` on every span and metric, and the metrics namespace. */
  readonly environment: string;
  /** The share of traces started here that are kept; a caller's sampled flag wins (`parentbased_traceidratio`). */
  readonly traceSampleRatio: number;
  /** The log group of the task's containers; the collector's own output goes there. */
  readonly logGroup: logs.ILogGroup;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * The ADOT collector as a sidecar of one task: the app exports OTLP to it on the loopback interface,
 * and it sends traces to X-Ray and metrics to CloudWatch as embedded metric format (EMF) log lines in
 * a log group of its own, from which CloudWatch extracts the metrics. The task role may write those
 * two places and nothing else: EMF needs no `cloudwatch:PutMetricData`, only this log group.
 *
 * The collector is not essential: if it stops, the app keeps serving and its exports fail quietly
 * (the SDK drops what it cannot send), and the gap shows on the dashboard rather than as an outage.
 */
export class TelemetryCollector extends Construct {
  /** The `OTEL_*` settings the app container needs to export to this collector. */
  public readonly appEnvironment: Readonly<Record<string, string>>;
  public readonly container: ecs.ContainerDefinition;
  /** The EMF log lines; their metrics are what the dashboard reads. */
  public readonly metricsLogGroup: logs.ILogGroup;
  /** The `service.name` the service reports: the dimension of its metrics, its node in X-Ray. */
  public readonly reportedServiceName: string;

  constructor(scope: Construct, id: string, props: TelemetryCollectorProps) {
    super(scope, id);
    const { taskDefinition, serviceName, traces = true } = props;
    const region = Stack.of(this).region;
    this.reportedServiceName = telemetryServiceName(serviceName);

    const metricsLogGroup = new logs.LogGroup(this, 'MetricsLogs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    this.metricsLogGroup = metricsLogGroup;

    const config = {
      extensions: { health_check: {} },
      receivers: { otlp: { protocols: { http: { endpoint: collectorOtlpEndpoint } } } },
      processors: {
        // The task's ARN, cluster and family on every span and metric; `{TaskId}` below needs them.
        resourcedetection: { detectors: ['env', 'ecs'], timeout: '5s', override: false },
        // X-Ray takes at most 50 segments per PutTraceSegments call.
        ...(traces ? { 'batch/traces': { timeout: '1s', send_batch_size: 50 } } : {}),
        'batch/metrics': { timeout: '60s' },
      },
      exporters: {
        ...(traces ? { awsxray: { region } } : {}),
        awsemf: {
          region,
          namespace: metricsNamespace(props.environment),
          log_group_name: metricsLogGroup.logGroupName,
          log_stream_name: '{TaskId}',
          resource_to_telemetry_conversion: { enabled: true },
          // Exactly the dimension sets declared, without the exporter's extra roll-ups (each one a metric billed).
          dimension_rollup_option: 'NoDimensionRollup',
          metric_declarations: props.metricDeclarations ?? serviceMetricDeclarations,
        },
      },
      service: {
        extensions: ['health_check'],
        pipelines: {
          ...(traces
            ? {
                traces: {
                  receivers: ['otlp'],
                  processors: ['resourcedetection', 'batch/traces'],
                  exporters: ['awsxray'],
                },
              }
            : {}),
          metrics: { receivers: ['otlp'], processors: ['resourcedetection', 'batch/metrics'], exporters: ['awsemf'] },
        },
      },
    };

    this.container = taskDefinition.addContainer('otel-collector', {
      image: ecs.ContainerImage.fromRegistry(collectorImage),
      essential: false,
      readonlyRootFilesystem: true,
      memoryReservationMiB: 64,
      // JSON is YAML: the collector reads its configuration from this variable (no file, no volume).
      environment: { AOT_CONFIG_CONTENT: Stack.of(this).toJsonString(config) },
      logging: ecs.LogDrivers.awsLogs({ logGroup: props.logGroup, streamPrefix: `${serviceName}-otel-collector` }),
      healthCheck: {
        command: ['CMD', '/healthcheck'],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(10),
      },
    });

    const taskRole = taskDefinition.taskRole;
    if (traces) {
      taskRole.addToPrincipalPolicy(
        new iam.PolicyStatement({
          // X-Ray has no resource-level permissions for writing segments.
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          resources: ['*'],
        }),
      );
    }
    metricsLogGroup.grantWrite(taskRole);

    this.appEnvironment = {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://${collectorOtlpEndpoint}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_SERVICE_NAME: this.reportedServiceName,
      OTEL_RESOURCE_ATTRIBUTES: `deployment.environment.name=${props.environment}`,
      // Each export carries only its interval's counts, so the collector keeps no state to turn
      // running totals into the per-minute values CloudWatch stores.
      OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
      // Without a traces pipeline here, the app exports none rather than have each batch refused.
      ...(traces
        ? { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: String(props.traceSampleRatio) }
        : { OTEL_TRACES_EXPORTER: 'none' }),
      // Logs stay on stdout, where the awslogs driver collects them.
      OTEL_LOGS_EXPORTER: 'none',
    };
  }
}
