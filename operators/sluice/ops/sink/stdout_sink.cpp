// `sink.stdout`: writes every record to standard output as JSON lines or CSV.
//
// At-least-once with checkpoints: standard output cannot take back what it
// printed, so the sink ignores prepare_checkpoint and checkpoint_complete,
// keeps no state, and prints records as they come. A run resumed from a
// checkpoint after a crash prints the records after that checkpoint again.
// For exactly-once output, use sink.file or sink.sqlite.

#include "sluice/core/params.hpp"
#include "sluice/ops/descriptor_util.hpp"
#include "sluice/ops/sink/record_writer.hpp"

namespace sluice::ops::sink {

namespace {

class stdout_sink final : public core::sink_operator {
public:
  stdout_sink(record_format format, core::schema_ptr input)
    : writer_(format, std::move(input), "standard output") {}

  void open() override {
    writer_.open(stdout);
    opened_ = true;
  }

  void on_batch(std::size_t, const core::batch_ptr& b, core::emitter&) override {
    if (!opened_) open();
    writer_.write(*b);
  }

  void on_end_of_stream(core::emitter&) override {
    if (opened_) writer_.flush();
  }

  void close() override {
    if (opened_) writer_.flush();
  }

private:
  record_writer writer_;
  bool opened_ = false;
};

} // namespace

core::descriptor stdout_sink_descriptor() {
  core::descriptor d;
  d.kind = "sink.stdout";
  d.category = "sink";
  d.blocking_io = true;
  d.summary = "Writes records to standard output as JSON lines or CSV; at-least-once with "
              "checkpoints (a replay after a crash prints again)";
  d.inputs = {{"in", "records to write, any schema"}};
  d.properties = {format_property()};
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    core::schema_ptr input = ctx.inputs.empty() ? nullptr : ctx.inputs[0];
    return bound(
      {}, [format = parse_record_format(p.string("format")), input](const core::operator_context&) {
        return std::make_unique<stdout_sink>(format, input);
      });
  };
  return d;
}

} // namespace sluice::ops::sink
