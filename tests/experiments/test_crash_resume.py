#!/usr/bin/python3
"""Crash safety of `rl train`, tested by killing a real training process with SIGKILL.

One DQN run on CartPole-v1 is trained twice with the same options, at the same time:
  * the reference, never interrupted;
  * the interrupted run, killed with SIGKILL several times at seeded random moments and continued
    each time with `rl train --resume`: late in a fresh process (after progress lines 5 s old
    exist), at the start-up of a resumed process, in the middle of a log write (the temporary file
    exists), just after a write was renamed into place (checkpoints are frequent, so that is
    almost always a checkpoint), and at a random moment of a resumed process.

After every kill the file must open with plain h5py, `rl eval --run` (and `rl analyze`, see
CHECK_RL_ANALYZE) must read it, it must hold every episode that a progress line reported at least
5 s before the kill, and its episodes and saved policies must be a prefix of the reference's.
At the end the resumed run must equal the reference: the episodes (r, l, global_step, env_index,
terminated, truncated; not t, the wall time), every policy and the whole final checkpoint,
bit for bit.

Usage: test_crash_resume.py RL_BINARY [--steps N] [--checkpoint-every N] [--eval-every N]
           [--kill-seed N]
The defaults suit the release build (~20 s); give the ASan build (~25x slower) 20000 steps,
checkpoints every 500 and evaluations every 5000 (see the CMake registration). Run with /usr/bin/python3.
"""
import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import h5py
import numpy as np

# Every killed file must also pass `rl analyze FILE`.
CHECK_RL_ANALYZE = True

STALE_SECONDS = 5.0  # the issue: episodes finished more than 5 s before a kill are in the file
PROGRESS_EVERY = 0.2
EPISODE_COLUMNS = ("r", "l", "global_step", "env_index", "terminated", "truncated")
PROGRESS_LINE = re.compile(r"^step (\d+)/(\d+) .*\| (\d+) episodes \|")
SLOW_TIMEOUT = 1800  # seconds any single rl process may take (ASan included)


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


def run_quick(command, what):
    result = subprocess.run(command, capture_output=True, text=True, timeout=SLOW_TIMEOUT,
                            env=child_env())
    check(result.returncode == 0, f"{what}: `{' '.join(command)}` exited {result.returncode}: "
          f"{result.stderr.strip()[-1500:]}")
    return result


class Training:
    """One `rl train` process whose stderr progress lines are timestamped as they arrive."""

    def __init__(self, command):
        self.command = command
        self.start = time.monotonic()
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        env=child_env())
        self.progress = []  # (monotonic time received, step, episodes)
        self.stderr = []
        self.stdout = b""
        self.ended = None  # monotonic time its stderr closed: when it exited
        self._stderr_reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._stdout_reader = threading.Thread(target=self._read_stdout, daemon=True)
        self._stderr_reader.start()
        self._stdout_reader.start()

    def _read_stderr(self):
        for raw in self.process.stderr:
            now = time.monotonic()
            line = raw.decode(errors="replace").rstrip("\n")
            self.stderr.append(line)
            match = PROGRESS_LINE.match(line)
            if match:
                self.progress.append((now, int(match.group(1)), int(match.group(3))))
        self.ended = time.monotonic()

    def _read_stdout(self):
        self.stdout = self.process.stdout.read()

    def elapsed(self):
        return time.monotonic() - self.start

    def running(self):
        return self.process.poll() is None

    def kill(self):
        """SIGKILL now; returns the monotonic time of the kill, or None if it had already exited."""
        if not self.running():
            return None
        moment = time.monotonic()
        os.kill(self.process.pid, signal.SIGKILL)
        self.wait()
        return moment

    def wait(self, timeout=SLOW_TIMEOUT):
        self.process.wait(timeout=timeout)
        self._stderr_reader.join(timeout=10)
        self._stdout_reader.join(timeout=10)
        return self.process.returncode

    def failure(self):
        return (f"`{' '.join(self.command)}` exited {self.process.returncode}; stderr:\n"
                + "\n".join(self.stderr[-30:]))


