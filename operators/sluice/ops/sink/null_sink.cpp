// `sink.null`: counts and discards every record (benchmarks, dry runs).

#include "sluice/ops/descriptor_util.hpp"

namespace sluice::ops::sink {

namespace {

class null_sink final : public core::sink_operator {
public:
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
  d.bind = [](const core::params&, const core::bind_context&) -> core::bound_ptr {
    return bound({}, [](const core::operator_context&) { return std::make_unique<null_sink>(); });
  };
  return d;
}

} // namespace sluice::ops::sink
