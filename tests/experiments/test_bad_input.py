#!/usr/bin/python3
"""Bad input to `rl train` and `rl eval`: each case must end with exit code 2 and exactly one
line on stderr ("rl: ..." naming the problem and the fix), without a crash, and must leave every
file that already existed unchanged.

Usage: test_bad_input.py RL_BINARY CASE   (CASE "list" prints the case names)
"""
import hashlib
import os
import resource
import signal
import subprocess
import sys
import tempfile

RL = os.path.abspath(sys.argv[1])
CASES = {}


def case(function):
    CASES[function.__name__] = function
    return function


def run(args, cwd, limit_file_size=None, expect_code=2, must_mention=()):
    def limits():
        if limit_file_size is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_size, limit_file_size))

    result = subprocess.run([RL, *args], cwd=cwd, capture_output=True, text=True,
                            preexec_fn=limits, timeout=120)
    lines = result.stderr.splitlines()
    where = f"rl {' '.join(args)}"
    assert result.returncode == expect_code, (
        f"{where}: exit {result.returncode}, expected {expect_code}; stderr: {result.stderr!r}")
    assert len(lines) == 1 and lines[0].startswith("rl: "), (
        f"{where}: stderr must be one 'rl: ...' line, got {result.stderr!r}")
    for word in must_mention:
        assert word in lines[0], f"{where}: message {lines[0]!r} does not mention {word!r}"
    print(f"ok: {where}\n    -> {lines[0]}")
    return lines[0]


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def train_small(cwd, name="run.h5", *extra):
    path = os.path.join(cwd, name)
    subprocess.run([RL, "train", "--env", "CartPole-v1", "--agent", "ppo", "--steps", "3000",
                    "--checkpoint-every", "1000", "--quiet", "--out", path, *extra],
                   check=True, capture_output=True)
    return path


TRAIN = ["train", "--env", "CartPole-v1", "--agent", "ppo", "--quiet"]


@case
def unknown_env(d):
    run(["train", "--env", "CartPol-v1", "--agent", "ppo", "--out", "x.h5"], d,
        must_mention=["CartPol-v1", "CartPole-v1"])


@case
def unknown_agent(d):
    run(["train", "--env", "CartPole-v1", "--agent", "ppp", "--out", "x.h5"], d,
        must_mention=["ppp", "ppo"])


@case
def unknown_option(d):
    run(TRAIN + ["--out", "x.h5", "--learning-rate", "1"], d, must_mention=["learning-rate"])
    # a prefix of a real option must not be taken for it
    run(TRAIN + ["--out", "x.h5", "--ppo.learning_rat", "1"], d,
        must_mention=["ppo.learning_rate"])
    run(TRAIN + ["--out", "x.h5", "--set", "ppo.lerning_rate=1"], d,
        must_mention=["ppo.learning_rate"])
    run(TRAIN + ["--out", "x.h5", "--set", "env.gravty=1"], d, must_mention=["env.gravity"])
    run(TRAIN + ["--out", "x.h5", "--set", "dqn.learning_rate=1"], d, must_mention=["dqn"])
    assert not os.path.exists(os.path.join(d, "x.h5"))


@case
def wrong_type(d):
    run(TRAIN + ["--out", "x.h5", "--seed", "abc"], d, must_mention=["seed", "abc"])
    run(TRAIN + ["--out", "x.h5", "--set", "ppo.learning_rate=fast"], d,
        must_mention=["ppo.learning_rate", "fast"])
    run(TRAIN + ["--out", "x.h5", "--set", "ppo.anneal_lr=maybe"], d,
        must_mention=["ppo.anneal_lr"])
    run(TRAIN + ["--out", "x.h5", "--set", "env.gravity=heavy"], d, must_mention=["gravity"])
    run(TRAIN + ["--out", "x.h5", "--set", "noequals"], d, must_mention=["KEY=VALUE"])


@case
def out_of_range(d):
    run(TRAIN + ["--out", "x.h5", "--steps", "-5"], d, must_mention=["steps", "-5"])
    run(TRAIN + ["--out", "x.h5", "--steps", "100", "--steps", "200"], d,
        must_mention=["--steps"])
    run(TRAIN + ["--out", "x.h5", "--steps", "0"], d, must_mention=["steps"])
    run(TRAIN + ["--out", "x.h5", "--num-envs", "0"], d, must_mention=["num-envs"])
    run(TRAIN + ["--out", "x.h5", "--set", "ppo.learning_rate=0"], d,
        must_mention=["ppo.learning_rate"])
    run(TRAIN + ["--out", "x.h5", "--set", "ppo.learning_rate=-1e-3"], d,
        must_mention=["ppo.learning_rate"])
    run(["train", "--env", "CartPole-v1", "--agent", "dqn", "--out", "x.h5", "--set",
         "dqn.gamma=1.5"], d, must_mention=["dqn.gamma"])
    run(["eval", "--run", "x.h5", "--episodes", "0"], d, must_mention=["episodes"])


@case
def agent_cannot_act_in_env(d):
    run(["train", "--env", "Pendulum-v1", "--agent", "dqn", "--out", "x.h5"], d,
        must_mention=["Discrete"])
    assert not os.path.exists(os.path.join(d, "x.h5"))


@case
def missing_ini(d):
    run(TRAIN + ["--out", "x.h5", "--config", "nope.ini"], d, must_mention=["nope.ini"])