def file_id(path):
    try:
        s = os.stat(path)
        return (s.st_ino, s.st_size, s.st_mtime_ns)
    except FileNotFoundError:
        return None


# ---- ways to choose the moment of a kill; each returns the kill time or None (it finished) ----

def kill_after(training, seconds):
    try:
        training.process.wait(timeout=max(0.0, seconds - training.elapsed()))
        return None
    except subprocess.TimeoutExpired:
        return training.kill()


def wait_for_new_write(training, temporary, stale, give_up):
    """Polls until training starts writing `temporary` anew; False if it exited or gave up."""
    while training.running() and training.elapsed() < give_up:
        current = file_id(temporary)
        if current is not None and current != stale:
            return True
        time.sleep(0.0002)
    return False


def kill_during_write(training, temporary, rng, give_up):
    """Kills as soon as a write of the log has begun (it may also have given up waiting)."""
    time.sleep(rng.uniform(0.3, 1.0))
    wait_for_new_write(training, temporary, file_id(temporary), give_up)
    return training.kill()


def kill_after_write(training, temporary, rng, give_up):
    """Kills as soon as a write of the log has been renamed into place."""
    time.sleep(rng.uniform(0.3, 1.0))
    if wait_for_new_write(training, temporary, file_id(temporary), give_up):
        while training.running() and os.path.exists(temporary):
            time.sleep(0.0001)  # until the rename
    return training.kill()


# ---- checks ----

def read_columns(f):
    return {name: f["episodes"][name][()] for name in EPISODE_COLUMNS}


def datasets_under(group):
    found = {}
    group.visititems(lambda name, obj: found.__setitem__(name, obj[()])
                     if isinstance(obj, h5py.Dataset) else None)
    return found


def same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def check_killed_file(path, training, kill_time, rl, label):
    """The checks on the file as the kill left it; returns a summary dict."""
    try:
        f = h5py.File(path, "r")
    except Exception as e:  # noqa: BLE001 - any failure to open is the finding
        raise CheckFailed(f"{label}: the killed run's file does not open with h5py: {e}")
    with f:
        check(f.attrs.get("format") == "rlsuite-run-log", f"{label}: root @format is "
              f"{f.attrs.get('format')!r}")
        # "finished" only when the kill came after the last write, as the process exited
        status = f.attrs["status"]
        check(status == "running" or (status == "finished" and training.progress and
                                      training.progress[-1][1] >= f.attrs["steps_done"]),
              f"{label}: a killed run's @status is {status!r}, expected 'running'")
        columns = read_columns(f)
        lengths = {name: len(v) for name, v in columns.items()}
        rows = len(columns["r"])
        check(len(set(lengths.values())) == 1, f"{label}: /episodes columns differ in length "
              f"{lengths}")
        checkpoint = f["checkpoint"].attrs
        checkpoint_step = int(checkpoint["step"])
        check(checkpoint["episodes"] <= rows, f"{label}: /checkpoint @episodes "
              f"{checkpoint['episodes']} > {rows} rows in /episodes")
        check(checkpoint_step <= f.attrs["steps_done"], f"{label}: /checkpoint @step "
              f"{checkpoint_step} > @steps_done {f.attrs['steps_done']}")
        policies = sorted(f["policies"])
        check(policies and policies[-1] == f"step_{checkpoint_step:012d}",
              f"{label}: the last policy is {policies[-1] if policies else None}, the checkpoint "
              f"is at step {checkpoint_step}")
    # Every episode a progress line of this process reported >= 5 s before the kill is saved.
    old = [p for p in training.progress if p[0] <= kill_time - STALE_SECONDS]
    required = old[-1][2] if old else None
    if required is not None:
        check(rows >= required, f"{label}: the file holds {rows} episodes, but a progress line "
              f"{kill_time - old[-1][0]:.1f} s before the kill reported {required}")
    unsaved = [p for p in training.progress if p[2] > rows]
    oldest_unsaved_age = kill_time - unsaved[0][0] if unsaved else None
    run_quick([rl, "eval", "--run", path, "--episodes", "1"], f"{label}: rl eval on the killed file")
    if CHECK_RL_ANALYZE:
        run_quick([rl, "analyze", path], f"{label}: rl analyze on the killed file")
    last = training.progress[-1] if training.progress else None
    return {"status": status, "rows": rows, "checkpoint_step": checkpoint_step,
            "required": required,
            "required_age": kill_time - old[-1][0] if old else None,
            "oldest_unsaved_age": oldest_unsaved_age,
            "last_progress": (last[1], last[2], kill_time - last[0]) if last else None}


