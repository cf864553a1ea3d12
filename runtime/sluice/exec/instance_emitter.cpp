#include "sluice/exec/instance_emitter.hpp"

#include "sluice/core/record_format.hpp"

namespace sluice::exec {

namespace {
constexpr std::size_t max_logged_errors = 3;
}

std::string describe_failure(const node_setup& setup, const std::string& reason,
                             const core::batch* b, std::size_t row) {
  std::string out = "node '" + setup.node_id + "' (" + setup.kind;
  if (setup.instance > 0) out += ", instance " + std::to_string(setup.instance);
  out += "): " + reason;
  if (b && row < b->rows()) {
    out += "; record: ";
    core::append_json_record(*b, row, out);
  }
  return out;
}

instance_emitter::instance_emitter(node_setup& setup, output_router& router)
  : setup_(setup), router_(router), errors_(core::error_schema()) {}

void instance_emitter::emit(std::size_t port, core::batch_ptr b) {
  if (!b || b->rows() == 0) return;
  if (port < setup_.errors_port)
    setup_.metrics->records_out.fetch_add(b->rows(), std::memory_order_relaxed);
  router_.emit(port, b);
}

void instance_emitter::emit_rows(std::size_t port, const core::batch_ptr& b,
                                 const std::vector<std::uint32_t>& rows) {
  if (!b || rows.empty()) return;
  if (port < setup_.errors_port)
    setup_.metrics->records_out.fetch_add(rows.size(), std::memory_order_relaxed);
  router_.emit_rows(port, b, rows);
}

void instance_emitter::filtered(std::size_t n) {
  setup_.metrics->filtered.fetch_add(n, std::memory_order_relaxed);
}

void instance_emitter::error(const core::batch& b, std::size_t row, const std::string& reason) {
  setup_.metrics->errors.fetch_add(1, std::memory_order_relaxed);
  switch (setup_.on_error) {
    case error_policy::fail: throw node_failure(describe_failure(setup_, reason, &b, row));
    case error_policy::skip: return;
    case error_policy::dead_letter: break;
  }
  if (router_.port_connected(setup_.errors_port)) {
    errors_.column_at(0).append_string(setup_.node_id);
    errors_.column_at(1).append_string(reason);
    std::string record;
    core::append_json_record(b, row, record);
    errors_.column_at(2).append_string(record);
    return;
  }
  if (logged_ < max_logged_errors) {
    setup_.shared->log(
      "warning: " + describe_failure(setup_, reason, &b, row)
      + " (record counted as an error; connect the node's 'errors' port to keep it)");
  } else if (logged_ == max_logged_errors) {
    setup_.shared->log("warning: node '" + setup_.node_id
                       + "': further bad records are counted, not logged");
  }
  ++logged_;
}

void instance_emitter::watermark(core::timestamp t) { router_.watermark(t); }

void instance_emitter::late(std::size_t n) {
  setup_.metrics->late_dropped.fetch_add(n, std::memory_order_relaxed);
}

void instance_emitter::flush_errors() {
  if (errors_.rows() == 0) return;
  router_.emit(setup_.errors_port, errors_.finish());
}

} // namespace sluice::exec
