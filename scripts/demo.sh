#!/usr/bin/env bash
# make demo: a year of sample exports, then the real DAGs through `airflow dags test`, then the summary.
# Airflow's own logs go to .airflow/demo-logs/; the terminal shows one line per step.
set -euo pipefail
quarter="${1:?usage: scripts/demo.sh QUARTER}"
logs="${AIRFLOW_HOME}/demo-logs"
mkdir -p "$logs"

# Each quarter's run: the 10th day after it ends, 07:00 Asia/Jakarta (what the publish schedule would
# use); the quarter is also passed explicitly. The four quarters ending with QUARTER, oldest first.
read -r -a quarters <<< "$(python -c "
from pipelines.periods import Quarter
q = Quarter.parse('$quarter')
found = [q]
for _ in range(3):
    found.insert(0, found[0].previous())
print(' '.join(str(each) for each in found))")"
logical_date() {
  python -c "
from pipelines.periods import Quarter
q = Quarter.parse('$1').next()
print(f'{q.first_day.replace(day=10)}T07:00:00+07:00')"
}
# Rerun by hand, the demo publishes changed figures as the next version at once; under the scheduler,
# versions of a quarter stay at least MONEV_REPUBLISH_INTERVAL_HOURS (24) apart.
export MONEV_REPUBLISH_INTERVAL_HOURS="${MONEV_REPUBLISH_INTERVAL_HOURS:-0}"

python -m pipelines samples --quarter "$quarter" --quarters 4 2> "$logs/samples.log"

run_dag() {  # dag, quarter
  local dag="$1" period="$2" start=$SECONDS log="$logs/$1_$2.log"
  if airflow dags test "$dag" "$(logical_date "$period")" --conf "{\"quarter\": \"$period\"}" > "$log" 2>&1; then
    echo "airflow dags test $dag for $period: success ($((SECONDS - start)) s, log: $log)"
  else
    echo "airflow dags test $dag for $period: FAILED; last lines of $log:" >&2
    tail -40 "$log" >&2
    exit 1
  fi
  # `airflow dags test` exits 0 even when the run failed: read the run's final state.
  if ! grep "DagRun Finished" "$log" | grep -q " state=success,"; then
    echo "$dag did not succeed; failed tasks are in $log" >&2
    grep -E "Task failed with exception|Error:" "$log" | tail -10 >&2
    exit 1
  fi
}

# One ingest run loads every quarter the exports hold; the indicators are built quarter by quarter, oldest
# first, so each quarter's change and early warnings compare with the one before; then the release.
run_dag monev_ingest "$quarter"
for period in "${quarters[@]}"; do
  run_dag monev_indicators "$period"
done
run_dag monev_publish "$quarter"

echo
echo "Monev $quarter (data root: $MONEV_DATA_ROOT)"
python -m pipelines summary --quarter "$quarter"