def check_prefix_of_reference(snapshot, reference, label):
    """A killed file's episodes and policies are what the uninterrupted run had at that point."""
    with h5py.File(snapshot, "r") as f, h5py.File(reference, "r") as ref:
        columns, expected = read_columns(f), read_columns(ref)
        rows = len(columns["r"])
        check(rows <= len(expected["r"]), f"{label}: {rows} episodes, more than the reference's "
              f"{len(expected['r'])}")
        for name in EPISODE_COLUMNS:
            differ = np.flatnonzero(columns[name] != expected[name][:rows])
            check(differ.size == 0, f"{label}: /episodes/{name} differs from the uninterrupted "
                  f"run's at rows {differ[:5]}: {columns[name][differ[:5]]} vs "
                  f"{expected[name][differ[:5]]}")
        for name in f["policies"]:
            check(name in ref["policies"], f"{label}: /policies/{name} is not a checkpoint step "
                  f"of the uninterrupted run")
            mine, theirs = datasets_under(f["policies"][name]), datasets_under(ref["policies"][name])
            check(mine.keys() == theirs.keys(), f"{label}: /policies/{name} holds {sorted(mine)}, "
                  f"the reference {sorted(theirs)}")
            for key in mine:
                check(same_bits(mine[key], theirs[key]), f"{label}: /policies/{name}/{key} "
                      f"differs from the uninterrupted run's")
        return rows, len(f["policies"])


