#include "checkpoint_choice.hpp"

#include <iostream>
#include <sstream>

#include "resume_report.hpp"
#include "sluice/checkpoint/store.hpp"
#include "sluice/core/printable.hpp"
#include "sluice/core/time.hpp"

namespace sluice::app {

namespace {

constexpr std::int64_t default_interval_us = 10'000'000;

std::string describe(const checkpoint::checkpoint_info& info) {
  return "checkpoint " + std::to_string(info.id) + " taken "
         + checkpoint::format_wall_time(info.taken_ms) + (info.savepoint ? " (savepoint)" : "");
}

} // namespace

checkpoint_choice choose_checkpoints(const std::string& file, const checkpoint_args& args,
                                     const core::pipeline::checked_pipeline& pipeline, bool quiet) {
  checkpoint_choice out;
  const auto& spec = pipeline.doc.checkpoint;
  std::string dir = !args.dir.empty() ? args.dir : spec.dir;
  auto fail = [&](const std::string& message) {
    std::cerr << core::printable(file) << ": error: " << core::printable(message) << "\n";
    out.ok = false;
    return out;
  };
  if (dir.empty()) {
    if (args.fresh || args.from || !args.reset.empty() || !args.interval.empty())
      return fail("--fresh, --from-checkpoint, --reset-state and --checkpoint-interval need "
                  "--checkpoint-dir (or \"checkpoint\": {\"dir\": ...} in the pipeline file)");
    return out;
  }
  if (args.fresh && args.from) return fail("--fresh and --from-checkpoint exclude each other");
  std::int64_t interval_us = spec.interval_us ? spec.interval_us : default_interval_us;
  if (!args.interval.empty()) {
    auto d = core::parse_duration(args.interval);
    if (!d || *d < 1000)
      return fail("--checkpoint-interval: '" + args.interval
                  + "' is not a duration of at least 1ms such as 200ms, 10s or 1m");
    interval_us = *d;
  }
  exec::checkpoint_settings settings;
  settings.dir = dir;
  settings.interval = std::chrono::milliseconds(std::max<std::int64_t>(interval_us / 1000, 1));
  settings.reset_state.insert(args.reset.begin(), args.reset.end());

  try {
    checkpoint::store store(dir);
    // A fresh start owes nothing to the old run: not even the messages its
    // sources had acknowledged and not yet emitted.
    if (args.fresh) store.clear_spools();
    std::optional<checkpoint::checkpoint_info> from;
    if (args.from) {
      from = store.load(*args.from);
    } else if (!args.fresh) {
      from = store.latest();
      auto finished = store.finished();
      if (finished && (!from || finished->second >= from->id))
        return fail("the run in '" + dir + "' finished at "
                    + checkpoint::format_wall_time(finished->first)
                    + ": there is nothing to resume (its output is complete); use --fresh to "
                      "start again from the beginning");
    }
    if (from) {
      // Per node: state restored, new, removed, or incompatible (refused
      // unless --reset-state names it). Shown whole unless --quiet; always
      // when the run must not start.
      std::ostringstream report;
      bool may_start = print_resume_report(*from, pipeline, settings.reset_state, report);
      if (!quiet || !may_start) std::cerr << report.str();
      if (!may_start) {
        out.ok = false;
        return out;
      }
      settings.resume_from = from->id;
      // Said even with --quiet: what a run continues from is never a detail.
      std::cerr << "resumed from " << describe(*from) << " in " << dir << "\n";
    } else if (!quiet) {
      std::cerr << "checkpoints: every " << core::format_duration(interval_us) << " in " << dir
                << (args.fresh ? " (starting fresh)" : " (none to resume: starting fresh)") << "\n";
    }
  } catch (const checkpoint::store_error& e) {
    return fail(e.what());
  }
  out.settings = std::move(settings);
  return out;
}

exec::checkpoint_settings resume_latest(exec::checkpoint_settings settings) {
  checkpoint::store store(settings.dir);
  auto latest = store.latest();
  settings.resume_from = latest ? std::optional<std::uint64_t>(latest->id) : std::nullopt;
  return settings;
}

} // namespace sluice::app
