import { ECSClient, ListTasksCommand, StopTaskCommand } from '@aws-sdk/client-ecs';

/** The part of a CloudWatch `Alarm State Change` event this uses. */
export interface AlarmStateChange {
  readonly detail?: { readonly alarmName?: string; readonly state?: { readonly value?: string } };
}

/**
 * Stops every k6 task of the load-test cluster, which runs nothing else, when one of the watched
 * alarms goes off. Stopping the tasks rather than the execution lets the run end through its own
 * states: each stopped task uploads what it measured, the merge fails the run, and the services'
 * floors are restored (StopExecution would skip that). Returns the tasks it stopped.
 */
export async function stopLoadTest(
  event: AlarmStateChange,
  cluster: string,
  client: Pick<ECSClient, 'send'>,
): Promise<string[]> {
  if (event.detail?.state?.value !== 'ALARM') return [];
  const reason = `load test stopped: alarm ${event.detail.alarmName ?? 'unknown'}`.slice(0, 255);
  const stopped: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListTasksCommand({ cluster, desiredStatus: 'RUNNING', ...(nextToken ? { nextToken } : {}) }),
    );
    for (const task of page.taskArns ?? []) {
      await client.send(new StopTaskCommand({ cluster, task, reason }));
      stopped.push(task);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return stopped;
}

// Read once per cold start; the construct sets it.
const cluster = String(process.env.CLUSTER_NAME);
const client = new ECSClient({});

export async function handler(event: AlarmStateChange): Promise<void> {
  const stopped = await stopLoadTest(event, cluster, client);
  console.log(JSON.stringify({ alarm: event.detail?.alarmName, stopped }));
}
