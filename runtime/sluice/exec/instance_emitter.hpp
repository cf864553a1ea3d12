#pragma once

#include <string>

#include "sluice/core/batch.hpp"
#include "sluice/core/operator.hpp"
#include "sluice/exec/node_setup.hpp"
#include "sluice/exec/output_router.hpp"

namespace sluice::exec {

/// Thrown when a record fails under `on_error: fail`, or an operator fails:
/// the message names the node and shows the record.
class node_failure : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// "node 'f' (transform.map): division by zero; record: {...}"
std::string describe_failure(const node_setup& setup, const std::string& reason,
                             const core::batch* b, std::size_t row);

/// The runtime's emitter for one node instance: counts what goes out,
/// applies the node's error policy, and hands batches to the router.
class instance_emitter final : public core::emitter {
public:
  instance_emitter(node_setup& setup, output_router& router);

  void emit(std::size_t port, core::batch_ptr b) override;
  void emit_rows(std::size_t port, const core::batch_ptr& b,
                 const std::vector<std::uint32_t>& rows) override;
  void filtered(std::size_t n) override;
  void error(const core::batch& b, std::size_t row, const std::string& reason) override;
  void watermark(core::timestamp t) override;
  void late(std::size_t n) override;

  /// Sends the error records collected during a callback to the errors port.
  void flush_errors();

private:
  node_setup& setup_;
  output_router& router_;
  core::batch_builder errors_;
  std::size_t logged_ = 0;
};

} // namespace sluice::exec
