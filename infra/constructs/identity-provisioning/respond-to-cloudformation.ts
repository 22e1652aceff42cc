/** The fields of a CloudFormation custom-resource request that the answer needs. */
export interface CustomResourceRequest {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
}

/** What was done: nothing to report, or the failure CloudFormation shows in the stack's events. */
export type CustomResourceOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** CloudFormation keeps at most 4 KiB of a response; the reason is cut well before that. */
const maxReasonLength = 2000;

/**
 * Answers a custom-resource request by PUTting the result to its pre-signed URL, which is how a
 * Lambda-backed resource without the provider framework reports. The physical id stays the logical
 * id, so an update never replaces the resource and a delete has nothing to undo.
 */
export async function respondToCloudFormation(
  request: CustomResourceRequest,
  outcome: CustomResourceOutcome,
  put: typeof fetch = fetch,
): Promise<void> {
  const body = JSON.stringify({
    Status: outcome.ok ? 'SUCCESS' : 'FAILED',
    Reason: outcome.ok ? 'done' : outcome.reason.slice(0, maxReasonLength),
    PhysicalResourceId: request.PhysicalResourceId ?? request.LogicalResourceId,
    StackId: request.StackId,
    RequestId: request.RequestId,
    LogicalResourceId: request.LogicalResourceId,
  });
  // The URL is signed for an empty content type.
  const response = await put(request.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '' } });
  if (!response.ok) throw new Error(`CloudFormation did not take the response: HTTP ${response.status}`);
}
