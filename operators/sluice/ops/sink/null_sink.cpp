#include "sluice/ops/sink/null_sink.hpp"

namespace sluice::ops {

namespace {

class null_sink final : public core::operator_base {
public:
  std::vector<core::schema_ptr> output_schemas() const override { return {}; }

  void on_batch(std::size_t, const core::batch_ptr& b, core::emitter&) override {
    records_ += b->rows();
  }

private:
  std::uint64_t records_ = 0; ///< the runtime's records_in metric shows the same count
};

} // namespace

core::descriptor null_sink_descriptor() {
  core::descriptor d;
  d.kind = "sink.null";
  d.category = "sink";
  d.summary = "Counts and discards every record";
  d.inputs = {{"in", "records to discard, any schema"}};
  d.create = [](const core::params&, const core::operator_context&) -> core::operator_ptr {
    return std::make_unique<null_sink>();
  };
  return d;
}

} // namespace sluice::ops
