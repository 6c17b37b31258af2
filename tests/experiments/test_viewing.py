#!/usr/bin/python3
"""`rl record`, `rl watch`, `rl play` and `rl train --watch-every` as users run them.

Cases without a display run with DISPLAY removed from the environment: recording must work,
and the window commands must fail with one line that suggests xvfb-run or rl record. Cases
named window_* need an X display (CTest runs them under xvfb-run).

Usage: test_viewing.py RL_BINARY CASE   (CASE "list" prints the case names)
Run with /usr/bin/python3 (needs python3-h5py, python3-numpy and python3-pil from Debian).
"""
import glob
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
from PIL import Image

RL = os.path.abspath(sys.argv[1])
CASES = {}


def case(function):
    CASES[function.__name__] = function
    return function


def environment(display):
    env = dict(os.environ)
    if not display:
        env.pop("DISPLAY", None)
    # The ASan build's leak checker would report Mesa's and fontconfig's caches, not ours.
    env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"), "detect_leaks=0"]))
    return env


def rl(args, cwd, display=False, expect_code=0, timeout=600):
    result = subprocess.run([RL, *args], cwd=cwd, capture_output=True, text=True,
                            env=environment(display), timeout=timeout)
    where = f"rl {' '.join(args)}" + ("" if display else " (no DISPLAY)")
    assert result.returncode == expect_code, (
        f"{where}: exit {result.returncode}, expected {expect_code}; stderr: {result.stderr!r}")
    print(f"ok: {where}: exit {result.returncode}")
    return result


def one_line_error(result, *words):
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("rl: "), f"stderr is not one line: {lines}"
    for word in words:
        assert word in lines[0], f"{lines[0]!r} does not mention {word!r}"
    print(f"    -> {lines[0]}")


def train_small(cwd, agent="ppo", env="CartPole-v1", steps="4000", name="run.h5", *extra):
    rl(["train", "--env", env, "--agent", agent, "--steps", steps, "--quiet", "--out", name,
        *extra], cwd)
    return os.path.join(cwd, name)


def gif_frames(path):
    with Image.open(path) as gif:
        assert gif.format == "GIF", f"{path} is {gif.format}"
        frames = []
        durations = []
        for index in range(gif.n_frames):
            gif.seek(index)
            frames.append(np.asarray(gif.convert("RGB")).copy())
            durations.append(gif.info.get("duration"))
        return frames, durations


@case
def record_random_gif_without_display(d):
    result = rl(["record", "--env", "CartPole-v1", "--out", "random.gif", "--episodes", "2",
                 "--seed", "5"], d)
    assert "recorded 2 episodes" in result.stdout, result.stdout
    frames, durations = gif_frames(os.path.join(d, "random.gif"))
    assert frames[0].shape == (400, 600, 3), frames[0].shape
    moving = sum(not np.array_equal(a, b) for a, b in zip(frames, frames[1:]))
    # random CartPole episodes last 10-40 steps; each step changes the picture
    assert len(frames) > 20 and moving >= 15, f"{len(frames)} frames, {moving} changes"
    assert durations[0] == 20, f"frame delay {durations[0]} ms, expected 20 (CartPole's 50 fps)"
    assert not os.path.exists(os.path.join(d, "random.gif.tmp"))
    print(f"    {len(frames)} frames, {moving} differ from the one before, 600x400, 20 ms each")


@case
def record_policy_png_frames_without_display(d):
    run = train_small(d, "dqn", "CartPole-v1", "3000")
    result = rl(["record", "--run", run, "--out", "frames/", "--max-steps", "30", "--fps", "10",
                 "--width", "320", "--height", "240"], d)
    files = sorted(glob.glob(os.path.join(d, "frames", "frame_*.png")))
    # 1 reset frame + up to 30 steps + the last frame held for half a second (5 frames at 10 fps)
    assert 8 <= len(files) <= 36, f"{len(files)} frames"
    first = np.asarray(Image.open(files[0]).convert("RGB"))
    second = np.asarray(Image.open(files[1]).convert("RGB"))
    assert first.shape == (240, 320, 3), first.shape
    assert not np.array_equal(first, second), "the first two frames are the same"
    # the overlay draws Q-values as bars: a DQN policy's frames have more than the scene's colours
    colours = len(np.unique(first.reshape(-1, 3), axis=0))
    assert colours > 20, f"only {colours} colours in a frame"
    print(f"    {len(files)} PNG frames, {colours} colours in the first; {result.stdout.strip()}")


