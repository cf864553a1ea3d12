// `sink.dashboard`: a live web page of a stream, served by the run itself.
//
// Each sink keeps the bounded latest state of its input (dashboard_state)
// and shows it at /d/<node id> on the server of its `listen` address
// (dashboard_server: one per address in the process, shared, with an index
// at /). on_batch only folds the batch into that state under a short lock;
// the server's threads read it, at most four times a second per browser.
//
// The page outlives the run's end: after the end of the stream it says
// "ended" and keeps serving the last state until the run is discarded (for
// `sluice run`, when the process exits; --linger keeps it longer). A run
// stopped before its end says "stopped".
//
// Keeps no state across checkpoints: a resumed run starts an empty page.

#include <chrono>
#include <iostream>
#include <memory>

#include "sluice/core/params.hpp"
#include "sluice/ops/dashboard/dashboard_server.hpp"
#include "sluice/ops/dashboard/dashboard_state.hpp"
#include "sluice/ops/descriptor_util.hpp"

namespace sluice::ops::dashboard {

namespace {

using core::param_error;
using core::value_type;

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

struct sink_config {
  http::listen_address listen;
  dashboard_config page;
};

class dashboard_sink final : public core::sink_operator {
public:
  dashboard_sink(std::shared_ptr<const sink_config> cfg, std::string node)
    : cfg_(std::move(cfg)), node_(std::move(node)),
      state_(std::make_shared<dashboard_state>(cfg_->page)) {}

  ~dashboard_sink() override {
    if (server_) server_->remove_page(node_, state_);
  }

  void open() override {
    if (server_) return;
    try {
      server_ = dashboard_server::acquire(cfg_->listen);
    } catch (const std::exception& e) {
      throw std::runtime_error("sink.dashboard " + node_ + ": " + e.what());
    }
    server_->add_page(node_, state_);
    std::cerr << "sink.dashboard " << node_ << " serving on " << server_->url() << "/d/" << node_
              << std::endl;
  }

  void on_batch(std::size_t, const core::batch_ptr& b, core::emitter&) override {
    state_->add(*b, wall_ms());
  }

  void on_end_of_stream(core::emitter&) override { state_->finish(true, wall_ms()); }

