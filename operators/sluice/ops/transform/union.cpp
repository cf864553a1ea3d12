#include "sluice/ops/transform/union.hpp"

#include "sluice/core/params.hpp"
#include "sluice/ops/descriptor_util.hpp"

namespace sluice::ops {

namespace {

class union_op final : public core::operator_base {
public:
  explicit union_op(core::schema_ptr input) : input_(std::move(input)) {}

  std::vector<core::schema_ptr> output_schemas() const override { return {input_}; }

  void on_batch(std::size_t, const core::batch_ptr& b, core::emitter& out) override {
    if (b->rows() > 0) out.emit(0, b);
  }

private:
  const core::schema_ptr input_;
};

} // namespace

core::descriptor union_descriptor() {
  core::descriptor d;
  d.kind = "transform.union";
  d.category = "transform";
  d.summary = "Merges several streams of the same schema into one";
  d.inputs = {{"in", "records from any number of edges, all of one schema"}};
  d.outputs = {{"out", "every input record, unchanged"}};
  d.create = [](const core::params&, const core::operator_context& ctx) -> core::operator_ptr {
    return std::make_unique<union_op>(input_schema(ctx, 0, "in"));
  };
  return d;
}

} // namespace sluice::ops
