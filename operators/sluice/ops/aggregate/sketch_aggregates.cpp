// The approximate aggregates: aggregate_function subclasses whose states
// wrap the fixed-size sketches of aggregate/sketch/.
#include "sluice/ops/aggregate/sketch_aggregates.hpp"

#include <algorithm>
#include <cmath>

#include "sluice/core/errors.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/aggregate/sketch/hyperloglog.hpp"
#include "sluice/ops/aggregate/sketch/kll_sketch.hpp"
#include "sluice/ops/aggregate/sketch/space_saving.hpp"
#include "sluice/ops/aggregate/sketch/value_key.hpp"

namespace sluice::ops::aggregate {

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& message) {
  throw core::param_error("aggregates", where + ": " + message);
}

constexpr std::int64_t max_top_k = 10000;

void require_field(int input_index, const char* fn, const std::string& where) {
  if (input_index < 0) fail(where, std::string(fn) + " needs a 'field'");
}

/// The required integer entry member `key`, in [lo, hi].
std::int64_t integer_entry(const nlohmann::json& spec, const char* key, std::int64_t lo,
                           std::int64_t hi, const char* fn, const std::string& where) {
  auto it = spec.is_object() ? spec.find(key) : spec.end();
  if (!spec.is_object() || it == spec.end())
    fail(where, std::string(fn) + " needs \"" + key + "\"");
  if (!it->is_number_integer())
    fail(where, std::string("\"") + key + "\" must be an integer, got " + it->dump());
  auto v = it->get<std::int64_t>();
  if (v < lo || v > hi)
    fail(where, std::string("\"") + key + "\" must be in [" + std::to_string(lo) + ", "
                  + std::to_string(hi) + "], got " + std::to_string(v));
  return v;
}

// --- approx_count_distinct: HyperLogLog -------------------------------------

class distinct_state final : public aggregate_state {
public:
  explicit distinct_state(int precision) : sketch_(precision) {}
  void add(const core::column* input, std::size_t row) override {
    if (input && !input->is_null(row)) sketch_.add_hash(core::hash_value(*input, row));
  }
  void merge(const aggregate_state& other) override {
    sketch_.merge(static_cast<const distinct_state&>(other).sketch_);
  }
  void result(core::column& out) const override {
    out.append_int(static_cast<std::int64_t>(std::llround(sketch_.estimate())));
  }
  void snapshot(core::state_writer& w) const override { sketch_.snapshot(w); }
  void restore(core::state_reader& r) override { sketch_.restore(r); }

private:
  sketch::hyperloglog sketch_;
};

class distinct_function final : public aggregate_function {
public:
  distinct_function(std::string name, int input_index, int precision)
    : aggregate_function(std::move(name), input_index), precision_(precision) {}
  core::value_type result_type() const override { return core::value_type::int64; }
  std::unique_ptr<aggregate_state> create() const override {
    return std::make_unique<distinct_state>(precision_);
  }

private:
  int precision_;
};

// --- approx_percentile: KLL ---------------------------------------------------

class percentile_state final : public aggregate_state {
public:
  explicit percentile_state(double p) : p_(p) {}
  void add(const core::column* input, std::size_t row) override {
    if (!input || input->is_null(row)) return;
    sketch_.add(input->type() == core::value_type::float64 ? input->doubles[row]
                                                           : static_cast<double>(input->ints[row]));
  }
  void merge(const aggregate_state& other) override {
    sketch_.merge(static_cast<const percentile_state&>(other).sketch_);
  }
  void result(core::column& out) const override {
    if (sketch_.empty()) out.append_null();
    else out.append_double(sketch_.quantile(p_));
  }
  void snapshot(core::state_writer& w) const override { sketch_.snapshot(w); }
  void restore(core::state_reader& r) override { sketch_.restore(r); }

private:
  double p_;
  sketch::kll_sketch sketch_;
};

class percentile_function final : public aggregate_function {
public:
  percentile_function(std::string name, int input_index, double p)
    : aggregate_function(std::move(name), input_index), p_(p) {}
  core::value_type result_type() const override { return core::value_type::float64; }
  std::unique_ptr<aggregate_state> create() const override {
    return std::make_unique<percentile_state>(p_);
  }

private:
  double p_;
};

