#include <mutex>

#include "run_helpers.hpp"
#include "sluice/core/params.hpp"
#include "sluice/ops/descriptor_util.hpp"

using namespace sluice;

namespace {

/// What the recording sink saw: every watermark, and every record that
/// arrived with an event time below a watermark already delivered.
struct recording {
  std::mutex mutex;
  std::vector<core::timestamp> watermarks;
  std::uint64_t records = 0;
  std::uint64_t behind_watermark = 0;
};

/// Sees every batch and every watermark: a test of the runtime, so it takes
/// the runtime's interface directly instead of a shape.
class recording_sink final : public core::operator_base {
public:
  explicit recording_sink(std::shared_ptr<recording> r, int ts_index)
    : r_(std::move(r)), ts_index_(ts_index) {}
  shape_kind shape() const override { return shape_kind::stateful; }
  void on_batch_from(std::size_t, std::size_t, const core::batch_ptr& b, core::emitter&) override {
    std::lock_guard<std::mutex> guard(r_->mutex);
    auto wm = r_->watermarks.empty() ? core::min_timestamp : r_->watermarks.back();
    for (auto ts : b->col(static_cast<std::size_t>(ts_index_)).ints)
      if (ts < wm) ++r_->behind_watermark;
    r_->records += b->rows();
  }
  void on_watermark(core::timestamp wm, core::emitter&) override {
    std::lock_guard<std::mutex> guard(r_->mutex);
    r_->watermarks.push_back(wm);
  }

private:
  std::shared_ptr<recording> r_;
  int ts_index_;
};

core::registry registry_with_recorder(std::shared_ptr<recording> r) {
  core::registry reg = ops::builtin_registry();
  core::descriptor d;
  d.kind = "test.recorder";
  d.category = "sink";
  d.summary = "records watermarks";
  d.inputs = {{"in", ""}};
  d.bind = [r](const core::params&, const core::bind_context& ctx) -> core::bound_ptr {
    return ops::bound({}, [r, ts = ctx.inputs[0]->index_of("ts")](const core::operator_context&) {
      return std::make_unique<recording_sink>(r, ts);
    });
  };
  reg.add(std::move(d));
  return reg;
}

} // namespace

TEST_CASE("on fan-in the watermark is the minimum over live inputs, never ahead of a slow input") {
  auto r = std::make_shared<recording>();
  auto reg = registry_with_recorder(r);
  // January and June: a watermark taken as the maximum would run ahead of
  // every January record still to come.
  auto doc = core::pipeline::pipeline_document::parse(R"J({"schemaVersion": 1, "nodes": [
      {"id": "january", "kind": "source.generator",
       "params": {"count": 200000, "start": "2026-01-01T00:00:00Z"}},
      {"id": "june", "kind": "source.generator",
       "params": {"count": 200000, "start": "2026-06-01T00:00:00Z"}},
      {"id": "rec", "kind": "test.recorder"}],
    "edges": [{"from": "january", "to": "rec", "capacity": 2048},
              {"from": "june", "to": "rec", "capacity": 2048}]})J");
  auto checked = core::pipeline::check(std::move(doc), reg);
  REQUIRE(checked.ok());
  exec::pipeline_run run(std::move(checked));
  REQUIRE(run.wait_for(std::chrono::seconds(60)));
  REQUIRE(run.status() == exec::run_status::finished);

  std::lock_guard<std::mutex> guard(r->mutex);
  CHECK(r->records == 400000);
  CHECK(r->behind_watermark == 0);
  REQUIRE(!r->watermarks.empty());
  for (std::size_t i = 1; i < r->watermarks.size(); ++i)
    CHECK(r->watermarks[i] > r->watermarks[i - 1]);
  // Progress still happened: at least as far as January's last record.
  auto january_end = *core::parse_iso8601("2026-01-01T00:00:00Z") + 199999 * 1000;
  CHECK(r->watermarks.back() > january_end);
}
