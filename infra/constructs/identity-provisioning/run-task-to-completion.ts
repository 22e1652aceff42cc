import { DescribeTasksCommand, type ECSClient, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';

/** A one-off Fargate task: which definition, where, and the container whose exit code decides. */
export interface OneOffTask {
  readonly cluster: string;
  readonly taskDefinition: string;
  readonly containerName: string;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
}

export interface RunTaskToCompletionOptions {
  readonly client: Pick<ECSClient, 'send'>;
  /** Epoch milliseconds after which no task is started or waited for; a running one is stopped. */
  readonly deadline: number;
  /** @default 3: the step is idempotent, and a first deploy can race the proxy's first health checks */
  readonly attempts?: number;
  /** @default 10 s */
  readonly pollIntervalMs?: number;
  /** @default 30 s */
  readonly retryDelayMs?: number;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default console.log */
  readonly log?: (line: string) => void;
}

type Failure = { readonly ok: false; readonly reason: string; readonly final?: boolean };
type Outcome = { readonly ok: true } | Failure;

/**
 * Starts the task and waits until it stops; resolves with its ARN when the container exited 0. A
 * task that fails, or that ECS could not start, is started again after a pause, up to `attempts`
 * times; then it rejects with every attempt's reason (CloudFormation shows the message). At the
 * deadline a running task is stopped and nothing more is tried.
 */
export async function runTaskToCompletion(task: OneOffTask, options: RunTaskToCompletionOptions): Promise<string> {
  const {
    attempts = 3,
    retryDelayMs = 30_000,
    sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    now = Date.now,
    log = console.log,
  } = options;
  const reasons: string[] = [];
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const started = await startTask(task, options);
    if (typeof started !== 'string') {
      reasons.push(started.reason);
    } else {
      log(JSON.stringify({ started, attempt }));
      const outcome = await waitForTask(task, started, { ...options, sleep, now });
      if (outcome.ok) return started;
      reasons.push(outcome.reason);
      if (outcome.final) break;
    }
    if (attempt < attempts) {
      if (now() + retryDelayMs > options.deadline) break;
      log(JSON.stringify({ retrying: reasons.at(-1) }));
      await sleep(retryDelayMs);
    }
  }
  throw new Error(`${task.containerName} did not succeed: ${reasons.join('; ')}`);
}

async function startTask(task: OneOffTask, { client }: RunTaskToCompletionOptions): Promise<string | Failure> {
  let response: Awaited<ReturnType<typeof runTask>>;
  try {
    response = await runTask(task, client);
  } catch (error) {
    // A refusal can be transient: a policy updated in the same deployment takes seconds to apply.
    const { name, message } = error as Error;
    return { ok: false, reason: `ECS refused to start the task (${name}: ${message})` };
  }
  const { tasks = [], failures = [] } = response;
  const taskArn = tasks[0]?.taskArn;
  if (taskArn) return taskArn;
  const why = failures.map((failure) => [failure.reason, failure.detail].filter(Boolean).join(': ')).join(', ');
  return { ok: false, reason: `ECS started no task (${why || 'no reason given'})` };
}

function runTask(task: OneOffTask, client: RunTaskToCompletionOptions['client']) {
  return client.send(
    new RunTaskCommand({
      cluster: task.cluster,
      taskDefinition: task.taskDefinition,
      launchType: 'FARGATE',
      count: 1,
      startedBy: 'cloudformation',
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: [...task.subnets],
          securityGroups: [...task.securityGroups],
          assignPublicIp: 'DISABLED',
        },
      },
    }),
  );
}

async function waitForTask(
  task: OneOffTask,
  taskArn: string,
  options: RunTaskToCompletionOptions & Required<Pick<RunTaskToCompletionOptions, 'sleep' | 'now'>>,
): Promise<Outcome> {
  const { client, deadline, pollIntervalMs = 10_000, sleep, now } = options;
  const taskId = taskArn.split('/').at(-1);
  for (;;) {
    if (now() + pollIntervalMs > deadline) {
      await client.send(
        new StopTaskCommand({ cluster: task.cluster, task: taskArn, reason: 'the deployment step timed out' }),
      );
      return { ok: false, reason: `task ${taskId} still running at the deadline, stopped`, final: true };
    }
    await sleep(pollIntervalMs);
    const { tasks = [] } = await client.send(new DescribeTasksCommand({ cluster: task.cluster, tasks: [taskArn] }));
    const described = tasks[0];
    if (described?.lastStatus !== 'STOPPED') continue;
    const container = described.containers?.find((candidate) => candidate.name === task.containerName);
    if (container?.exitCode === 0) return { ok: true };
    const exit = container?.exitCode === undefined ? 'no exit code' : `exit code ${container.exitCode}`;
    const detail = [described.stoppedReason, container?.reason].filter(Boolean).join(', ');
    return {
      ok: false,
      reason: `task ${taskId}: ${task.containerName} stopped with ${exit} (${detail || 'no reason given'})`,
    };
  }
}
