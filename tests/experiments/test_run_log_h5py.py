#!/usr/bin/python3
"""A run log read as users read it: trains a short PPO run on CartPole-v1, then opens the file with
plain h5py (no rlsuite code) and checks the schema of log/run_log.hpp: root attributes, typed
/config attributes, the Monitor-style /episodes columns, the /metrics table, /eval, /checkpoint
and /policies; finally `h5dump -H` must read it too.

Usage: test_run_log_h5py.py RL_BINARY   (run with /usr/bin/python3: Debian's, with h5py and numpy)
"""
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

STEPS = 20000
CARTPOLE_TIME_LIMIT = 500
EPISODE_COLUMNS = {  # name -> numpy dtype h5py must report
    "r": np.float64,
    "l": np.int64,
    "t": np.float64,
    "global_step": np.int64,
    "env_index": np.int64,
    "terminated": np.bool_,
    "truncated": np.bool_,
}


class CheckFailed(Exception):
    pass


def check(condition, what):
    if not condition:
        raise CheckFailed(what)


def datasets_under(group):
    """Every dataset below group, by path relative to it."""
    found = {}
    group.visititems(lambda name, obj: found.__setitem__(name, obj)
                     if isinstance(obj, h5py.Dataset) else None)
    return found


def is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def is_float(value):
    return isinstance(value, (float, np.floating))


def check_root(f):
    a = f.attrs
    for key in ("format", "format_version", "status", "steps_done", "wall_time"):
        check(key in a, f"root attribute {key!r} is missing (has {sorted(a)})")
    check(a["format"] == "rlsuite-run-log", f"root @format is {a['format']!r}")
    check(is_int(a["format_version"]) and a["format_version"] >= 1,
          f"root @format_version is {a['format_version']!r}, expected an integer >= 1")
    check(a["status"] == "finished", f"root @status is {a['status']!r}, expected 'finished'")
    check(is_int(a["steps_done"]) and a["steps_done"] >= STEPS,
          f"root @steps_done is {a['steps_done']!r}, expected an integer >= {STEPS}")
    check(is_float(a["wall_time"]) and a["wall_time"] > 0,
          f"root @wall_time is {a['wall_time']!r}, expected a positive float")
    print(f"ok: root: format {a['format']} v{a['format_version']}, status {a['status']}, "
          f"steps_done {a['steps_done']}, wall_time {a['wall_time']:.2f} s")
    return int(a["steps_done"]), float(a["wall_time"])


def check_config(f):
    check("config" in f, "group /config is missing")
    c = f["config"].attrs
    expected = {  # key -> (type test, type name, required value or None)
        "env": (lambda v: isinstance(v, str), "str", "CartPole-v1"),
        "agent": (lambda v: isinstance(v, str), "str", "ppo"),
        "seed": (is_int, "int", 1),
        "steps": (is_int, "int", STEPS),
        "num-envs": (is_int, "int", None),
        "ppo.learning_rate": (is_float, "float", None),
        "env.gravity": (is_float, "float", None),
        "command_line": (lambda v: isinstance(v, str), "str", None),
        "rlsuite_version": (lambda v: isinstance(v, str), "str", None),
        "start_time": (lambda v: isinstance(v, str), "str", None),
    }
    for key, (is_type, type_name, value) in expected.items():
        check(key in c, f"/config attribute {key!r} is missing (has {sorted(c)})")
        check(is_type(c[key]), f"/config @{key} is {c[key]!r} of type {type(c[key]).__name__}, "
              f"expected {type_name}")
        if value is not None:
            check(c[key] == value, f"/config @{key} is {c[key]!r}, expected {value!r}")
    check(c["num-envs"] >= 1, f"/config @num-envs is {c['num-envs']}")
    check(c["ppo.learning_rate"] > 0, f"/config @ppo.learning_rate is {c['ppo.learning_rate']}")
    print(f"ok: /config: {len(c)} typed attributes (env {c['env']}, agent {c['agent']}, "
          f"seed {c['seed']}, num-envs {c['num-envs']}, ppo.learning_rate "
          f"{c['ppo.learning_rate']})")
    return int(c["num-envs"])


