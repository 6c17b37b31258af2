// Boost.Program_options glue shared by the subcommands: parsing with --help, and turning
// Boost's errors into one-line usage errors that name the option and the fix.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/program_options.hpp>

#include "envs/options.hpp"
#include "experiments/command.hpp"

namespace rl::experiments {

namespace po = boost::program_options;

/// Boost's default style without prefix guessing: `--ppo.learning_rat` must not silently set
/// ppo.learning_rate.
constexpr int kCommandLineStyle =
    po::command_line_style::default_style & ~po::command_line_style::allow_guessing;

/// Parses args against options. Returns false after printing help when --help was given.
/// Throws UsageError for unknown options and bad values.
bool parse_options(Args args, const std::string& usage, po::options_description& options,
                   po::variables_map& values);

/// The options of the commands that show episodes (watch, record, play): episodes >= 0 (>= 1
/// unless zero_episodes_means_forever), fps positive and at most 2000, a size of 64 to 4096
/// pixels. Throws UsageError naming the option and the range.
void check_view_options(std::int64_t episodes, std::optional<double> fps, int width, int height,
                        bool zero_episodes_means_forever);

/// Splits "env.KEY=VALUE" into ("env.KEY", "VALUE"); anything else is a UsageError.
std::pair<std::string, std::string> split_env_set(const std::string& set);

/// Options for one env copy without autoreset (for showing episodes), with "env.KEY=VALUE"
/// settings applied: env.max_episode_steps, or any of the env's parameters.
envs::EnvOptions viewing_env_options(const std::vector<std::string>& env_sets);

}  // namespace rl::experiments
