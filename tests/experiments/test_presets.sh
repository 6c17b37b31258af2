#!/usr/bin/env bash
# Every tuned (env, agent) pair has an INI file in experiments/configs that resolves to exactly
# the built-in preset, and every INI file there belongs to such a pair.
# Usage: test_presets.sh RL_BINARY CONFIG_DIR
set -euo pipefail
rl=$1
configs=$2
status=0
expected=()
while read -r env agent; do
  short=$(echo "$env" | sed 's/-v[0-9]*$//' | tr 'A-Z' 'a-z')
  file="$configs/${short}_${agent}.ini"
  expected+=("$file")
  if [ ! -f "$file" ]; then
    echo "FAIL: no preset file $file for $env $agent"
    status=1
    continue
  fi
  failed=0
  builtin=$("$rl" train --env "$env" --agent "$agent" --print-config)
  from_file=$("$rl" train --config "$file" --print-config)
  if [ "$builtin" != "$from_file" ]; then
    echo "FAIL: $file resolves differently from the built-in preset of $env $agent:"
    diff <(echo "$builtin") <(echo "$from_file") || true
    failed=1
  fi
  # the file is the generated text plus its three-line header, so its comments are current too
  if [ "$(tail -n +4 "$file")" != "$builtin" ]; then
    echo "FAIL: $file is stale; regenerate it with: rl train --env $env --agent $agent --print-config"
    failed=1
  fi
  if [ $failed -eq 0 ]; then
    echo "ok: $file == preset of $env $agent"
  fi
  status=$((status | failed))
done < <("$rl" train --presets)
for file in "$configs"/*.ini; do
  if [[ ! " ${expected[*]} " == *" $file "* ]]; then
    echo "FAIL: $file matches no tuned preset listed by rl train --presets"
    status=1
  fi
done
exit $status
