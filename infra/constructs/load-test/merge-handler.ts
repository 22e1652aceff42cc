import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type MergedSummary, mergeSummaries, type WorkerResult } from '../../../load-tests/merge-summaries.ts';

/** What the state machine passes: the run (its execution name) and the workers it started. */
export interface MergeRequest {
  readonly runId: string;
  readonly workers: readonly string[];
}

/** What the state machine decides on; the merged metrics stay in S3, beside the workers' summaries. */
export interface MergeVerdict extends Pick<MergedSummary, 'passed' | 'failures' | 'iterations' | 'requests'> {
  readonly summaryKey: string;
}

/** Where a run's files live in the summaries bucket; the k6 tasks may write under this prefix only. */
export const summariesPrefix = 'summaries/';

/**
 * Reads each worker's result (`load-tests/aws/run-segment.sh` writes `{exitCode, summary}`), merges
 * them as the local runner does and writes the merged summary as `summaries/<run>/summary.json`.
 * A worker whose result is missing (its task never started, or died before uploading) counts as a
 * worker without a summary, so the run fails.
 */
export async function mergeRun(
  request: MergeRequest,
  bucket: string,
  client: Pick<S3Client, 'send'>,
): Promise<MergeVerdict> {
  const folder = `${summariesPrefix}${request.runId}/`;
  const results = await Promise.all(
    request.workers.map(async (worker): Promise<WorkerResult> => {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `${folder}${worker}.json` }));
        return JSON.parse(await (object.Body?.transformToString() ?? 'null')) as WorkerResult;
      } catch (error) {
        if (error instanceof NoSuchKey) return { exitCode: null, summary: null };
        throw error;
      }
    }),
  );
  const merged = mergeSummaries(results);
  const summaryKey = `${folder}summary.json`;
  const workers = results.map(({ exitCode }, index) => ({ worker: request.workers[index], exitCode }));
  await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: summaryKey,
      ContentType: 'application/json',
      Body: `${JSON.stringify({ runId: request.runId, workers, ...merged }, null, 2)}\n`,
    }),
  );
  const { passed, failures, iterations, requests } = merged;
  return { passed, failures, iterations, requests, summaryKey };
}

// Read once per cold start; the construct sets it.
const bucket = String(process.env.SUMMARY_BUCKET);
const client = new S3Client({});

export async function handler(request: MergeRequest): Promise<MergeVerdict> {
  const verdict = await mergeRun(request, bucket, client);
  console.log(JSON.stringify({ runId: request.runId, ...verdict }));
  return verdict;
}
