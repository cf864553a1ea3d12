// `sluice top URL`: the live table of a run's endpoint, htop-style.

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "commands.hpp"
#include "sluice/core/printable.hpp"
#include "sluice/observe/metrics_client.hpp"
#include "sluice/observe/top_table.hpp"
#include "terminal.hpp"

namespace sluice::app {

namespace {

std::atomic<bool> quit_requested{false};

extern "C" void on_quit_signal(int) { quit_requested.store(true); }

struct view_state {
  observe::metrics_frame frame;
  observe::top_header header;
  bool ever_connected = false;
};

/// One round of requests: health first (cheap), then the frame.
void refresh(observe::metrics_client& client, view_state& v) {
  v.header.source = client.url();
  auto health = client.health();
  if (!health) {
    v.header.status = v.ever_connected ? "gone" : "?";
    v.header.message = (v.ever_connected ? "connection lost (" : "cannot reach the run (")
                       + client.error() + "); retrying every second";
    return;
  }
  v.ever_connected = true;
  v.header.status = health->status;
  v.header.message.clear();
  if (auto f = client.frame()) v.frame = std::move(*f);
  else v.header.message = client.error() + "; retrying every second";
  if (health->status == "failed") v.header.message = "the run failed: " + health->error;
  else if (health->status != "running")
    v.header.message = "the run has " + health->status + " (still serving its last metrics)";
}

} // namespace

int top_command(const top_args& args) {
  std::unique_ptr<observe::metrics_client> made;
  try {
    made = std::make_unique<observe::metrics_client>(args.url);
  } catch (const std::invalid_argument& e) {
    std::cerr << "sluice top: " << core::printable(args.url, 200) << ": " << e.what() << "\n";
    return exit_invalid;
  }
  auto& client = *made;
  view_state v;
  if (args.once) {
    refresh(client, v);
    for (const auto& line : observe::render_top(v.frame, v.header, 100, 200, false))
      std::cout << line << "\n";
    return v.ever_connected ? exit_ok : exit_runtime_failure;
  }
  if (!terminal::available()) {
    std::cerr << "sluice top: needs a terminal (or use --once to print one table)\n";
    return exit_invalid;
  }
  std::signal(SIGINT, on_quit_signal);
  std::signal(SIGTERM, on_quit_signal);
  std::signal(SIGHUP, on_quit_signal);
  terminal term;
  auto next = std::chrono::steady_clock::now();
  bool redraw = true;
  while (!quit_requested.load()) {
    auto now = std::chrono::steady_clock::now();
    if (now >= next) {
      refresh(client, v);
      next = now + std::chrono::seconds(1);
      redraw = true;
    }
    if (term.resized()) redraw = true;
    if (redraw) {
      auto [w, h] = term.size();
      term.draw(observe::render_top(v.frame, v.header, w, h, true));
      redraw = false;
    }
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
      next - std::chrono::steady_clock::now());
    int key = term.read_key(
      std::max(std::chrono::milliseconds(1), std::min(wait, std::chrono::milliseconds(1000))));
    if (key == 'q' || key == 'Q') break;
    if (key == 12) redraw = true; // Ctrl-L
  }
  return exit_ok;
}

} // namespace sluice::app
