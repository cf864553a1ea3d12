#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "load_pipeline.hpp"
#include "resume_report.hpp"
#include "sluice/checkpoint/resume_plan.hpp"
#include "sluice/core/printable.hpp"

namespace sluice::app {

namespace {

/// The resume report against the checkpoint a restart from `dir` would use.
int report_resume(const validate_args& args, const core::pipeline::checked_pipeline& checked) {
  const std::string dir = core::printable(args.checkpoint_dir);
  std::error_code ec;
  if (!std::filesystem::exists(args.checkpoint_dir, ec)) {
    std::cerr << "sluice: no checkpoint directory '" << dir << "'\n";
    return exit_invalid;
  }
  std::optional<checkpoint::checkpoint_info> point;
  try {
    checkpoint::store s(args.checkpoint_dir, false);
    if (auto f = s.finished()) {
      std::cout << "the run in " << dir << " finished at " << checkpoint::format_wall_time(f->first)
                << " after checkpoint " << f->second
                << ": its output is complete, so a run will not resume it; --fresh starts over\n";
      return exit_ok;
    }
    point = s.latest();
  } catch (const checkpoint::store_error& e) {
    std::cerr << "sluice: error: " << core::printable(e.what()) << "\n";
    return exit_invalid;
  }
  if (!point) {
    std::cout << "no complete checkpoint in " << dir << ": a run starts fresh\n";
    return exit_ok;
  }
  std::set<std::string> reset(args.reset_state.begin(), args.reset_state.end());
  return print_resume_report(*point, checked, reset, std::cout) ? exit_ok : exit_invalid;
}

} // namespace

int validate_command(const validate_args& args) {
  auto checked = load_checked(args.file);
  if (!checked) return exit_invalid;
  std::cout << args.file << ": ok (" << checked->nodes.size() << " nodes, " << checked->edges.size()
            << " edges)\n";
  if (args.checkpoint_dir.empty()) return exit_ok;
  return report_resume(args, *checked);
}

} // namespace sluice::app
