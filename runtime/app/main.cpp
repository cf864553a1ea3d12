// The `sluice` command: run, watch (top, tap), validate and list pipelines' operators.

#include <cmath>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.hpp"

namespace {

constexpr const char* version = "0.1.0";
constexpr const char* commands[] = {"run", "top", "tap", "validate", "operators", "checkpoints"};

/// A number of seconds: finite, at most a year, above zero (or at least zero
/// with `zero_ok`). CLI11's own number checks let "nan" and "inf" through.
CLI::Validator seconds(bool zero_ok) {
  return CLI::Validator(
    [zero_ok](std::string& text) -> std::string {
      double v = 0;
      std::size_t used = 0;
      try {
        v = std::stod(text, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || used != text.size() || !std::isfinite(v))
        return "'" + text + "' is not a number of seconds";
      if (zero_ok ? v < 0 : v <= 0)
        return "'" + text + "' must be " + (zero_ok ? "0 or more" : "more than 0") + " seconds";
      if (v > 365 * 24 * 3600.0) return "'" + text + "' is more than a year of seconds";
      return {};
    },
    "SECONDS");
}

/// The first word names no command: CLI11 would only say that one is required.
bool unknown_command(int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return false;
  for (const char* c : commands)
    if (std::string(argv[1]) == c) return false;
  std::string word = std::string(argv[1]).substr(0, 64);
  std::cerr << "sluice: unknown command '" << word
            << "'; the commands are run, top, tap, validate, operators and checkpoints (see sluice "
               "--help)\n";
  return true;
}

} // namespace

int main(int argc, char** argv) {
  using namespace sluice::app;
  CLI::App app{"Sluice: an actor-based reactive stream runtime"};
  app.set_version_flag("--version", std::string("sluice ") + version);
  app.require_subcommand(1);

  run_args run;
  auto* run_cmd = app.add_subcommand("run", "Run a pipeline headless until its sources end");
  run_cmd->add_option("FILE", run.file, "pipeline file (JSON)")->required();
  run_cmd
    ->add_option("--duration", run.duration_s, "stop the sources after SECONDS, drain, and exit 0")
    ->check(seconds(false));
  run_cmd->add_flag("--quiet,-q", run.quiet, "print no progress line and no summary");
  run_cmd
    ->add_option("--metrics-port", run.metrics_port,
                 "serve live metrics over HTTP on PORT (0 = any free port, printed): "
                 "/metrics (Prometheus), /api/metrics, /api/metrics/history, "
                 "/api/pipeline, /api/health, /api/tap (sluice tap)")
    ->check(CLI::Range(0, 65535));
  run_cmd->add_option("--metrics-bind", run.metrics_bind,
                      "address the metrics endpoint listens on (default 127.0.0.1)");
  run_cmd
    ->add_option("--linger", run.linger_s,
                 "after the run ends, keep serving metrics for SECONDS (Ctrl-C ends sooner)")
    ->check(seconds(true));
  run_cmd->add_flag("--top", run.top,
                    "show the live per-node table (as `sluice top`) instead of the progress "
                    "line; q stops the run");

  run_cmd->add_option("--checkpoint-dir", run.checkpoints.dir,
                      "take checkpoints into DIR, and resume from its newest complete one if any "
                      "(overrides \"checkpoint\": {\"dir\"} of the pipeline file)");
  run_cmd->add_option("--checkpoint-interval", run.checkpoints.interval,
                      "how often to take a checkpoint, e.g. 200ms, 10s, 1m (default 10s)");
  run_cmd->add_flag("--fresh", run.checkpoints.fresh,
                    "start from the beginning, ignoring the checkpoints in the directory");
  run_cmd->add_option("--from-checkpoint", run.checkpoints.from,
                      "resume from checkpoint N instead of the newest (see sluice checkpoints)");
  run_cmd
    ->add_option("--reset-state", run.checkpoints.reset,
                 "resume, but start NODE with empty state (an incompatible edit); repeatable")
    ->allow_extra_args(false);

  top_args top;
  auto* top_cmd = app.add_subcommand("top", "Watch a run's metrics endpoint live (q quits)");
  top_cmd->add_option("URL", top.url, "the run's endpoint, e.g. http://127.0.0.1:9464")->required();
  top_cmd->add_flag("--once", top.once, "print the table once and exit (no terminal needed)");

  tap_args tap;
  auto* tap_cmd = app.add_subcommand(
    "tap", "Show the records flowing on one edge of a run, sampled, as they come (Ctrl-C quits)");
  tap_cmd->add_option("URL", tap.url, "the run's endpoint, e.g. http://127.0.0.1:9464")->required();
  tap_cmd->add_option("FROM", tap.from, "the edge's upstream node, NODE or NODE.PORT")->required();
  tap_cmd->add_option("TO", tap.to, "the edge's downstream node")->required();
  tap_cmd->add_option("--filter", tap.filter,
                      "only records for which this expression is true (evaluated by the run)");
  tap_cmd->add_option("--rate", tap.rate, "records per second at most (1 to 500; default 200)")
    ->check(CLI::Range(1.0, 500.0));
  tap_cmd->add_option("--count", tap.count, "exit after N records")->check(CLI::PositiveNumber);
  tap_cmd->add_flag("--json", tap.json, "print each record as a JSON line instead of a table");

  validate_args validate;
  auto* validate_cmd = app.add_subcommand("validate", "Check a pipeline file; list every error");
  validate_cmd->add_option("FILE", validate.file, "pipeline file (JSON)")->required();
  auto* validate_dir = validate_cmd->add_option(
    "--checkpoint-dir", validate.checkpoint_dir,
    "also report, per node, what a run resuming from DIR's latest checkpoint would keep; "
    "exit 2 if it would refuse to start");
  validate_cmd
    ->add_option("--reset-state", validate.reset_state,
                 "with --checkpoint-dir: NODE starts without its state (repeatable)")
    ->allow_extra_args(false)
    ->needs(validate_dir);

  bool json = false;
  auto* ops_cmd = app.add_subcommand("operators", "List the operator catalog");
  ops_cmd->add_flag("--json", json, "print the catalog as JSON");

  std::string checkpoints_dir;
  bool checkpoints_json = false;
  auto* checkpoints_cmd = app.add_subcommand(
    "checkpoints", "List a checkpoint directory: each checkpoint, its nodes' state sizes, and "
                   "the one a restart would resume from");
  checkpoints_cmd->add_option("DIR", checkpoints_dir, "checkpoint directory")->required();
  checkpoints_cmd->add_flag("--json", checkpoints_json, "print the listing as JSON");

  if (unknown_command(argc, argv)) return exit_invalid;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? exit_ok : exit_invalid;
  }

  if (*run_cmd) return run_command(run);
  if (*top_cmd) return top_command(top);
  if (*tap_cmd) return tap_command(tap);
  if (*validate_cmd) return validate_command(validate);
  if (*ops_cmd) return operators_command(json);
  if (*checkpoints_cmd) return checkpoints_command(checkpoints_dir, checkpoints_json);
  return exit_invalid;
}
