#!/usr/bin/python3
"""Reads run logs the way users do: with Debian's python3-h5py and with h5dump.

Part 1 trains a short PPO run on CartPole-v1 and checks the documented schema (docs/run_log.md):
root attributes, /config, the SB3 Monitor columns in /episodes, nested /metrics keys, /eval,
the checkpoint's layers in PyTorch's (out, in) layout, /policies, and that h5dump prints it.
Part 2 starts a long DQN run and reads its log while it trains: h5py, h5dump and `rl analyze`
open it several times and see it grow; Ctrl-C (SIGINT) then ends the run with exit 130, status
`interrupted` and a checkpoint at the step it stopped.

Usage: test_run_log_h5py.py RL_BINARY   (run with /usr/bin/python3)
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

EPISODE_COLUMNS = {"r": np.float64, "l": np.int64, "t": np.float64, "global_step": np.int64,
                   "env_index": np.int64, "terminated": np.bool_, "truncated": np.bool_}


class CheckFailed(Exception):
    pass


def check(condition, what):
    if not condition:
        raise CheckFailed(what)


def child_env():
    env = dict(os.environ)
    # The ASan build's leak checker would report fontconfig's caches in `rl analyze`, not ours.
    env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"), "detect_leaks=0"]))
    return env


def run(command, what, timeout=1200):
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                            env=child_env())
    check(result.returncode == 0, f"{what}: `{' '.join(command)}` exited {result.returncode}: "
          f"{result.stderr.strip()[-1500:]}")
    return result


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def check_schema(path, steps):
    with h5py.File(path, "r") as f:
        check(text(f.attrs["format"]) == "rlsuite-run-log", f"@format is {f.attrs['format']!r}")
        check(int(f.attrs["format_version"]) == 1, "@format_version is not 1")
        check(text(f.attrs["status"]) == "finished", f"@status is {f.attrs['status']!r}")
        steps_done = int(f.attrs["steps_done"])
        check(steps <= steps_done < steps + 2048, f"@steps_done {steps_done} for --steps {steps}")
        check(float(f.attrs["wall_time"]) > 0, "@wall_time is not positive")

        config = f["config"].attrs
        check(text(config["env"]) == "CartPole-v1" and text(config["agent"]) == "ppo",
              f"/config @env/@agent are {config['env']!r}/{config['agent']!r}")
        check(isinstance(config["seed"], np.integer) and config["seed"] == 7,
              f"/config @seed is {config['seed']!r}, expected the integer 7")
        check(isinstance(config["ppo.learning_rate"], np.floating)
              and config["ppo.learning_rate"] > 0, "/config @ppo.learning_rate is not a float")
        check(isinstance(config["ppo.norm_adv"], np.bool_),
              f"/config @ppo.norm_adv is {type(config['ppo.norm_adv'])}, "
              f"expected a numpy bool")
        for key in ("command_line", "rlsuite_version", "start_time", "env.gravity",
                    "num-envs", "eval-every", "checkpoint-every"):
            check(key in config, f"/config has no @{key}")
        check("--seed 7" in text(config["command_line"]),
              f"/config @command_line is {config['command_line']!r}")

        episodes = f["episodes"]
        check(set(episodes) == set(EPISODE_COLUMNS), f"/episodes holds {sorted(episodes)}")
        columns = {name: episodes[name][()] for name in EPISODE_COLUMNS}
        for name, dtype in EPISODE_COLUMNS.items():
            check(columns[name].dtype == dtype, f"/episodes/{name} is {columns[name].dtype}, "
                  f"expected {np.dtype(dtype)}")
        rows = len(columns["r"])
        check(rows > 20 and all(len(c) == rows for c in columns.values()),
              f"/episodes columns have lengths {[len(c) for c in columns.values()]}")
        # CartPole pays 1 per step, so each return equals its length
        check(np.array_equal(columns["r"], columns["l"].astype(np.float64)),
              "/episodes/r differs from /episodes/l on CartPole")
        check(np.all(np.diff(columns["global_step"]) >= 0), "/episodes/global_step decreases")
        check(np.all(np.diff(columns["t"]) >= 0), "/episodes/t decreases")
        check(columns["global_step"][-1] <= steps_done, "an episode ends after @steps_done")
        num_envs = int(config["num-envs"])
        check(set(columns["env_index"]) <= set(range(num_envs)), "/episodes/env_index out of range")
        check(np.all(columns["terminated"] | columns["truncated"]),
              "an episode is neither terminated nor truncated")
        check(np.all(columns["truncated"] == (columns["l"] == 500) & ~columns["terminated"]),
              "/episodes/truncated is not exactly the episodes cut at 500 steps")

        metrics = f["metrics"]
        metric_step = metrics["step"][()]
        check(metric_step.dtype == np.int64 and len(metric_step) > 0 and
              np.all(np.diff(metric_step) >= 0), "/metrics/step is not a growing int64 column")
        for key in ("train/loss", "train/value_loss", "train/policy_gradient_loss",
                    "train/approx_kl", "train/entropy_loss", "rollout/ep_rew_mean", "time/fps"):
            check(key in metrics, f"/metrics/{key} is missing")
            column = metrics[key][()]
            check(column.dtype == np.float64 and column.shape == metric_step.shape,
                  f"/metrics/{key} is {column.dtype} {column.shape}, /metrics/step is "
                  f"{metric_step.shape}")
            check(np.isfinite(column).any(), f"/metrics/{key} holds no value")
        check(isinstance(metrics["train"], h5py.Group), "/metrics/train is not a group")

        evaluation = f["eval"]
        timesteps, results = evaluation["timesteps"][()], evaluation["results"][()]
        lengths = evaluation["ep_lengths"][()]
        check(len(timesteps) >= 3, f"{len(timesteps)} evaluations for --eval-every 4000")
        episodes_per_eval = int(config["eval-episodes"])
        check(results.shape == (len(timesteps), episodes_per_eval) and results.dtype == np.float64,
              f"/eval/results is {results.dtype} {results.shape}")
        check(lengths.shape == results.shape and lengths.dtype == np.int64,
              f"/eval/ep_lengths is {lengths.dtype} {lengths.shape}")
        check(np.array_equal(results, lengths.astype(np.float64)),
              "/eval/results differ from /eval/ep_lengths on CartPole")

        checkpoint = f["checkpoint"]
        check(int(checkpoint.attrs["step"]) == steps_done, "the final checkpoint is not at the end")
        check(int(checkpoint.attrs["episodes"]) == rows, "/checkpoint @episodes is not every row")
        actor = checkpoint["agent/model/actor"]
        first, last = actor["0.weight"], actor["4.weight"]
        check(first.shape == (64, 4) and first.dtype == np.float32,
              f"actor/0.weight is {first.dtype} {first.shape}, expected float32 (64, 4) (out, in)")
        check(last.shape == (2, 64), f"actor/4.weight is {last.shape}, expected (2, 64)")
        check(actor["0.bias"].shape == (1, 64), f"actor/0.bias is {actor['0.bias'].shape}")
        check("return_stats" in checkpoint["agent"], "no normalisation statistics in the checkpoint")
        check(checkpoint["env"].dtype == np.uint64, "/checkpoint/env is not uint64 words")

        policies = sorted(f["policies"])
        check(policies[0] == "step_000000000000" and
              policies[-1] == f"step_{steps_done:012d}", f"/policies holds {policies}")
        final_policy = f["policies"][policies[-1]]["actor/0.weight"][()]
        check(np.array_equal(final_policy, first[()]),
              "the last policy differs from the checkpoint's actor")
        return rows, len(metric_step), len(timesteps), len(policies)


def check_h5dump(path, what):
    result = run(["h5dump", "-H", path], f"h5dump -H on {what}", timeout=120)
    for name in ('DATASET "r"', 'DATASET "global_step"', 'GROUP "metrics"', 'ATTRIBUTE "env"'):
        check(name in result.stdout, f"h5dump -H of {what} does not show {name}")


def read_live(rl, folder):
    """Reads a log while its run trains, then stops the run with SIGINT."""
    path = os.path.join(folder, "live.h5")
    command = [rl, "train", "--env", "CartPole-v1", "--agent", "dqn", "--seed", "2", "--steps",
               "50000000", "--quiet", "--out", path]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=child_env())
    seen = []
    try:
        deadline = time.monotonic() + 600
        while len(seen) < 4 and time.monotonic() < deadline:
            if process.poll() is not None:
                raise CheckFailed(f"the live run exited {process.returncode}: "
                                  f"{process.stderr.read()[-1500:]}")
            time.sleep(0.5)
            if not os.path.exists(path):
                continue
            with h5py.File(path, "r") as f:
                check(text(f.attrs["status"]) == "running", f"a live log's @status is "
                      f"{f.attrs['status']!r}")
                rows = len(f["episodes/r"])
                check(all(len(f["episodes"][name]) == rows for name in EPISODE_COLUMNS),
                      "a live log's /episodes columns differ in length")
            if seen and rows <= seen[-1]:
                continue  # not rewritten since the last read
            seen.append(rows)
            if len(seen) == 2:
                check_h5dump(path, "a live log")
                analysis = run([rl, "analyze", path], "rl analyze on a live log")
                check("dqn" in analysis.stdout and "CartPole-v1" in analysis.stdout,
                      f"rl analyze on a live log printed:\n{analysis.stdout}")
        check(len(seen) == 4, f"the live log grew only to {seen} episodes in 600 s")
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=600)
        if code != 130:
            raise CheckFailed(f"Ctrl-C ended the run with exit {code}, expected 130: "
                              f"{process.stderr.read()[-1500:]}")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    with h5py.File(path, "r") as f:
        check(text(f.attrs["status"]) == "interrupted", f"after Ctrl-C @status is "
              f"{f.attrs['status']!r}")
        steps_done = int(f.attrs["steps_done"])
        check(int(f["checkpoint"].attrs["step"]) == steps_done,
              f"after Ctrl-C the checkpoint is at {f['checkpoint'].attrs['step']}, the run "
              f"stopped at {steps_done}")
        final_rows = len(f["episodes/r"])
        check(final_rows >= seen[-1], f"after Ctrl-C {final_rows} episodes, {seen[-1]} seen live")
    return seen, final_rows, steps_done


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    rl = os.path.abspath(sys.argv[1])
    folder = tempfile.mkdtemp(prefix="rl_run_log_h5py_")
    try:
        path = os.path.join(folder, "run.h5")
        steps = 16000
        run([rl, "train", "--env", "CartPole-v1", "--agent", "ppo", "--seed", "7", "--steps",
             str(steps), "--eval-every", "4000", "--checkpoint-every", "8000", "--quiet",
             "--out", path], "rl train")
        rows, metric_rows, evaluations, policies = check_schema(path, steps)
        check_h5dump(path, "a finished log")
        print(f"ok: finished log: {rows} episodes, {metric_rows} metric rows, {evaluations} "
              f"evaluations, {policies} policies match docs/run_log.md; h5dump -H reads it")
        seen, final_rows, steps_done = read_live(rl, folder)
        print(f"ok: live log read by h5py at {seen} episodes (h5dump and rl analyze too); Ctrl-C "
              f"at step {steps_done} left status 'interrupted', {final_rows} episodes and a "
              f"checkpoint there")
        print("PASS")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except CheckFailed as e:
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
