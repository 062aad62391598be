#!/usr/bin/env bash
# make demo: sample exports, then the real DAGs through `airflow dags test`, then the summary.
# Airflow's own logs go to .airflow/demo-logs/; the terminal shows one line per step.
set -euo pipefail
quarter="${1:?usage: scripts/demo.sh QUARTER}"
logs="${AIRFLOW_HOME}/demo-logs"
mkdir -p "$logs"

# The logical date of a run on the 10th day after the quarter ends, 07:00 Asia/Jakarta:
# what the publish schedule would use. The quarter is also passed explicitly.
logical_date=$(python -c "
from pipelines.periods import Quarter
q = Quarter.parse('$quarter').next()
print(f'{q.first_day.replace(day=10)}T07:00:00+07:00')")
conf="{\"quarter\": \"$quarter\"}"
# Rerun by hand, the demo publishes changed figures as the next version at once; under the scheduler,
# versions of a quarter stay at least MONEV_REPUBLISH_INTERVAL_HOURS (24) apart.
export MONEV_REPUBLISH_INTERVAL_HOURS="${MONEV_REPUBLISH_INTERVAL_HOURS:-0}"

python -m pipelines samples --quarter "$quarter" 2> "$logs/samples.log"

for dag in monev_ingest monev_indicators monev_publish; do
  start=$SECONDS
  if airflow dags test "$dag" "$logical_date" --conf "$conf" > "$logs/$dag.log" 2>&1; then
    echo "airflow dags test $dag: success ($((SECONDS - start)) s, log: $logs/$dag.log)"
  else
    echo "airflow dags test $dag: FAILED; last lines of $logs/$dag.log:" >&2
    tail -40 "$logs/$dag.log" >&2
    exit 1
  fi
  # `airflow dags test` exits 0 even when the run failed: read the run's final state.
  if ! grep "DagRun Finished" "$logs/$dag.log" | grep -q " state=success,"; then
    echo "$dag did not succeed; failed tasks are in $logs/$dag.log" >&2
    grep -E "Task failed with exception|Error:" "$logs/$dag.log" | tail -10 >&2
    exit 1
  fi
done

echo
echo "Monev $quarter (data root: $MONEV_DATA_ROOT)"
python -m pipelines summary --quarter "$quarter"
