// The `sluice` command: run, validate and list pipelines' operators.

#include <iostream>

#include <CLI/CLI.hpp>

#include "commands.hpp"

namespace {
constexpr const char* version = "0.1.0";
}

int main(int argc, char** argv) {
  using namespace sluice::app;
  CLI::App app{"Sluice: an actor-based reactive stream runtime"};
  app.set_version_flag("--version", std::string("sluice ") + version);
  app.require_subcommand(1);

  run_args run;
  auto* run_cmd = app.add_subcommand("run", "Run a pipeline headless until its sources end");
  run_cmd->add_option("FILE", run.file, "pipeline file (JSON)")->required();
  run_cmd->add_option("--duration", run.duration_s,
                      "stop the sources after SECONDS, drain, and exit 0")
    ->check(CLI::PositiveNumber);
  run_cmd->add_flag("--quiet,-q", run.quiet, "print no progress line and no summary");

  std::string validate_file;
  auto* validate_cmd = app.add_subcommand("validate", "Check a pipeline file; list every error");
  validate_cmd->add_option("FILE", validate_file, "pipeline file (JSON)")->required();

  bool json = false;
  auto* ops_cmd = app.add_subcommand("operators", "List the operator catalog");
  ops_cmd->add_flag("--json", json, "print the catalog as JSON");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? exit_ok : exit_invalid;
  }

  if (*run_cmd) return run_command(run);
  if (*validate_cmd) return validate_command(validate_file);
  if (*ops_cmd) return operators_command(json);
  return exit_invalid;
}
