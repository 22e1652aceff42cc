#!/bin/sh
# One k6 task of a run on AWS: runs its execution segment of $PROFILE (k6 reads K6_EXECUTION_SEGMENT
# and K6_EXECUTION_SEGMENT_SEQUENCE itself), then uploads
#   s3://$SUMMARY_BUCKET/summaries/$RUN_ID/$WORKER.json = {"exitCode": <k6's>, "summary": <its summary or null>}
# so the merge sees a worker that died before writing its summary. Arguments go to k6 (-e KEY=VALUE).
# Exits with k6's code.
set -u

summary=/tmp/summary.json
rm -f "$summary"
# The run's id on every metric, for the dashboard's load-test row (K6_OUT sends them to the collector).
k6 run --quiet --address '' --tag "test_id=$RUN_ID" -e SUMMARY_JSON="$summary" "$@" "/load-tests/$PROFILE.js" &
k6=$!
# StopTask (the run's alarm, its timeout) sends SIGTERM to this shell only: pass it on, so k6 stops
# the test and still writes what it measured.
trap 'kill -TERM "$k6" 2>/dev/null' TERM INT
wait "$k6"
code=$?
# A wait interrupted by the trap returns early: wait again for k6's own exit code.
if kill -0 "$k6" 2>/dev/null; then
  wait "$k6"
  code=$?
fi

{
  printf '{"exitCode":%d,"summary":' "$code"
  if [ -s "$summary" ]; then cat "$summary"; else printf 'null'; fi
  printf '}\n'
} >/tmp/result.json
aws s3 cp --only-show-errors --content-type application/json /tmp/result.json \
  "s3://$SUMMARY_BUCKET/summaries/$RUN_ID/$WORKER.json" || exit 1
exit "$code"