def compare_final(path, reference):
    with h5py.File(path, "r") as f, h5py.File(reference, "r") as ref:
        for f_, who in ((f, "resumed"), (ref, "reference")):
            check(f_.attrs["status"] == "finished", f"the {who} run's @status is "
                  f"{f_.attrs['status']!r}, expected 'finished'")
        check(f.attrs["steps_done"] == ref.attrs["steps_done"], f"steps_done "
              f"{f.attrs['steps_done']} vs {ref.attrs['steps_done']} uninterrupted")
        columns, expected = read_columns(f), read_columns(ref)
        for name in EPISODE_COLUMNS:
            check(columns[name].shape == expected[name].shape,
                  f"/episodes/{name}: {len(columns[name])} rows after resuming, "
                  f"{len(expected[name])} uninterrupted")
            differ = np.flatnonzero(columns[name] != expected[name])
            check(differ.size == 0, f"/episodes/{name} differs from the uninterrupted run at rows "
                  f"{differ[:5]}: {columns[name][differ[:5]]} vs {expected[name][differ[:5]]}")
        check(sorted(f["policies"]) == sorted(ref["policies"]),
              f"policies saved at {sorted(f['policies'])}, uninterrupted at "
              f"{sorted(ref['policies'])}")
        compared = 0
        for group in ["policies/" + name for name in ref["policies"]] + ["checkpoint/agent"]:
            mine, theirs = datasets_under(f[group]), datasets_under(ref[group])
            check(mine.keys() == theirs.keys(), f"/{group} holds {sorted(mine)}, uninterrupted "
                  f"{sorted(theirs)}")
            for key in mine:
                check(same_bits(mine[key], theirs[key]),
                      f"/{group}/{key} differs from the uninterrupted run's")
                compared += 1
        check(same_bits(f["checkpoint/env"][()], ref["checkpoint/env"][()]),
              "/checkpoint/env differs from the uninterrupted run's")
        for key in ("step", "episodes", "metric_rows", "eval_rows"):
            check(f["checkpoint"].attrs[key] == ref["checkpoint"].attrs[key],
                  f"/checkpoint @{key} {f['checkpoint'].attrs[key]} vs "
                  f"{ref['checkpoint'].attrs[key]} uninterrupted")
        for name in ("timesteps", "results", "ep_lengths"):
            check(same_bits(f["eval"][name][()], ref["eval"][name][()]),
                  f"/eval/{name} differs from the uninterrupted run's")
        check(same_bits(f["metrics/step"][()], ref["metrics/step"][()]),
              "/metrics/step differs from the uninterrupted run's")
        return len(expected["r"]), len(ref["policies"]), compared


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rl")
    parser.add_argument("--steps", type=int, default=600000)
    parser.add_argument("--checkpoint-every", type=int, default=10000)
    parser.add_argument("--eval-every", type=int, default=50000)
    parser.add_argument("--kill-seed", type=int, default=3)
    args = parser.parse_args()
    rl = os.path.abspath(args.rl)
    rng = random.Random(args.kill_seed)
    options = ["--env", "CartPole-v1", "--agent", "dqn", "--seed", "1", "--steps", str(args.steps),
               "--checkpoint-every", str(args.checkpoint_every), "--eval-every",
               str(args.eval_every), "--set", "dqn.buffer_size=50000"]
    folder = tempfile.mkdtemp(prefix="rl_crash_resume_")
    processes = []
    try:
        reference_path = os.path.join(folder, "reference.h5")
        path = os.path.join(folder, "run.h5")
        temporary = path + ".tmp"
        print(f"options: {' '.join(options)}; kill seed {args.kill_seed}")
        began = time.monotonic()
        reference = Training([rl, "train", *options, "--quiet", "--out", reference_path])
        processes.append(reference)

        # (how, seconds after the start at which to give up waiting for a write)
        plan = ["late", "startup", "during_write", "late_or_random", "after_write"]
        results = []
        training = Training([rl, "train", *options, "--progress-every", str(PROGRESS_EVERY),
                             "--out", path])
        processes.append(training)
        finished = False
        rate = None  # steps per second of this machine, from the first segment's progress
        for cycle, how in enumerate(plan, start=1):
            label = f"kill {cycle} ({how}, {'fresh' if cycle == 1 else 'resumed'} process)"
            before = file_id(path)
            stale_temporary = file_id(temporary)
            if how == "late":
                planned = STALE_SECONDS + 0.6 + rng.uniform(0.0, 1.0)
                kill_time = kill_after(training, planned)
            elif how == "startup":
                planned = rng.uniform(0.02, 0.3)
                kill_time = kill_after(training, planned)
            elif how == "late_or_random":
                # late enough for 5 s old progress lines if the rest of the run allows it
                remaining = (args.steps - checkpoint_step) / rate if rate else 0.0
                if remaining > STALE_SECONDS + 2.5:
                    planned = STALE_SECONDS + 0.6 + rng.uniform(0.0, 1.0)
                else:
                    planned = rng.uniform(0.3, 0.7) * max(remaining, 0.5)
                kill_time = kill_after(training, planned)
            elif how == "during_write":
                planned = None
                kill_time = kill_during_write(training, temporary, rng, give_up=120)
            else:
                planned = None
                kill_time = kill_after_write(training, temporary, rng, give_up=120)
            if kill_time is None:
                code = training.wait()
                check(code == 0, training.failure())
                print(f"{label}: the process finished before the kill; no more kills")
                finished = True
                break
            check(training.process.returncode == -signal.SIGKILL,
                  f"{label}: exit {training.process.returncode} instead of SIGKILL; "
                  + training.failure())
            seconds = kill_time - training.start
            if cycle == 1 and len(training.progress) >= 2:
                (t0, s0, _), (t1, s1, _) = training.progress[0], training.progress[-1]
                rate = (s1 - s0) / (t1 - t0) if t1 > t0 else None
            mid_write = file_id(temporary) is not None and file_id(temporary) != stale_temporary
            summary = check_killed_file(path, training, kill_time, rl, label)
            checkpoint_step = summary["checkpoint_step"]
            snapshot = os.path.join(folder, f"killed_{cycle}.h5")
            shutil.copyfile(path, snapshot)
            rewritten = file_id(path) != before
            results.append((label, snapshot, summary))
            planned_text = f" (planned {planned:.2f} s)" if planned is not None else ""
            last = summary["last_progress"]
            print(f"{label}: killed {seconds:.2f} s after start{planned_text}"
                  + (f"; last progress line step {last[0]}, {last[1]} episodes, {last[2]:.2f} s "
                     f"before the kill" if last else "; no progress line yet")
                  + f"; file {'rewritten' if rewritten else 'not rewritten'} by this process"
                  + (f", killed mid-write ({os.path.getsize(temporary)} bytes of {temporary} "
                     f"left)" if mid_write else ""))
            if summary["required"] is not None:
                print(f"    ok: {summary['rows']} episodes saved >= {summary['required']} reported "
                      f"{summary['required_age']:.2f} s before the kill (margin "
                      f"{summary['rows'] - summary['required']} episodes)")
            else:
                print(f"    ok: {summary['rows']} episodes saved; no progress line of this "
                      f"process was {STALE_SECONDS:.0f} s old at the kill, so the 5 s check is "
                      f"vacuous here")
            age = summary["oldest_unsaved_age"]
            print(f"    unsaved at the kill: "
                  + (f"episodes first reported {age:.2f} s before it" if age is not None
                     else "no reported episode")
                  + f"; h5py opens it, rl eval reads it"
                  + (", rl analyze reads it" if CHECK_RL_ANALYZE else
                     " (rl analyze not checked: CHECK_RL_ANALYZE is off)")
                  + (f"; resuming from checkpoint step {checkpoint_step}"
                     if summary["status"] == "running" else "; it had finished its last write"))
            if summary["status"] == "finished":
                finished = True
                break
            training = Training([rl, "train", "--resume", path, "--progress-every",
                                 str(PROGRESS_EVERY)])
            processes.append(training)
        if not finished:
            code = training.wait()
            check(code == 0, training.failure())
        check(reference.wait() == 0, reference.failure())
        print(f"runs done: interrupted {training.ended - began:.1f} s with {len(results)} kills, "
              f"reference {reference.ended - began:.1f} s (in parallel)")
        check(not os.path.exists(temporary), f"{temporary} is left after the run finished")

        for label, snapshot, _ in results:
            rows, policies = check_prefix_of_reference(snapshot, reference_path, label)
            print(f"ok: {label}: its {rows} episodes and {policies} policies equal the "
                  f"uninterrupted run's")
        episodes, policies, compared = compare_final(path, reference_path)
        kills = len(results)
        check(kills >= 2, f"only {kills} kill(s) landed before the run finished; raise --steps")
        print(f"ok: after {kills} kills the resumed run equals the uninterrupted one: {episodes} "
              f"episodes (r, l, global_step, env_index, terminated, truncated), {policies} policies "
              f"and the final checkpoint ({compared} datasets bit for bit), evaluations and "
              f"metric steps")
        print(f"PASS ({time.monotonic() - began:.1f} s)")
    finally:
        for training in processes:  # only after a failure: stop what this test started
            training.kill()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except CheckFailed as e:
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
