#pragma once

// Helpers for the join tests: build a join over two schemas, feed its sides,
// and read what it emitted (records, late count, watermarks, held state).

#include <algorithm>
#include <string>
#include <vector>

#include "operators/harness.hpp"
#include "sluice/ops/join/join_operator.hpp"

namespace sluice::test {

/// A recording_emitter that also counts late records.
class join_emitter final : public core::emitter {
public:
  void emit(std::size_t port, core::batch_ptr b) override { rec.emit(port, std::move(b)); }
  void filtered(std::size_t n) override { rec.filtered(n); }
  void error(const core::batch& b, std::size_t row, const std::string& reason) override {
    rec.error(b, row, reason);
  }
  void watermark(core::timestamp t) override { rec.watermark(t); }
  void late(std::size_t n) override { late_count += n; }

  recording_emitter rec;
  std::size_t late_count = 0;
};

/// One join instance with one channel per side.
struct join_run {
  join_run(const std::string& kind, const nlohmann::json& params, core::schema_ptr l,
           core::schema_ptr r)
    : left_schema(std::move(l)), right_schema(std::move(r)) {
    core::operator_context ctx;
    ctx.inputs = {left_schema, right_schema};
    ctx.input_channels = {1, 1};
    auto bound = bind_operator(kind, params, ctx);
    outputs = bound->output_schemas();
    op = bound->create(ctx);
  }

  void left(const std::string& rows) {
    op->on_batch_from(0, 0, make_batch(left_schema, rows), out);
  }
  void right(const std::string& rows) {
    op->on_batch_from(1, 0, make_batch(right_schema, rows), out);
  }
  /// Both inputs end, then end-of-stream, as the runtime does.
  void end() {
    op->on_input_ended(0, 0, out);
    op->on_input_ended(1, 0, out);
    op->on_end_of_stream(out);
  }

  std::size_t state_rows() const {
    return dynamic_cast<const ops::join::join_operator&>(*op).state_rows();
  }
  std::vector<std::string> rows() const { return out.rec.json_rows(); }
  std::vector<std::string> sorted_rows() const {
    auto r = rows();
    std::sort(r.begin(), r.end());
    return r;
  }
  std::string schema() const { return outputs.at(0)->to_string(); }

  core::schema_ptr left_schema, right_schema;
  core::operator_ptr op;
  std::vector<core::schema_ptr> outputs; ///< as bound
  join_emitter out;
};

/// The param_error building `kind` over two inputs throws, or nullopt.
inline std::optional<core::param_error> join_error_of(const std::string& kind,
                                                      const nlohmann::json& params,
                                                      core::schema_ptr l, core::schema_ptr r) {
  try {
    core::operator_context ctx;
    ctx.inputs = {std::move(l), std::move(r)};
    make_operator(kind, params, ctx);
  } catch (const core::param_error& e) {
    return e;
  }
  return std::nullopt;
}

/// "2026-01-01T00:00:<s>Z" for s seconds (0..59), as make_batch rows take it.
inline std::string at(int s) {
  std::string t = std::to_string(s);
  return "\"2026-01-01T00:00:" + std::string(t.size() < 2 ? "0" : "") + t + "Z\"";
}

} // namespace sluice::test
