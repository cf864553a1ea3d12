#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace sluice::app {

/// The full-screen terminal of `sluice top` and `sluice run --top`, with
/// plain ANSI escapes (no curses): raw keys (no echo, no line buffering;
/// Ctrl-C still raises SIGINT), the alternate screen and a hidden cursor.
/// The destructor, and exit(), put the terminal back as it was. Signals
/// are the owner's: it must stop its loop on SIGINT/SIGTERM so the
/// destructor runs.
class terminal {
public:
  /// True if standard input and output are both terminals.
  static bool available();

  terminal();
  ~terminal();
  terminal(const terminal&) = delete;
  terminal& operator=(const terminal&) = delete;

  /// Columns and rows now (80x24 if the size cannot be read).
  std::pair<int, int> size() const;
  /// True once after the terminal was resized.
  bool resized();
  /// Redraws the whole screen with `lines` (each already fits the width).
  void draw(const std::vector<std::string>& lines);
  /// The next key pressed within `timeout`, or -1. Returns early (with -1)
  /// when a signal arrives, so callers can look at their flags.
  int read_key(std::chrono::milliseconds timeout);
};

} // namespace sluice::app
