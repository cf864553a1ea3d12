#pragma once

#include <string>
#include <vector>

#include "sluice/observe/metrics_frame.hpp"

namespace sluice::observe {

/// What the header of `sluice top` shows besides the frame.
struct top_header {
  std::string source;  ///< the URL watched, or the pipeline file run
  std::string status;  ///< "running", "finished", "stopped", "failed", or ""
  std::string message; ///< a problem or hint shown on its own line, or ""
  std::string keys = "q quit";
};

/// The screen of `sluice top` as lines of at most `width` visible
/// characters and at most `height` lines: a header (pipeline, status,
/// uptime, totals, the last checkpoint and restarts, bottleneck), then one
/// row per node with records in/s, out/s, busy and back-pressured bars,
/// input queue fill, watermark lag, errors and, when the run takes
/// checkpoints, the bytes of its part in the last one (STATE); the
/// bottleneck row is marked with '*'. The checkpoint's age is as of the
/// frame's wall_ms. ASCII only, so it works
/// in any 80x24 terminal; with `color`, ANSI attributes are added (they do
/// not count towards the width).
std::vector<std::string> render_top(const metrics_frame& frame, const top_header& header, int width,
                                    int height, bool color);

/// "999", "12.3k", "1.20M", "3.40G"
std::string compact_count(double v);
/// "999B", "1.2kB", "340kB", "1.2MB", "56MB", "3.4GB" (decimal units, at
/// most 6 characters below 1 TB)
std::string compact_bytes(double v);

} // namespace sluice::observe
