#include "resume_report.hpp"

#include <ostream>

#include "sluice/checkpoint/resume_plan.hpp"
#include "sluice/checkpoint/size_text.hpp"
#include "sluice/core/printable.hpp"

namespace sluice::app {

namespace {

std::string quoted_list(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "'" : ", '") + id + "'";
  return out;
}

} // namespace

bool print_resume_report(const checkpoint::checkpoint_info& info,
                         const core::pipeline::checked_pipeline& next,
                         const std::set<std::string>& reset, std::ostream& out) {
  checkpoint::resume_plan plan;
  try {
    plan = checkpoint::plan_resume(info, next, reset);
  } catch (const checkpoint::resume_error& e) {
    out << "error: " << core::printable(e.what()) << "\n";
    return false;
  }
  out << "resume from checkpoint " << info.id << " (taken "
      << checkpoint::format_wall_time(info.taken_ms) << ", "
      << checkpoint::format_size(info.bytes()) << (info.savepoint ? ", savepoint" : "") << "):\n";
  // Line by line: a long report must not be cut in the middle, a value from
  // the files must not bring its own line breaks.
  auto text = plan.to_text();
  for (std::size_t at = 0; at < text.size();) {
    auto end = text.find('\n', at);
    out << core::printable(std::string_view(text).substr(at, end - at), 1000, false) << "\n";
    at = end + 1;
  }
  if (!plan.refused()) return true;
  auto refused = plan.refused_nodes();
  std::string flags;
  for (const auto& id : refused) flags += (flags.empty() ? "" : " ") + ("--reset-state " + id);
  out << "cannot resume: " << (refused.size() == 1 ? "node " : "nodes ")
      << core::printable(quoted_list(refused)) << (refused.size() == 1 ? " is" : " are")
      << " incompatible with the checkpoint; give " << core::printable(flags) << " to start "
      << (refused.size() == 1 ? "it without its" : "them without their") << " state\n";
  return false;
}

} // namespace sluice::app
