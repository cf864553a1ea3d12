// Fuzz target: operator state and checkpoint parts read back from disk. A
// resumed run restores every stateful operator from bytes it did not write
// in this process, so damaged bytes must be refused with state_error, never
// crash, hang or allocate without bound.
//
// The input is a patch, so the fuzzer works on real snapshots instead of
// having to discover the format: byte 0 picks an operator from the table
// below, bytes 1-2 an offset, byte 3 an operation (overwrite, insert, cut);
// the rest is the data. The target runs that operator on a fixed input,
// takes its snapshot, applies the patch, and restores a fresh instance from
// the result. A restore that succeeds must leave an operator that takes
// more input, snapshots, and ends without a crash. The same patched bytes
// are also decoded as a checkpoint part (node_part). Expected, not
// findings: state_error, and record_error from the operator's own checks.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "finding.hpp"
#include "sluice/checkpoint/node_part.hpp"
#include "sluice/core/batch.hpp"
#include "sluice/core/errors.hpp"
#include "sluice/core/operator.hpp"
#include "sluice/core/params.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/builtin.hpp"

namespace {

using namespace sluice;
using sluice::fuzz::finding;

struct subject {
  const char* kind;
  const char* params;
  std::size_t inputs; ///< input ports fed with the same batch
};

const subject subjects[] = {
  {"window.tumbling",
   R"({"size": "1s", "timestamp": "ts", "key": ["key"], "allowed_lateness": "1s",
       "aggregates": [{"fn": "count", "as": "n"}, {"fn": "avg", "field": "v", "as": "a"},
                      {"fn": "count_distinct", "field": "v", "as": "d"},
                      {"fn": "approx_percentile", "field": "price", "p": 0.5, "as": "p"},
                      {"fn": "top_k", "field": "key", "k": 3, "as": "t"}]})",
   1},
  {"window.sliding",
   R"({"size": "2s", "slide": "500ms", "timestamp": "ts", "key": ["key"],
       "aggregates": [{"fn": "max", "field": "price", "as": "m"}, {"fn": "stddev", "field": "v", "as": "s"}]})",
   1},
  {"window.session",
   R"({"gap": "300ms", "timestamp": "ts", "key": ["key"],
       "aggregates": [{"fn": "first", "field": "v", "as": "f"}, {"fn": "approx_count_distinct", "field": "key", "as": "c"}]})",
   1},
  {"window.tumbling",
   R"({"size": 7, "key": ["key"], "aggregates": [{"fn": "sum", "field": "v", "as": "s"}]})", 1},
  {"join.interval", R"({"on": ["key"], "within": "200ms"})", 2},
  {"join.window", R"({"on": ["key"], "size": "1s"})", 2},
  {"transform.dedupe", R"({"key": ["key"], "within": "1s", "timestamp": "ts"})", 1},
  {"transform.throttle", R"({"rate": 1000})", 1},
  {"transform.alert",
   R"({"when": "v > 0", "key": ["key"], "for": "100ms", "resolve_after": "300ms", "repeat": "50ms",
       "message": "{key} at {v}", "labels": {"p": "{price}"}})",
   1},
  {"synopsis.heavy_hitters", R"({"key": "key", "k": 3})", 1},
  {"synopsis.running", R"({"field": "v", "key": ["key"]})", 1},
  {"synopsis.sample", R"({"k": 5, "seed": 1})", 1},
  {"source.generator", R"({"count": 1000, "keys": 7})", 0},
  {"source.nexmark", R"({"events": 1000})", 0},
};

class null_emitter final : public core::emitter {
public:
  void emit(std::size_t, core::batch_ptr b) override {
    if (b) rows += b->rows();
  }
  void filtered(std::size_t) override {}
  void error(const core::batch& b, std::size_t row, const std::string&) override {
    if (row >= b.rows()) finding("error names a row past its batch");
  }
  void watermark(core::timestamp) override {}
  std::size_t rows = 0;
};

core::batch_ptr input_batch(std::int64_t from) {
  auto s = core::make_schema({{"ts", core::value_type::timestamp},
                              {"key", core::value_type::string},
                              {"v", core::value_type::int64},
                              {"price", core::value_type::float64}});
  core::batch_builder b(s);
  for (std::int64_t i = from; i < from + 64; ++i) {
    b.column_at(0).append_int(1'700'000'000'000'000 + i * 37'000 - (i % 5) * 90'000);
    b.column_at(1).append_string("k" + std::to_string(i % 7));
    b.column_at(2).append_int(i * 3 - 50);
    b.column_at(3).append_double(static_cast<double>(i % 11) * 1.5);
  }
  return b.finish();
}

struct built {
  core::bound_ptr bound;
  core::operator_context ctx;
};

built bind(const subject& s) {
  const auto* d = ops::builtin_registry().find(s.kind);
  if (!d) finding(std::string("no ") + s.kind + " in the registry");
  built out;
  out.ctx.node_id = "n";
  for (std::size_t i = 0; i < s.inputs; ++i) out.ctx.inputs.push_back(input_batch(0)->schema_of());
  out.ctx.input_channels.assign(s.inputs, 1);
  out.bound = d->bind(core::params(d->properties, nlohmann::json::parse(s.params)), out.ctx);
  out.ctx.output_connected.assign(out.bound->output_schemas().size(), true);
  return out;
}

/// Feeds a stream to `op` (or polls a source): `rounds` batches.
void drive(core::operator_base& op, std::size_t inputs, int rounds, std::int64_t from) {
  null_emitter out;
  for (int r = 0; r < rounds; ++r) {
    if (inputs == 0) {
      op.poll(out, 50);
      continue;
    }
    for (std::size_t port = 0; port < inputs; ++port)
      op.on_batch_from(port, 0, input_batch(from + r * 64), out);
    op.on_watermark(1'700'000'000'000'000 + (from + r * 64) * 30'000, out);
    if (op.polls_after_batch()) op.poll(out, 100);
  }
}

std::string patched(std::string snapshot, const std::uint8_t* data, std::size_t size) {
  if (size < 4) return snapshot;
  std::size_t at = (static_cast<std::size_t>(data[1]) << 8 | data[2]) % (snapshot.size() + 1);
  std::string bytes(reinterpret_cast<const char*>(data + 4), size - 4);
  switch (data[3] % 3) {
    case 0: snapshot.replace(at, bytes.size(), bytes); break;
    case 1: snapshot.insert(at, bytes); break;
    default: snapshot.resize(at); break;
  }
  return snapshot;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& s = subjects[data[0] % (sizeof subjects / sizeof subjects[0])];
  auto b = bind(s);
  std::string snapshot;
  {
    auto op = b.bound->create(b.ctx);
    drive(*op, s.inputs, 4, 0);
    snapshot = core::snapshot_state(*op, s.kind);
  }
  auto bytes = patched(snapshot, data, size);
  try {
    checkpoint::node_part::decode(bytes);
  } catch (const core::state_error&) {}
  auto op = b.bound->create(b.ctx);
  try {
    core::restore_state(*op, s.kind, bytes);
  } catch (const core::state_error&) {
    return 0;
  }
  // Restored: it must go on working (what it computes may be nonsense).
  try {
    drive(*op, s.inputs, 2, 256);
    core::snapshot_state(*op, s.kind);
    null_emitter out;
    if (s.inputs > 0) op->on_end_of_stream(out);
  } catch (const core::record_error&) {}
  return 0;
}
