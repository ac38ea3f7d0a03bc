# Sourced by .ci/run: every step runs even when an earlier one failed, and the closing
# summary line is printed whatever happened; the caller exits non-zero afterwards.

failed_steps=()

# step NAME COMMAND...: runs the command, records a failure, never stops the run.
step() {
  local name=$1 start status
  shift
  echo "--- $name"
  start=$(date +%s)
  "$@"
  status=$?
  echo "$name: exit $status in $(( $(date +%s) - start ))s"
  [ "$status" -eq 0 ] || failed_steps+=("$name")
}

# summarise REPORT.json...: one plain "tests: N passed, N failed" line over jest's JSON
# reports (jest's own summary is not in that form); a run that wrote no report (it
# crashed) counts as one failed test. Then names the failed steps; returns 1 if any.
summarise() {
  node -e '
    const fs = require("fs");
    let passed = 0, failed = 0;
    for (const f of process.argv.slice(1)) {
      if (!fs.existsSync(f)) { console.log(`no report ${f}: counted as 1 failed`); failed++; continue; }
      const r = JSON.parse(fs.readFileSync(f, "utf8"));
      passed += r.numPassedTests;
      failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
    }
    console.log(`tests: ${passed} passed, ${failed} failed`);
  ' "$@"
  if [ ${#failed_steps[@]} -gt 0 ]; then
    printf 'failed step: %s\n' "${failed_steps[@]}"
    return 1
  fi
}