  // The page stays (the last state, "ended" or "stopped") until this sink
  // is destroyed with its run.
  void close() override { state_->finish(false, wall_ms()); }

private:
  const std::shared_ptr<const sink_config> cfg_;
  const std::string node_;
  std::shared_ptr<dashboard_state> state_;
  std::shared_ptr<dashboard_server> server_;
};

std::size_t column_of(const core::schema& s, const std::string& param, const std::string& name) {
  const int i = s.index_of(name);
  if (i < 0) {
    std::string known;
    for (const auto& f : s.fields()) known += (known.empty() ? "" : ", ") + f.name;
    throw param_error(param, "unknown field '" + name + "' (fields: " + known + ")");
  }
  return static_cast<std::size_t>(i);
}

sink_config read_config(const core::params& p, const core::bind_context& ctx) {
  if (ctx.parallelism > 1)
    throw param_error("parallelism", "sink.dashboard shows one page per node: set parallelism 1 "
                                     "(got "
                                       + std::to_string(ctx.parallelism) + ")");
  sink_config c;
  c.listen = http::parse_listen("listen", p.string("listen"));
  auto& page = c.page;
  page.chart = parse_chart(p.string("chart"));
  page.title = p.has("title") && !p.string("title").empty() ? p.string("title") : ctx.node_id;
  const auto& input = *input_schema(ctx, 0, "in");
  const bool plots = page.chart != chart_kind::table;

  if (p.has("key")) {
    if (page.chart == chart_kind::table || page.chart == chart_kind::number)
      throw param_error("key", "names series and bars: only for chart line or bar");
    page.key = p.string("key");
    page.key_at = column_of(input, "key", page.key);
  } else if (page.chart == chart_kind::bar) {
    // a bar per key: the first string field names them
    for (std::size_t i = 0; i < input.size() && !page.key_at; ++i)
      if (input.at(i).type == value_type::string) {
        page.key = input.at(i).name;
        page.key_at = i;
      }
    if (!page.key_at)
      throw param_error("key", "chart bar needs the field that names each bar (the input has no "
                               "string field to take by default)");
  }

  if (p.has("timestamp")) {
    page.time_field = p.string("timestamp");
    page.time_at = column_of(input, "timestamp", page.time_field);
    if (input.at(*page.time_at).type != value_type::timestamp)
      throw param_error("timestamp", "field '" + page.time_field + "' is "
                                       + std::string(core::name_of(input.at(*page.time_at).type))
                                       + ", not a timestamp");
  } else {
    for (std::size_t i = 0; i < input.size() && !page.time_at; ++i)
      if (input.at(i).type == value_type::timestamp) {
        page.time_field = input.at(i).name;
        page.time_at = i;
      }
  }

  if (p.has("fields") && !p.strings("fields").empty()) {
    for (const auto& name : p.strings("fields")) {
      const std::size_t i = column_of(input, "fields", name);
      if (plots && !core::is_numeric(input.at(i).type))
        throw param_error("fields", "field '" + name + "' is "
                                      + std::string(core::name_of(input.at(i).type)) + ": chart "
                                      + name_of(page.chart) + " plots numbers (int or double)");
      page.fields.push_back(name);
      page.field_at.push_back(i);
    }
  } else {
    for (std::size_t i = 0; i < input.size(); ++i) {
      const auto& f = input.at(i);
      if (plots && (!core::is_numeric(f.type) || page.key_at == i)) continue;
      page.fields.push_back(f.name);
      page.field_at.push_back(i);
    }
    if (page.fields.empty())
      throw param_error("fields", std::string("chart ") + name_of(page.chart)
                                    + " plots numbers, and the input has no int or double field");
  }
  if (page.chart == chart_kind::number && page.fields.size() > 1) {
    if (p.has("fields") && !p.strings("fields").empty())
      throw param_error("fields", "chart number shows one field (got "
                                    + std::to_string(page.fields.size()) + ")");
    page.fields.resize(1);
    page.field_at.resize(1);
  }
  page.history =
    p.has("history") ? static_cast<std::size_t>(p.integer("history")) : default_history(page.chart);
  return c;
}

} // namespace

core::descriptor dashboard_sink_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "sink.dashboard";
  d.category = "sink";
  d.summary = "A live web page of the stream, served by the run: a table, a line, bar or number "
              "chart that updates as records arrive";
  d.inputs = {{"in", "records to show, any schema"}};
  d.properties = {
    prop("listen", param_type::string,
         "host:port to serve the page on (port 0: any free port); dashboards that give the same "
         "address share one server, with an index of them at /")
      .def("127.0.0.1:0"),
    prop("title", param_type::string, "the page's title (default: the node id)"),
    prop("chart", param_type::choice,
         "table: the latest records; line: numeric fields over event time, a series per key; "
         "bar: the latest value per key; number: one big value with its trend")
      .def("table")
      .choices({"table", "line", "bar", "number"}),
    prop("fields", param_type::field_list,
         "the fields to show (table) or plot (line, bar, number: numeric fields only); default "
         "all of them, or all numeric ones; number shows the first"),
    prop("key", param_type::field,
         "line: a series per value of this field; bar: a bar per value (default: the first "
         "string field)"),
    prop("history", param_type::integer,
         "how much to keep: records (table, default 50), points per series (line, 300), keys "
         "(bar, 20), points of the trend (number, 60)")
      .min(1)
      .max(10000),
    prop("timestamp", param_type::field,
         "the event-time field the line and trend are drawn over (default: the first timestamp "
         "field; none: the time records arrive)"),
  };
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    auto cfg = std::make_shared<const sink_config>(read_config(p, ctx));
    return bound({}, [cfg](const core::operator_context& c) {
      return std::make_unique<dashboard_sink>(cfg, c.node_id);
    });
  };
  return d;
}

} // namespace sluice::ops::dashboard
