#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "checkpoint_choice.hpp"

namespace sluice::app {

/// Exit codes of the `sluice` command.
constexpr int exit_ok = 0;
constexpr int exit_runtime_failure = 1;
constexpr int exit_invalid = 2;

struct run_args {
  std::string file;
  double duration_s = 0; ///< 0 = until the sources end
  bool quiet = false;
  int metrics_port = -1; ///< -1 = no endpoint, 0 = any free port
  std::string metrics_bind = "127.0.0.1";
  double linger_s = 0; ///< keep serving metrics this long after the run ended
  bool top = false;    ///< the live table instead of the progress line
  checkpoint_args checkpoints;
};

struct top_args {
  std::string url;
  bool once = false; ///< print one table and exit (no terminal needed)
};

struct tap_args {
  std::string url;
  std::string from; ///< NODE or NODE.PORT
  std::string to;
  std::string filter;
  double rate = 200;
  std::size_t count = 0; ///< 0 = until the run ends or Ctrl-C
  bool json = false;     ///< JSON lines instead of a table
};

struct validate_args {
  std::string file;
  std::string checkpoint_dir; ///< "" = no resume report
  std::vector<std::string> reset_state;
};

int run_command(const run_args& args);
int top_command(const top_args& args);
int tap_command(const tap_args& args);
int validate_command(const validate_args& args);
int operators_command(bool json);
int checkpoints_command(const std::string& dir, bool json);

} // namespace sluice::app