// --- top_k: space-saving --------------------------------------------------------

class top_k_state final : public aggregate_state {
public:
  top_k_state(std::size_t k, std::size_t counters, core::value_type type)
    : k_(k), type_(type), sketch_(counters) {}
  void add(const core::column* input, std::size_t row) override {
    if (!input || input->is_null(row)) return;
    scratch_.clear();
    core::append_value_key(*input, row, scratch_);
    sketch_.add(core::hash_value(*input, row), scratch_);
  }
  void merge(const aggregate_state& other) override {
    sketch_.merge(static_cast<const top_k_state&>(other).sketch_);
  }
  void result(core::column& out) const override {
    std::string json = "[";
    for (const auto& e : sketch_.top(k_)) {
      if (json.size() > 1) json += ", ";
      json += "{\"value\": ";
      std::string_view key = e.key;
      sketch::read_value_json(key, type_, json);
      json += ", \"count\": " + std::to_string(e.count) + "}";
    }
    json += "]";
    out.append_string(json);
  }
  // k and the value type are config; scratch_ is scratch.
  void snapshot(core::state_writer& w) const override { sketch_.snapshot(w); }
  void restore(core::state_reader& r) override { sketch_.restore(r, {type_}); }

private:
  std::size_t k_;
  core::value_type type_;
  sketch::space_saving sketch_;
  std::string scratch_; ///< the current value's key bytes (reused)
};

class top_k_function final : public aggregate_function {
public:
  top_k_function(std::string name, int input_index, std::size_t k, core::value_type type)
    : aggregate_function(std::move(name), input_index), k_(k), type_(type) {}
  core::value_type result_type() const override { return core::value_type::string; }
  std::unique_ptr<aggregate_state> create() const override {
    return std::make_unique<top_k_state>(k_, sketch::space_saving::counters_for_top(k_), type_);
  }

private:
  std::size_t k_;
  core::value_type type_;
};

} // namespace

std::unique_ptr<aggregate_function> make_approx_count_distinct(const nlohmann::json& /*spec*/,
                                                               const core::schema& /*input*/,
                                                               std::string name, int input_index,
                                                               const std::string& where) {
  require_field(input_index, "approx_count_distinct", where);
  return std::make_unique<distinct_function>(std::move(name), input_index,
                                             sketch::hyperloglog::default_precision);
}

std::unique_ptr<aggregate_function> make_approx_percentile(const nlohmann::json& spec,
                                                           const core::schema& input,
                                                           std::string name, int input_index,
                                                           const std::string& where) {
  require_field(input_index, "approx_percentile", where);
  const auto& field = input.at(static_cast<std::size_t>(input_index));
  if (!core::is_numeric(field.type)) {
    const std::string type(core::name_of(field.type));
    fail(where, "approx_percentile needs a number field, '" + field.name + "' is "
                  + (type == "int" ? "an " : "a ") + type);
  }
  auto it = spec.is_object() ? spec.find("p") : spec.end();
  if (!spec.is_object() || it == spec.end())
    fail(where, "approx_percentile needs \"p\" (0.5 for the median)");
  if (!it->is_number()) fail(where, "\"p\" must be a number in [0, 1], got " + it->dump());
  const double p = it->get<double>();
  if (!(p >= 0.0 && p <= 1.0)) fail(where, "\"p\" must be in [0, 1], got " + it->dump());
  return std::make_unique<percentile_function>(std::move(name), input_index, p);
}

std::unique_ptr<aggregate_function> make_top_k(const nlohmann::json& spec,
                                               const core::schema& input, std::string name,
                                               int input_index, const std::string& where) {
  require_field(input_index, "top_k", where);
  auto k = integer_entry(spec, "k", 1, max_top_k, "top_k", where);
  return std::make_unique<top_k_function>(std::move(name), input_index, static_cast<std::size_t>(k),
                                          input.at(static_cast<std::size_t>(input_index)).type);
}

} // namespace sluice::ops::aggregate
