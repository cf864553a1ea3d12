#pragma once

// Runs a `source.file` operator, built through the registry as the runtime
// builds it, over one file to its end, and checks what comes out: every
// batch keeps the column contract and every record (also those sent to
// `errors`) formats as JSON and CSV, as the sinks and the runtime format them.

#include <cstdint>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "finding.hpp"
#include "sluice/core/errors.hpp"
#include "sluice/core/operator.hpp"
#include "sluice/core/params.hpp"
#include "sluice/core/record_format.hpp"
#include "sluice/ops/builtin.hpp"

namespace sluice::fuzz {

/// Replaces the file at `path` with `size` bytes from `data`.
inline void write_input(const std::string& path, const std::uint8_t* data, std::size_t size) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || (size > 0 && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0)
    finding("cannot write the input file " + path);
}

class checking_emitter final : public core::emitter {
public:
  explicit checking_emitter(core::schema_ptr out) : out_(std::move(out)) {}

  void emit(std::size_t port, core::batch_ptr b) override {
    if (port != 0) finding("source.file emitted on port " + std::to_string(port));
    if (!b) return;
    check_batch(*b, *out_);
    for (std::size_t r = 0; r < b->rows(); ++r) format(*b, r);
    rows += b->rows();
  }
  void filtered(std::size_t) override { finding("a source filtered records"); }
  void error(const core::batch& b, std::size_t row, const std::string& reason) override {
    if (row >= b.rows()) finding("error names row " + std::to_string(row) + " of a smaller batch");
    if (reason.empty()) finding("an error without a reason");
    format(b, row);
    ++errors;
  }
  void watermark(core::timestamp) override {}

  std::size_t rows = 0;
  std::size_t errors = 0;

private:
  void format(const core::batch& b, std::size_t row) {
    text_.clear();
    core::append_json_record(b, row, text_);
    core::append_csv_record(b, row, text_);
  }

  core::schema_ptr out_;
  std::string text_;
};

/// Builds `source.file` with `params` and polls it with `budget` until it
/// finishes. A param_error from bind (say, nothing to infer a schema
/// from) is an expected outcome; anything else escapes to libFuzzer.
inline void run_file_source(const nlohmann::json& params, std::size_t budget) {
  const auto* d = ops::builtin_registry().find("source.file");
  if (!d) finding("no source.file in the registry");
  core::bound_ptr bound;
  try {
    bound = d->bind(core::params(d->properties, params), core::bind_context{});
  } catch (const core::param_error&) {
    return;
  }
  auto schemas = bound->output_schemas();
  auto op = bound->create(core::operator_context{});
  if (schemas.size() != 1 || !schemas[0] || schemas[0]->size() == 0)
    finding("source.file has no output schema");
  checking_emitter out(schemas[0]);
  op->open();
  // A file of at most -max_len bytes ends in far fewer polls than this.
  for (int polls = 0; polls < 1000000; ++polls) {
    auto r = op->poll(out, budget);
    if (r.what == core::poll_result::state::finished) {
      op->close();
      return;
    }
    if (r.what != core::poll_result::state::more)
      finding("source.file without follow asked to wait or went idle");
  }
  finding("source.file did not finish");
}

} // namespace sluice::fuzz
