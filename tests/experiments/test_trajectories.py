#!/usr/bin/python3
"""`rl eval --record-trajectories`: episodes saved in Minari's dataset layout, read with h5py
and json as minari.MinariDataset would (Minari itself is not packaged in Debian).

Usage: test_trajectories.py RL_BINARY   (run with /usr/bin/python3)
"""
import json
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

RL = os.path.abspath(sys.argv[1])


def rl(*args, cwd):
    result = subprocess.run([RL, *args], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"rl {' '.join(args)}: exit {result.returncode}: {result.stderr}"
    return result.stdout


def check_dataset(folder, episodes, observation_shape, discrete, returns):
    with open(os.path.join(folder, "data", "metadata.json")) as f:
        metadata = json.load(f)
    for key in ("dataset_id", "minari_version", "data_format", "total_episodes", "total_steps",
                "observation_space", "action_space"):
        assert key in metadata, f"metadata.json has no {key}"
    assert metadata["data_format"] == "hdf5" and metadata["jpeg_encoding"] is False
    assert metadata["minari_version"] == "0.5.3"
    assert metadata["total_episodes"] == episodes
    # Minari asserts the spaces are strings of JSON and parses them (Infinity tokens included)
    observation_space = json.loads(metadata["observation_space"])
    action_space = json.loads(metadata["action_space"])
    assert observation_space["type"] == "Box" and observation_space["dtype"] == "float32"
    assert observation_space["shape"] == list(observation_shape)
    low = np.array(observation_space["low"], dtype=np.float32)
    assert low.shape == tuple(observation_shape)
    total_steps = 0
    with h5py.File(os.path.join(folder, "data", "main_data.hdf5"), "r") as f:
        # Minari numbers new episodes len(file.keys()): nothing but episode groups at the root
        assert sorted(f.keys()) == sorted(f"episode_{i}" for i in range(episodes)), list(f.keys())
        for i in range(episodes):
            e = f[f"episode_{i}"]
            steps = int(e.attrs["total_steps"])
            assert int(e.attrs["id"]) == i and int(e.attrs["seed"]) == 11 + i
            observations = e["observations"][()]
            actions = e["actions"][()]
            rewards = e["rewards"][()]
            terminations = e["terminations"][()]
            truncations = e["truncations"][()]
            assert observations.dtype == np.float32
            assert observations.shape == (steps + 1, *observation_shape), observations.shape
            assert rewards.dtype == np.float64 and rewards.shape == (steps,)
            assert terminations.dtype == np.bool_ and truncations.dtype == np.bool_
            assert terminations.shape == truncations.shape == (steps,)
            done = terminations | truncations
            assert done[-1] and not done[:-1].any(), "only the last step may end the episode"
            if discrete:
                assert actions.dtype == np.int64 and actions.shape == (steps,)
                assert set(np.unique(actions)) <= set(range(action_space["n"]))
            else:
                assert actions.dtype == np.float32 and actions.shape == (steps, *action_space["shape"])
            assert np.isclose(e.attrs["rewards_sum"], rewards.sum())
            assert np.isclose(e.attrs["rewards_sum"], returns[i]), (
                f"episode {i}: rewards sum {e.attrs['rewards_sum']} but rl eval reported {returns[i]}")
            assert np.isclose(e.attrs["rewards_std"], rewards.std())
            # consecutive observations differ: each row is the state after one more step
            assert not np.any(np.all(observations[1:] == observations[:-1], axis=1))
            total_steps += steps
    assert metadata["total_steps"] == total_steps
    return total_steps


def main():
    with tempfile.TemporaryDirectory(prefix="rl_trajectories_") as d:
        rl("train", "--env", "CartPole-v1", "--agent", "dqn", "--steps", "3000", "--quiet", "--out",
           "dqn.h5", cwd=d)
        report = json.loads(rl("eval", "--run", "dqn.h5", "--episodes", "4", "--seed", "11",
                               "--stochastic", "--json", "--record-trajectories", "cartpole",
                               cwd=d))
        steps = check_dataset(os.path.join(d, "cartpole"), 4, (4,), True, report["returns"])
        print(f"ok: CartPole-v1 DQN: 4 episodes, {steps} steps in Minari's layout")
        rl("train", "--env", "Pendulum-v1", "--agent", "ppo", "--steps", "2048", "--quiet", "--out",
           "ppo.h5", cwd=d)
        report = json.loads(rl("eval", "--run", "ppo.h5", "--episodes", "2", "--seed", "11",
                               "--json", "--record-trajectories", "pendulum", cwd=d))
        steps = check_dataset(os.path.join(d, "pendulum"), 2, (3,), False, report["returns"])
        assert steps == 400, steps
        print(f"ok: Pendulum-v1 PPO: 2 episodes, {steps} steps, Box actions")
    print("PASS")


if __name__ == "__main__":
    main()