@case
def record_continuous_and_every_classic_env(d):
    for env in ("Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1"):
        rl(["record", "--env", env, "--out", f"{env}.gif", "--max-steps", "12", "--width", "200",
            "--height", "160"], d)
        frames, _ = gif_frames(os.path.join(d, f"{env}.gif"))
        assert frames[0].shape == (160, 200, 3)
        assert any(not np.array_equal(frames[0], f) for f in frames[1:]), f"{env}: a still GIF"


@case
def record_bad_input(d):
    open(os.path.join(d, "keep.gif"), "wb").write(b"precious")
    one_line_error(rl(["record", "--env", "CartPol-v1", "--out", "x.gif"], d, expect_code=2),
                   "CartPole-v1")
    one_line_error(rl(["record", "--env", "CartPole-v1", "--out", "x.mp4"], d, expect_code=2),
                   ".gif")
    one_line_error(rl(["record", "--env", "CartPole-v1", "--out", "no/such/x.gif"], d,
                      expect_code=2), "does not exist")
    one_line_error(rl(["record", "--env", "CartPole-v1", "--out", "x.gif", "--fps", "0"], d,
                      expect_code=2), "--fps")
    one_line_error(rl(["record", "--env", "CartPole-v1", "--out", "x.gif", "--episodes", "0"], d,
                      expect_code=2), "--episodes")
    one_line_error(rl(["record", "--out", "x.gif"], d, expect_code=2), "--run", "--env")
    one_line_error(rl(["record", "--run", "keep.gif", "--out", "x.gif"], d, expect_code=2),
                   "keep.gif")
    assert open(os.path.join(d, "keep.gif"), "rb").read() == b"precious"


@case
def window_commands_without_display(d):
    run = train_small(d)
    for args in (["watch", "--run", run], ["play", "--env", "CartPole-v1"]):
        one_line_error(rl(args, d, expect_code=2), "xvfb-run", "rl record")
    one_line_error(rl(["train", "--env", "CartPole-v1", "--agent", "ppo", "--steps", "2000",
                       "--watch-every", "1000", "--out", "watched.h5"], d, expect_code=2),
                   "xvfb-run")
    assert not os.path.exists(os.path.join(d, "watched.h5")), "a run log was started anyway"


@case
def window_watch_a_policy(d):
    assert os.environ.get("DISPLAY"), "needs a display: run under xvfb-run"
    run = train_small(d, "dqn", "CartPole-v1", "3000")
    result = rl(["watch", "--run", run, "--episodes", "2", "--fps", "2000"], d, display=True)
    assert "watched 2 finished episodes" in result.stdout, result.stdout
    run = train_small(d, "ppo", "Pendulum-v1", "2048", "pendulum.h5")
    result = rl(["watch", "--run", run, "--episodes", "1", "--fps", "2000"], d, display=True)
    assert "watched 1 finished episode" in result.stdout, result.stdout


@case
def window_train_watch_every_changes_nothing(d):
    assert os.environ.get("DISPLAY"), "needs a display: run under xvfb-run"
    common = ["train", "--env", "CartPole-v1", "--agent", "dqn", "--steps", "12000", "--seed", "4",
              "--quiet"]
    rl(common + ["--out", "plain.h5"], d, display=True)
    rl(common + ["--out", "watched.h5", "--watch-every", "5000", "--watch-fps", "2000"], d,
       display=True)
    with h5py.File(os.path.join(d, "plain.h5")) as a, h5py.File(os.path.join(d, "watched.h5")) as b:
        for name in ("r", "l", "global_step", "terminated", "truncated"):
            assert np.array_equal(a["episodes"][name][()], b["episodes"][name][()]), (
                f"/episodes/{name} differs when training is watched")
        last = sorted(a["policies"])[-1]
        group_a, group_b = a["policies"][last], b["policies"][last]
        names = []
        group_a.visit(lambda n: names.append(n) if isinstance(group_a[n], h5py.Dataset) else None)
        for n in names:
            assert np.array_equal(group_a[n][()], group_b[n][()]), f"policy {n} differs"
    print(f"    episodes and final policy ({len(names)} arrays) equal with and without watching")


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    if sys.argv[2] == "list":
        print("\n".join(CASES))
        return
    with tempfile.TemporaryDirectory(prefix="rl_viewing_") as d:
        CASES[sys.argv[2]](d)
    print("PASS")


if __name__ == "__main__":
    main()
