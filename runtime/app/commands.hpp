#pragma once

#include <string>

namespace sluice::app {

/// Exit codes of the `sluice` command.
constexpr int exit_ok = 0;
constexpr int exit_runtime_failure = 1;
constexpr int exit_invalid = 2;

struct run_args {
  std::string file;
  double duration_s = 0; ///< 0 = until the sources end
  bool quiet = false;
};

int run_command(const run_args& args);
int validate_command(const std::string& file);
int operators_command(bool json);

} // namespace sluice::app