def check_episodes(f, steps_done, wall_time, num_envs):
    check("episodes" in f, "group /episodes is missing")
    g = f["episodes"]
    columns = {}
    for name, dtype in EPISODE_COLUMNS.items():
        check(name in g, f"/episodes/{name} is missing (has {sorted(g)})")
        d = g[name]
        check(isinstance(d, h5py.Dataset) and d.ndim == 1,
              f"/episodes/{name} is not a 1-D dataset")
        check(d.dtype == dtype, f"/episodes/{name} has dtype {d.dtype}, expected "
              f"{np.dtype(dtype)}")
        columns[name] = d[()]
    lengths = {name: len(v) for name, v in columns.items()}
    n = lengths["r"]
    check(n > 0, "/episodes is empty after a finished run")
    check(len(set(lengths.values())) == 1, f"/episodes columns differ in length: {lengths}")
    r, l, t = columns["r"], columns["l"], columns["t"]
    step, env_index = columns["global_step"], columns["env_index"]
    terminated, truncated = columns["terminated"], columns["truncated"]
    bad = np.flatnonzero(r != l)
    check(bad.size == 0, f"/episodes r != l (CartPole pays 1 per step) at rows {bad[:5]}: "
          f"r {r[bad[:5]]}, l {l[bad[:5]]}")
    check(np.all((l >= 1) & (l <= CARTPOLE_TIME_LIMIT)),
          f"/episodes/l outside [1, {CARTPOLE_TIME_LIMIT}]: {l[(l < 1) | (l > 500)][:5]}")
    bad = np.flatnonzero(truncated & (l != CARTPOLE_TIME_LIMIT))
    check(bad.size == 0, f"/episodes truncated before the time limit at rows {bad[:5]}: "
          f"l {l[bad[:5]]}")
    bad = np.flatnonzero(np.diff(step) < 0)
    check(bad.size == 0, f"/episodes/global_step decreases at rows {bad[:5]}")
    check(step[0] > 0 and step[-1] <= steps_done,
          f"/episodes/global_step spans [{step[0]}, {step[-1]}], expected within "
          f"(0, steps_done={steps_done}]")
    bad = np.flatnonzero(np.diff(t) < 0)
    check(bad.size == 0, f"/episodes/t decreases at rows {bad[:5]}")
    check(t[0] >= 0 and t[-1] <= wall_time,
          f"/episodes/t spans [{t[0]}, {t[-1]}], expected within [0, wall_time={wall_time}]")
    check(np.all((env_index >= 0) & (env_index < num_envs)),
          f"/episodes/env_index outside [0, {num_envs}): {np.unique(env_index)}")
    bad = np.flatnonzero(~(terminated | truncated))
    check(bad.size == 0, f"/episodes rows neither terminated nor truncated: {bad[:5]}")
    print(f"ok: /episodes: {n} rows in 7 columns; r == l; global_step in [{step[0]}, {step[-1]}] "
          f"non-decreasing; t non-decreasing; env_index in [0, {num_envs}); "
          f"{int(terminated.sum())} terminated, {int(truncated.sum())} truncated")
    return n


def check_metrics(f, steps_done):
    check("metrics" in f, "group /metrics is missing")
    g = f["metrics"]
    for name, dtype in (("step", np.int64), ("wall_time", np.float64)):
        check(name in g and g[name].ndim == 1 and g[name].dtype == dtype,
              f"/metrics/{name} must be a 1-D {np.dtype(dtype)} dataset")
    step = g["step"][()]
    n = len(step)
    check(n > 0, "/metrics is empty after a finished run")
    check(np.all(np.diff(step) >= 0) and step[-1] <= steps_done,
          f"/metrics/step must be non-decreasing and <= steps_done={steps_done}")
    columns = datasets_under(g)
    for name, d in columns.items():
        check(d.ndim == 1 and len(d) == n,
              f"/metrics/{name} has shape {d.shape}, expected ({n},) like /metrics/step")
        if name != "step":
            check(d.dtype == np.float64, f"/metrics/{name} has dtype {d.dtype}, expected float64")
    check("rollout/ep_rew_mean" in columns,
          f"/metrics/rollout/ep_rew_mean is missing (has {sorted(columns)})")
    logged = ~np.isnan(g["rollout/ep_rew_mean"][()])
    check(logged.any(), "/metrics/rollout/ep_rew_mean is NaN in every row")
    print(f"ok: /metrics: {n} rows, {len(columns) - 2} metric columns of the same length "
          f"(rollout/ep_rew_mean logged in {int(logged.sum())} rows)")
    return n


def check_eval(f, eval_episodes):
    check("eval" in f, "group /eval is missing")
    g = f["eval"]
    expected = {"timesteps": (np.int64, 1), "t": (np.float64, 1), "results": (np.float64, 2),
                "ep_lengths": (np.int64, 2)}
    for name, (dtype, ndim) in expected.items():
        check(name in g, f"/eval/{name} is missing (has {sorted(g)})")
        check(g[name].dtype == dtype and g[name].ndim == ndim,
              f"/eval/{name} is {g[name].ndim}-D {g[name].dtype}, expected {ndim}-D "
              f"{np.dtype(dtype)}")
    n = len(g["timesteps"])
    check(n > 0, "/eval is empty, but evaluations run every --eval-every steps by default")
    check(g["t"].shape == (n,), f"/eval/t has shape {g['t'].shape}, expected ({n},)")
    check(g["results"].shape == (n, eval_episodes),
          f"/eval/results has shape {g['results'].shape}, expected ({n}, {eval_episodes})")
    check(g["ep_lengths"].shape == g["results"].shape,
          f"/eval/ep_lengths has shape {g['ep_lengths'].shape}, /eval/results "
          f"{g['results'].shape}")
    check(np.all(np.diff(g["timesteps"][()]) > 0), "/eval/timesteps is not increasing")
    check(np.array_equal(g["results"][()], g["ep_lengths"][()].astype(np.float64)),
          "/eval/results != /eval/ep_lengths (CartPole pays 1 per step)")
    print(f"ok: /eval: {n} evaluations of {eval_episodes} episodes, shapes consistent")
    return n


