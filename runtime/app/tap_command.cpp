// `sluice tap URL FROM TO`: the records flowing on one edge of a run,
// sampled by the run (GET /api/tap), printed as they come.

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "sluice/core/printable.hpp"
#include "sluice/observe/metrics_client.hpp"

namespace sluice::app {

namespace {

/// Records keep their fields in the edge's order.
using json = nlohmann::ordered_json;

std::atomic<bool> tap_quit_requested{false};

extern "C" void on_tap_quit_signal(int) { tap_quit_requested.store(true); }

/// Prints records as a table, one column per field of the edge's schema.
class record_table {
public:
  void set_schema(const json& fields) {
    names_.clear();
    widths_.clear();
    for (const auto& f : fields) {
      auto name = f.value("name", std::string());
      auto type = f.value("type", std::string());
      std::size_t w = type == "timestamp" ? 24 : type == "string" ? 16 : type == "bool" ? 5 : 10;
      names_.push_back(name);
      widths_.push_back(std::min<std::size_t>(std::max(w, name.size()), 40));
    }
    header_due_ = true;
  }

  void print(const json& record) {
    if (header_due_ || printed_ % 40 == 0) {
      std::vector<std::string> cells(names_.begin(), names_.end());
      line(cells);
      header_due_ = false;
    }
    std::vector<std::string> cells;
    for (const auto& name : names_) {
      auto it = record.find(name);
      if (it == record.end() || it->is_null()) cells.push_back("null");
      else if (it->is_string()) cells.push_back(core::printable(it->get<std::string>(), 200));
      else cells.push_back(it->dump());
    }
    line(cells);
    ++printed_;
  }

private:
  void line(const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      auto cell = cells[i];
      auto w = widths_[i];
      if (cell.size() > w) cell = cell.substr(0, w - 1) + "~";
      if (i + 1 < cells.size()) cell.resize(w, ' ');
      out += (i ? "  " : "") + cell;
    }
    std::cout << out << "\n";
  }

  std::vector<std::string> names_;
  std::vector<std::size_t> widths_;
  std::size_t printed_ = 0;
  bool header_due_ = true;
};

std::string describe_status(const json& s) {
  std::string out = "# watermark ";
  out += s.value("watermark_time", json()).is_string() ? s["watermark_time"].get<std::string>()
                                                       : std::string("none");
  char fill[64];
  std::snprintf(fill, sizeof fill, "%.0f%%", 100.0 * s.value("queue_fill", 0.0));
  out += ", queue " + std::string(fill) + " (" + std::to_string(s.value("queued", 0ULL)) + " of "
         + std::to_string(s.value("capacity", 0ULL)) + "), seen "
         + std::to_string(s.value("seen", 0ULL)) + ", sampled "
         + std::to_string(s.value("sampled", 0ULL));
  auto missed = s.value("missed", 0ULL);
  if (missed) out += ", missed " + std::to_string(missed);
  return out;
}

} // namespace

int tap_command(const tap_args& args) {
  std::unique_ptr<observe::metrics_client> client;
  try {
    client = std::make_unique<observe::metrics_client>(args.url);
  } catch (const std::invalid_argument& e) {
    std::cerr << "sluice tap: " << core::printable(args.url, 200) << ": " << e.what() << "\n";
    return exit_invalid;
  }
  std::signal(SIGINT, on_tap_quit_signal);
  std::signal(SIGTERM, on_tap_quit_signal);
  std::signal(SIGPIPE, SIG_IGN);

  observe::tap_request request;
  request.from = args.from;
  request.to = args.to;
  request.options.filter = args.filter;
  request.options.rate = args.rate;

  record_table table;
  std::size_t printed = 0, statuses = 0;
  std::string end_reason;
  bool bad_data = false;
  auto result = client->tap(request, [&](const observe::sse_message& m) {
    if (tap_quit_requested.load()) return false;
    json data;
    try {
      data = json::parse(m.data);
    } catch (const std::exception& e) {
      std::cerr << "sluice tap: bad " << m.event << " event from the run: " << e.what() << "\n";
      bad_data = true;
      return false;
    }
    if (m.event == "schema") {
      std::string fields;
      for (const auto& f : data["fields"])
        fields += (fields.empty() ? "" : ", ") + f.value("name", std::string()) + " "
                  + f.value("type", std::string());
      std::cerr << "# tap " << data.value("edge", std::string()) << ": " << fields;
      if (!data.value("filter", std::string()).empty())
        std::cerr << "; filter " << data.value("filter", std::string());
      std::cerr << "; at most " << data.value("rate", 0.0) << " records/s" << std::endl;
      table.set_schema(data["fields"]);
    } else if (m.event == "records" && data.is_array()) {
      for (const auto& record : data) {
        if (args.json)
          std::cout << record.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
        else table.print(record);
        if (args.count && ++printed >= args.count) break;
      }
      std::cout.flush();
      if (args.count && printed >= args.count) return false;
    } else if (m.event == "status") {
      // Every 5 s in a table (one a second would crowd it); never in JSON lines.
      if (!args.json && statuses++ % 5 == 0) std::cerr << describe_status(data) << std::endl;
    } else if (m.event == "end") {
      end_reason = data.value("reason", std::string("the run has ended"));
    }
    return !tap_quit_requested.load();
  });
  std::cout.flush();
  if (bad_data) return exit_runtime_failure;
  switch (result) {
    case observe::metrics_client::tap_end::ended:
      if (!end_reason.empty()) std::cerr << "# " << end_reason << std::endl;
      return exit_ok;
    case observe::metrics_client::tap_end::refused:
      std::cerr << "sluice tap: " << core::printable(client->error(), 2000) << "\n";
      return exit_invalid;
    case observe::metrics_client::tap_end::failed: break;
  }
  std::cerr << "sluice tap: " << core::printable(client->error(), 2000) << "\n";
  return exit_runtime_failure;
}

} // namespace sluice::app
