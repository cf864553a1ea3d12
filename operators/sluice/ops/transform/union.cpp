// `transform.union`: merges several streams of one schema. Its single input
// port `in` takes any number of edges (the validator requires their schemas
// to be equal); every batch is forwarded unchanged, without a copy, in the
// order it arrives. The runtime merges the inputs' watermarks (minimum over
// live inputs) and ends the output when every input has ended.

#include "sluice/core/params.hpp"
#include "sluice/ops/descriptor_util.hpp"

namespace sluice::ops::transform {

namespace {

class union_op final : public core::simple_transform {
public:
  void process(const core::batch_ptr& b, core::emitter& out) override {
    if (b->rows() > 0) out.emit(0, b);
  }
};

} // namespace

core::descriptor union_descriptor() {
  core::descriptor d;
  d.kind = "transform.union";
  d.category = "transform";
  d.summary = "Merges several streams of the same schema into one";
  d.inputs = {{"in", "records from any number of edges, all of one schema"}};
  d.outputs = {{"out", "every input record, unchanged"}};
  d.bind = [](const core::params&, const core::bind_context& ctx) -> core::bound_ptr {
    return bound({input_schema(ctx, 0, "in")},
                 [](const core::operator_context&) { return std::make_unique<union_op>(); });
  };
  return d;
}

} // namespace sluice::ops::transform
