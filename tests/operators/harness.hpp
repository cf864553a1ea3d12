#pragma once

// Shared helpers for operator tests: an emitter that records everything, and
// builders for operators (through the built-in registry), batches and temp
// folders.

#include <atomic>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "sluice/core/errors.hpp"
#include "sluice/core/operator.hpp"
#include "sluice/core/params.hpp"
#include "sluice/core/record_format.hpp"
#include "sluice/ops/builtin.hpp"

namespace sluice::test {

struct recorded_error {
  std::size_t row;
  std::string reason;
  std::string record; ///< the failing record as JSON
};

/// Collects what an operator emits: batches per output port, the filtered
/// count, errors with their reasons, watermarks, and the late count.
class recording_emitter final : public core::emitter {
public:
  explicit recording_emitter(std::size_t ports = 1) : batches(ports) {}

  void emit(std::size_t port, core::batch_ptr b) override {
    if (!b || b->rows() == 0) return;
    if (port >= batches.size()) batches.resize(port + 1);
    batches[port].push_back(std::move(b));
  }
  void filtered(std::size_t n) override { filtered_count += n; }
  void error(const core::batch& b, std::size_t row, const std::string& reason) override {
    std::string json;
    core::append_json_record(b, row, json);
    errors.push_back({row, reason, json});
  }
  void watermark(core::timestamp t) override { watermarks.push_back(t); }
  void late(std::size_t n) override { late_count += n; }

  /// Records emitted on `port`.
  std::size_t rows(std::size_t port = 0) const {
    std::size_t n = 0;
    for (const auto& b : batches.at(port)) n += b->rows();
    return n;
  }

  /// Every record emitted on `port`, as JSON text, in order.
  std::vector<std::string> json_rows(std::size_t port = 0) const {
    std::vector<std::string> out;
    for (const auto& b : batches.at(port))
      for (std::size_t r = 0; r < b->rows(); ++r) {
        out.emplace_back();
        core::append_json_record(*b, r, out.back());
      }
    return out;
  }

  void clear() {
    for (auto& p : batches) p.clear();
    filtered_count = 0;
    errors.clear();
    watermarks.clear();
    late_count = 0;
  }

  std::vector<std::vector<core::batch_ptr>> batches;
  std::size_t filtered_count = 0;
  std::vector<recorded_error> errors;
  std::vector<core::timestamp> watermarks;
  std::size_t late_count = 0; ///< records counted by late(n), not emitted
};

inline const core::descriptor& descriptor_of(const std::string& kind) {
  const auto* d = ops::builtin_registry().find(kind);
  if (!d) throw std::logic_error("no operator kind " + kind);
  return *d;
}

/// Binds `kind` to JSON params the way the validator does.
inline core::bound_ptr bind_operator(const std::string& kind, const nlohmann::json& params,
                                     const core::bind_context& ctx = {}) {
  const auto& d = descriptor_of(kind);
  return d.bind(core::params(d.properties, params), ctx);
}

/// Binds and creates `kind` from JSON params the way the planner does.
inline core::operator_ptr make_operator(const std::string& kind, const nlohmann::json& params,
                                        const core::operator_context& ctx = {}) {
  return bind_operator(kind, params, ctx)->create(ctx);
}

/// The output schemas `kind` binds to with `params` (and input schemas).
inline std::vector<core::schema_ptr> output_schemas_of(const std::string& kind,
                                                       const nlohmann::json& params,
                                                       std::vector<core::schema_ptr> inputs = {}) {
  core::bind_context ctx;
  ctx.inputs = std::move(inputs);
  return bind_operator(kind, params, ctx)->output_schemas();
}

/// Builds a one-input operator reading `input`.
inline core::operator_ptr make_transform(const std::string& kind, const nlohmann::json& params,
                                         core::schema_ptr input) {
  core::operator_context ctx;
  ctx.inputs = {std::move(input)};
  return make_operator(kind, params, ctx);
}

/// The param_error building `kind` throws, or nullopt if it builds.
inline std::optional<core::param_error> param_error_of(const std::string& kind,
                                                       const nlohmann::json& params,
                                                       core::schema_ptr input = nullptr) {
  try {
    core::bind_context ctx;
    if (input) ctx.inputs = {std::move(input)};
    bind_operator(kind, params, ctx);
  } catch (const core::param_error& e) {
    return e;
  }
  return std::nullopt;
}

/// A batch from JSON text: an array of rows, each an array of values in
/// schema order; null is a null value, timestamps are ISO-8601 strings.
/// (Text, not a braced nlohmann::json: {"a", 1} would become an object.)
inline core::batch_ptr make_batch(const core::schema_ptr& s, const std::string& json_rows) {
  auto rows = nlohmann::json::parse(json_rows);
  core::batch_builder b(s);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < s->size(); ++i) {
      auto& c = b.column_at(i);
      const auto& v = row.at(i);
      if (v.is_null()) {
        c.append_null();
        continue;
      }
      switch (s->at(i).type) {
        case core::value_type::int64: c.append_int(v.get<std::int64_t>()); break;
        case core::value_type::float64: c.append_double(v.get<double>()); break;
        case core::value_type::boolean: c.append_bool(v.get<bool>()); break;
        case core::value_type::string: c.append_string(v.get<std::string>()); break;
        case core::value_type::timestamp:
          c.append_int(core::parse_iso8601(v.get<std::string>()).value());
          break;
      }
    }
  return b.finish();
}

/// A fresh folder under the system temp folder, removed with its contents.
class temp_dir {
public:
  temp_dir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path()
            / ("sluice-ops-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  /// A fresh folder under `base` instead (e.g. the build folder).
  explicit temp_dir(const std::filesystem::path& base) {
    static std::atomic<int> counter{0};
    path_ =
      base / ("sluice-ops-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
  std::filesystem::path path_;
};

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

} // namespace sluice::test