@case
def malformed_ini(d):
    path = os.path.join(d, "bad.ini")
    with open(path, "w") as f:
        f.write("env = CartPole-v1\nagent = ppo\n[ppo\nlearning_rate = 1e-3\n")
    run(["train", "--config", "bad.ini", "--out", "x.h5"], d, must_mention=["bad.ini"])
    with open(path, "w") as f:
        f.write("env = CartPole-v1\nagent = ppo\n[ppo]\nlearning_rat = 1e-3\n")
    run(["train", "--config", "bad.ini", "--out", "x.h5"], d,
        must_mention=["bad.ini", "ppo.learning_rate"])
    with open(path, "w") as f:
        f.write("env = CartPole-v1\nagent = ppo\n[ppo]\nlearning_rate = -1\n")
    run(["train", "--config", "bad.ini", "--out", "x.h5"], d,
        must_mention=["bad.ini", "ppo.learning_rate"])


@case
def out_folder_missing(d):
    run(TRAIN + ["--out", "no/such/folder/x.h5"], d, must_mention=["no/such/folder", "mkdir"])


@case
def out_folder_not_writable(d):
    folder = os.path.join(d, "locked")
    os.mkdir(folder)
    os.chmod(folder, 0o555)
    target = os.path.join(folder, "x.h5")
    if os.access(folder, os.W_OK):
        # root may write anywhere; a folder inside /proc is one it may not
        target = "/proc/rlsuite-test-run.h5"
    run(TRAIN + ["--out", target], d, must_mention=[target])
    os.chmod(folder, 0o755)


@case
def out_exists(d):
    path = train_small(d)
    before = digest(path)
    run(TRAIN + ["--out", path], d, must_mention=["--force", "--resume"])
    assert digest(path) == before, "the existing run log was modified"
    # --force with a bad option must not touch it either
    run(TRAIN + ["--out", path, "--force", "--set", "ppo.learning_rate=0"], d)
    assert digest(path) == before, "the existing run log was modified"


@case
def not_hdf5(d):
    path = os.path.join(d, "notes.h5")
    with open(path, "w") as f:
        f.write("not an HDF5 file\n" * 100)
    before = digest(path)
    run(["train", "--resume", path], d, must_mention=[path, "HDF5"])
    run(["eval", "--run", path], d, must_mention=[path, "HDF5"])
    run(["eval", "--run", os.path.join(d, "missing.h5")], d, must_mention=["missing.h5"])
    assert digest(path) == before
    other = os.path.join(d, "other.h5")
    with h5py.File(other, "w") as f:
        f["x"] = [1, 2, 3]
    run(["eval", "--run", other], d, must_mention=[other, "run log"])
    run(["train", "--resume", other], d, must_mention=[other, "run log"])


@case
def truncated(d):
    path = train_small(d)
    with open(path, "rb") as f:
        data = f.read()
    for keep in (len(data) // 2, len(data) - 1000, 4096):
        cut = os.path.join(d, f"cut{keep}.h5")
        with open(cut, "wb") as f:
            f.write(data[:keep])
        before = digest(cut)
        run(["train", "--resume", cut], d, must_mention=[cut])
        run(["eval", "--run", cut], d, must_mention=[cut])
        assert digest(cut) == before


@case
def mismatched(d):
    path = train_small(d)
    before = digest(path)
    # evaluating on an env with other spaces, resuming with another network shape
    run(["eval", "--run", path, "--env", "Acrobot-v1"], d, must_mention=[path, "Acrobot-v1"])
    run(["train", "--resume", path, "--steps", "6000", "--set", "ppo.hidden_size=32"], d,
        must_mention=[path])
    run(["train", "--resume", path, "--steps", "6000", "--num-envs", "4"], d,
        must_mention=[path])
    run(["train", "--resume", path, "--env", "Acrobot-v1"], d, must_mention=["CartPole-v1"])
    assert digest(path) == before, "a refused resume modified the run log"


@case
def nan_loss(d):
    path = os.path.join(d, "nan.h5")
    message = run(["train", "--env", "CartPole-v1", "--agent", "ppo", "--out", path, "--quiet",
                   "--checkpoint-every", "1000", "--set", "ppo.learning_rate=1e30"], d,
                  must_mention=["diverged", "step", "--resume"])
    with h5py.File(path, "r") as f:
        assert f.attrs["status"] == "diverged", f.attrs["status"]
        step = int(f["checkpoint"].attrs["step"])
        assert step < int(f.attrs["steps_done"]), "the checkpoint must predate the divergence"
        assert f"step {step})" in message, f"{message!r} does not name checkpoint step {step}"
        assert "model" in f["checkpoint/agent"], "the last good checkpoint is missing"


@case
def full_disk(d):
    # A file size limit makes write() fail like a full disk (EFBIG, with SIGXFSZ ignored).
    path = os.path.join(d, "full.h5")
    run(["train", "--env", "CartPole-v1", "--agent", "ppo", "--out", path, "--quiet",
         "--checkpoint-every", "2000"], d, limit_file_size=300_000,
        must_mention=["cannot write", "full", "--resume"])
    with h5py.File(path, "r") as f:
        episodes = f["episodes/r"].shape[0]
        step = int(f["checkpoint"].attrs["step"])
    assert episodes > 0 and step > 0, "the file written before the disk filled up was lost"
    print(f"    the last complete file holds {episodes} episodes and a checkpoint at step {step}")
    # with space again, the run continues from that checkpoint
    result = subprocess.run([RL, "train", "--resume", path, "--steps", str(step + 2000),
                             "--quiet"], cwd=d, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def main():
    name = sys.argv[2]
    if name == "list":
        print("\n".join(CASES))
        return
    global h5py
    import h5py  # here, so that listing the cases (at CMake configure time) does not need it
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    with tempfile.TemporaryDirectory(prefix="rl-bad-input-") as d:
        CASES[name](d)


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"FAIL: {e}")
        sys.exit(1)
