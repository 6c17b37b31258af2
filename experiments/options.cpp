#include "experiments/options.hpp"

#include <iostream>

namespace rl::experiments {

bool parse_options(Args args, const std::string& usage, po::options_description& options,
                   po::variables_map& values) {
  options.add_options()("help,h", "print this help and exit");
  try {
    po::store(po::command_line_parser(static_cast<int>(args.size()), args.data())
                  .options(options)
                  .style(kCommandLineStyle)
                  .run(),
              values);
    if (values.count("help") != 0) {
      std::cout << "usage: " << usage << "\n\n" << options << '\n';
      return false;
    }
    po::notify(values);
  } catch (const po::error& e) {
    throw UsageError(std::string(e.what()) + " (usage: " + usage + "; see --help)");
  }
  return true;
}

}  // namespace rl::experiments
