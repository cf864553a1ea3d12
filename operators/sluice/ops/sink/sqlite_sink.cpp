// `sink.sqlite`: writes records into a table of an SQLite database (the
// embedded default store). `open()` creates the parent folders, the
// database and, if absent, the table from the input schema (INTEGER, REAL,
// TEXT; bools as 0/1, timestamps as ISO-8601 text with milliseconds), and
// sets WAL mode with synchronous=NORMAL so readers can query the table while
// the pipeline runs. Each batch is one transaction through one prepared
// statement: a plain INSERT (`mode: append`) or an upsert on `key` (`mode:
// upsert`), which makes re-emitted results (corrected windows) idempotent.
// A row the database refuses (a constraint, a null key) goes to `errors`;
// any other database failure stops the run, naming the file and the table.

#include <algorithm>

#include "sluice/core/params.hpp"
#include "sluice/ops/descriptor_util.hpp"
#include "sluice/ops/sink/sqlite_writer.hpp"

namespace sluice::ops::sink {

namespace {

class sqlite_sink final : public core::sink_operator {
public:
  sqlite_sink(sqlite_writer::options opts, core::schema_ptr input)
    : writer_(std::move(opts), std::move(input)) {}

  void open() override { writer_.open(); }
  void on_batch(std::size_t, const core::batch_ptr& b, core::emitter& out) override {
    writer_.write(*b, out);
  }
  void close() override { writer_.close(); }

private:
  sqlite_writer writer_;
};

} // namespace

core::descriptor sqlite_sink_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "sink.sqlite";
  d.category = "sink";
  d.blocking_io = true;
  d.summary = "Writes records into an SQLite table (append or upsert), one transaction per batch";
  d.inputs = {{"in", "records to store, any schema"}};
  d.properties = {
    prop("path", param_type::path, "database file; created with its parent folders if absent")
      .required(),
    prop("table", param_type::string, "table to write; created from the input schema if absent")
      .required(),
    prop("mode", param_type::choice,
         "append: insert every record; upsert: insert, or update the row with the same key")
      .def("append")
      .choices({"append", "upsert"}),
    prop("key", param_type::field_list,
         "fields that identify a row (the primary key of a created table); required for "
         "upsert; when appending, a record with a key already stored goes to errors"),
  };
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    const auto& input = input_schema(ctx, 0, "in");
    sqlite_writer::options cfg;
    cfg.path = p.string("path");
    if (cfg.path.empty()) throw core::param_error("path", "must not be empty");
    cfg.table = p.string("table");
    if (cfg.table.empty()) throw core::param_error("table", "must not be empty");
    if (input->size() == 0) throw core::param_error("", "the input has no fields to store");
    cfg.upsert = p.string("mode") == "upsert";
    if (p.has("key")) cfg.key = p.strings("key");
    if (cfg.upsert && cfg.key.empty())
      throw core::param_error("key", "upsert needs a key: the fields that identify a row");
    for (const auto& k : cfg.key) {
      if (input->index_of(k) < 0)
        throw core::param_error("key",
                                "no field '" + k + "' in the input (" + input->to_string() + ")");
      if (std::count(cfg.key.begin(), cfg.key.end(), k) > 1)
        throw core::param_error("key", "field '" + k + "' is listed twice");
    }
    return bound({}, [cfg = std::move(cfg), input](const core::operator_context&) {
      return std::make_unique<sqlite_sink>(cfg, input);
    });
  };
  return d;
}

} // namespace sluice::ops::sink
