#include "sluice/ops/transform/dedupe.hpp"

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "sluice/core/hashing.hpp"
#include "sluice/core/params.hpp"
#include "sluice/ops/descriptor_util.hpp"

namespace sluice::ops {

namespace {

/// A key's values, encoded (null flag, then the value's bytes, per key
/// field), with their combined hash.
struct stored_key {
  std::uint64_t hash = 0;
  std::string bytes;
  bool operator==(const stored_key& o) const { return hash == o.hash && bytes == o.bytes; }
};

struct stored_key_hash {
  std::size_t operator()(const stored_key& k) const { return static_cast<std::size_t>(k.hash); }
};

constexpr std::size_t min_sweep_size = 1024;

class dedupe final : public core::operator_base, public dedupe_state {
public:
  dedupe(std::vector<std::size_t> key, int ts_index, core::duration_us within,
         core::schema_ptr input, std::shared_ptr<core::clock> clock)
    : key_(std::move(key)), ts_index_(ts_index), within_(within), input_(std::move(input)),
      clock_(std::move(clock)) {}

  std::vector<core::schema_ptr> output_schemas() const override { return {input_}; }
  std::size_t keys_held() const override { return seen_.size(); }

  void on_batch(std::size_t, const core::batch_ptr& b, core::emitter& out) override {
    const std::size_t n = b->rows();
    if (n == 0) return;
    hash_keys(*b);
    const core::column* ts =
      ts_index_ >= 0 ? &b->col(static_cast<std::size_t>(ts_index_)) : nullptr;
    const core::timestamp now = ts ? 0 : clock_->now_ns() / 1000;

    keep_.clear();
    std::size_t errors = 0;
    for (std::size_t r = 0; r < n; ++r) {
      if (ts && ts->is_null(r)) {
        out.error(*b, r,
                  "the timestamp field '" + b->fields().at(static_cast<std::size_t>(ts_index_)).name
                    + "' is null");
        ++errors;
        continue;
      }
      const core::timestamp t = ts ? ts->ints[r] : now;
      probe_.hash = hashes_[r];
      probe_.bytes.clear();
      encode_key(*b, r, probe_.bytes);
      auto it = seen_.find(probe_);
      // Keys last seen before the horizon are forgotten, even if not swept yet.
      const bool known = it != seen_.end() && !(started_ && it->second < horizon());
      const bool duplicate =
        known && distance(t, it->second) <= static_cast<std::uint64_t>(within_);
      if (!duplicate) keep_.push_back(static_cast<std::uint32_t>(r));
      if (it == seen_.end()) seen_.emplace(probe_, t);
      else it->second = known ? std::max(it->second, t) : t;
      max_seen_ = started_ ? std::max(max_seen_, t) : t;
      started_ = true;
    }
    if (seen_.size() >= next_sweep_) sweep();

    std::size_t dropped = n - errors - keep_.size();
    if (dropped) out.filtered(dropped);
    if (keep_.size() == n) out.emit(0, b);
    else if (!keep_.empty()) out.emit(0, b->select(keep_));
  }

private:
  /// |a - b|, without overflow.
  static std::uint64_t distance(core::timestamp a, core::timestamp b) {
    auto ua = static_cast<std::uint64_t>(a), ub = static_cast<std::uint64_t>(b);
    return a >= b ? ua - ub : ub - ua;
  }

  core::timestamp horizon() const {
    return max_seen_ < core::min_timestamp + within_ ? core::min_timestamp : max_seen_ - within_;
  }

  void sweep() {
    const core::timestamp h = horizon();
    for (auto it = seen_.begin(); it != seen_.end();)
      it = it->second < h ? seen_.erase(it) : std::next(it);
    next_sweep_ = std::max(min_sweep_size, 2 * seen_.size());
  }

