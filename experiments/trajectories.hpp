// `rl eval --record-trajectories`: the evaluated episodes, step by step, as a Minari dataset.
#pragma once

#include <cstdint>
#include <string>

#include "agents/agent.hpp"
#include "envs/space.hpp"
#include "envs/vec_env.hpp"
#include "log/minari_dataset.hpp"

namespace rl::experiments {

/// Minari's JSON serialisation of a space (minari/serialization.py): Box with float32 bounds
/// as nested lists (infinite bounds as the tokens Infinity/-Infinity, as Python's json writes
/// them), Discrete with n and start.
std::string minari_space_json(const envs::Space& space);

/// Plays `episodes` whole episodes (episode k reset with seed + k) on env, one copy without
/// autoreset, recording every observation, action, reward and end flag.
log::MinariDataset collect_trajectories(agents::Agent& agent, envs::VecEnv& env,
                                        std::int64_t episodes, std::uint64_t seed,
                                        bool deterministic);

}  // namespace rl::experiments
