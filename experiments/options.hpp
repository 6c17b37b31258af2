// Boost.Program_options glue shared by the subcommands: parsing with --help, and turning
// Boost's errors into one-line usage errors that name the option and the fix.
#pragma once

#include <string>

#include <boost/program_options.hpp>

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

}  // namespace rl::experiments