  // hashes_[r]: the combined hash of row r's key, column at a time.
  void hash_keys(const core::batch& b) {
    hashes_.assign(b.rows(), 0x243f6a8885a308d3ULL);
    for (auto c : key_) {
      core::hash_column(b.col(c), column_hashes_);
      for (std::size_t r = 0; r < hashes_.size(); ++r) {
        std::uint64_t h = hashes_[r];
        hashes_[r] = h ^ (column_hashes_[r] + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
      }
    }
  }

  void encode_key(const core::batch& b, std::size_t r, std::string& out) const {
    for (auto c : key_) {
      const core::column& col = b.col(c);
      if (col.is_null(r)) {
        out.push_back('\0');
        continue;
      }
      out.push_back('\1');
      switch (col.type()) {
        case core::value_type::int64:
        case core::value_type::timestamp: append_raw(out, col.ints[r]); break;
        case core::value_type::float64: {
          double d = col.doubles[r] == 0.0 ? 0.0 : col.doubles[r]; // -0.0 == 0.0
          append_raw(out, d);
          break;
        }
        case core::value_type::boolean: out.push_back(col.bools[r] ? '\1' : '\0'); break;
        case core::value_type::string: {
          auto s = col.string_at(r);
          append_raw(out, static_cast<std::uint32_t>(s.size()));
          out.append(s.data(), s.size());
          break;
        }
      }
    }
  }

  template <class T>
  static void append_raw(std::string& out, T v) {
    char buf[sizeof(T)];
    std::memcpy(buf, &v, sizeof(T));
    out.append(buf, sizeof(T));
  }

  const std::vector<std::size_t> key_; ///< key columns
  const int ts_index_;                 ///< event-time column, or -1 for processing time
  const core::duration_us within_;
  const core::schema_ptr input_;
  const std::shared_ptr<core::clock> clock_;

  // state
  std::unordered_map<stored_key, core::timestamp, stored_key_hash> seen_; ///< key -> latest time
  core::timestamp max_seen_ = 0;
  bool started_ = false;
  std::size_t next_sweep_ = min_sweep_size;

  // scratch
  stored_key probe_;
  std::vector<std::uint64_t> hashes_, column_hashes_;
  std::vector<std::uint32_t> keep_;
};

} // namespace

core::descriptor dedupe_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "transform.dedupe";
  d.category = "transform";
  d.summary = "Drops records whose key was already seen within a time span";
  d.inputs = {{"in", "records, any schema"}};
  d.outputs = {{"out", "the first record of each key within `within`, same schema"}};
  d.properties = {
    prop("key", param_type::field_list, "key fields; empty = the whole record")
      .def(nlohmann::json::array()),
    prop("within", param_type::duration,
         "a record is dropped if its key was seen at most this long before or after it")
      .required()
      .min(0),
    prop("timestamp", param_type::field,
         "event-time field (a timestamp); default \"ts\", or processing time if the input has no "
         "\"ts\" field"),
  };
  d.create = [](const core::params& p, const core::operator_context& ctx) -> core::operator_ptr {
    const auto& input = input_schema(ctx, 0, "in");
    std::vector<std::size_t> key;
    for (const auto& name : p.strings("key")) {
      int i = input->index_of(name);
      if (i < 0)
        throw core::param_error("key", "unknown field '" + name + "' (fields: " + input->to_string()
                                         + ")");
      if (std::find(key.begin(), key.end(), static_cast<std::size_t>(i)) != key.end())
        throw core::param_error("key", "field '" + name + "' is listed twice");
      key.push_back(static_cast<std::size_t>(i));
    }
    if (key.empty())
      for (std::size_t i = 0; i < input->size(); ++i) key.push_back(i);

    int ts = -1;
    if (p.has("timestamp")) {
      auto name = p.string("timestamp");
      ts = input->index_of(name);
      if (ts < 0)
        throw core::param_error("timestamp", "unknown field '" + name
                                               + "' (fields: " + input->to_string() + ")");
    } else {
      ts = input->index_of("ts");
    }
    if (ts >= 0 && input->at(static_cast<std::size_t>(ts)).type != core::value_type::timestamp)
      throw core::param_error(
        "timestamp", "field '" + input->at(static_cast<std::size_t>(ts)).name
                       + "' must be a timestamp, got "
                       + std::string(core::name_of(input->at(static_cast<std::size_t>(ts)).type)));
    return std::make_unique<dedupe>(std::move(key), ts, p.duration("within"), input, ctx.clock);
  };
  return d;
}

} // namespace sluice::ops