def check_checkpoint(f, steps_done, rows):
    check("checkpoint" in f, "group /checkpoint is missing")
    g = f["checkpoint"]
    for key in ("step", "wall_time", "episodes", "metric_rows", "eval_rows"):
        check(key in g.attrs, f"/checkpoint attribute {key!r} is missing")
    check(g.attrs["step"] == steps_done,
          f"/checkpoint @step {g.attrs['step']} != root @steps_done {steps_done} in a finished run")
    for key, n in rows.items():
        check(g.attrs[key] == n, f"/checkpoint @{key} is {g.attrs[key]}, but the table has {n} "
              f"rows in a finished run")
    check("agent" in g and isinstance(g["agent"], h5py.Group) and len(datasets_under(g["agent"])),
          "/checkpoint/agent is missing or holds no datasets")
    check("env" in g and g["env"].dtype == np.uint64 and g["env"].ndim == 1 and len(g["env"]),
          "/checkpoint/env must be a non-empty 1-D uint64 dataset")
    print(f"ok: /checkpoint: step {g.attrs['step']} == steps_done, row counts match, "
          f"{len(datasets_under(g['agent']))} datasets under agent/, env {len(g['env'])} words")
    return int(g.attrs["step"])


def check_policies(f, checkpoint_step):
    check("policies" in f and len(f["policies"]), "group /policies is missing or empty")
    g = f["policies"]
    names = sorted(g)
    steps = []
    for name in names:
        step = int(g[name].attrs["step"])
        check(name == f"step_{step:012d}", f"/policies/{name} has @step {step}")
        steps.append(step)
    check(steps[0] == 0, f"the first policy is at step {steps[0]}, expected 0")
    check(steps[-1] == checkpoint_step,
          f"the last policy is at step {steps[-1]}, the checkpoint at {checkpoint_step}")
    last = g[names[-1]]
    for name, d in datasets_under(last).items():
        check(d.dtype == np.float32 and d.ndim == 2,
              f"/policies/{names[-1]}/{name} is {d.ndim}-D {d.dtype}, expected 2-D float32")
    weight = f"/policies/{names[-1]}/actor/0.weight"
    check(weight in f, f"{weight} is missing")
    check(f[weight].shape == (64, 4), f"{weight} has shape {f[weight].shape}, expected (64, 4): "
          f"(out, in)")
    check(np.all(np.isfinite(f[weight][()])), f"{weight} holds non-finite values")
    # The last policy is the checkpoint's network (PPO keeps it under agent/model/).
    model = f["checkpoint/agent/model"] if "checkpoint/agent/model" in f else None
    if model is not None:
        for name, d in datasets_under(last).items():
            if name in model:
                check(np.array_equal(d[()], model[name][()]),
                      f"/policies/{names[-1]}/{name} differs from /checkpoint/agent/model/{name}")
    print(f"ok: /policies: {len(names)} groups from step 0 to {steps[-1]} (== checkpoint); "
          f"{weight} is (64, 4) float32")


def check_h5dump(path):
    h5dump = shutil.which("h5dump")
    check(h5dump is not None, "h5dump not found; install hdf5-tools (scripts/setup.sh)")
    result = subprocess.run([h5dump, "-H", path], capture_output=True, text=True, timeout=120)
    check(result.returncode == 0,
          f"h5dump -H exited {result.returncode}: {result.stderr.strip()[:500]}")
    check('GROUP "/episodes"' in result.stdout or 'GROUP "episodes"' in result.stdout,
          "h5dump -H output does not show the episodes group")
    print(f"ok: h5dump -H exits 0 ({len(result.stdout.splitlines())} lines)")


def main():
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} RL_BINARY")
    rl = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="rl_run_log_h5py_") as folder:
        path = os.path.join(folder, "run.h5")
        command = [rl, "train", "--env", "CartPole-v1", "--agent", "ppo", "--seed", "1",
                   "--steps", str(STEPS), "--quiet", "--out", path]
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            raise CheckFailed(f"{' '.join(command)} exited {result.returncode}: "
                              f"{result.stderr.strip()[:1000]}")
        print(f"ok: {' '.join(command[1:])}")
        with h5py.File(path, "r") as f:
            steps_done, wall_time = check_root(f)
            num_envs = check_config(f)
            rows = {"episodes": check_episodes(f, steps_done, wall_time, num_envs),
                    "metric_rows": check_metrics(f, steps_done),
                    "eval_rows": check_eval(f, int(f["config"].attrs["eval-episodes"]))}
            checkpoint_step = check_checkpoint(f, steps_done, rows)
            check_policies(f, checkpoint_step)
        check_h5dump(path)
    print("PASS: the run log matches its schema when read with plain h5py and h5dump")


if __name__ == "__main__":
    try:
        main()
    except CheckFailed as e:
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
