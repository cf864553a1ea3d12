#include "sluice/ops/transform/dedupe.hpp"

#include <algorithm>
#include <tuple>
#include <unordered_map>

#include "sluice/core/key_hashing.hpp"
#include "sluice/core/params.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/descriptor_util.hpp"

namespace sluice::ops::transform {

namespace {

/// A key's values, encoded (core::append_key: nulls equal each other), with
/// its hash (core::hash_keys).
struct stored_key {
  std::uint64_t hash = 0;
  std::string bytes;
  bool operator==(const stored_key& o) const { return hash == o.hash && bytes == o.bytes; }
};

struct stored_key_hash {
  std::size_t operator()(const stored_key& k) const { return static_cast<std::size_t>(k.hash); }
};

constexpr std::size_t min_sweep_size = 1024;

class dedupe final : public core::stateful_operator, public dedupe_state {
public:
  dedupe(std::vector<std::size_t> key, int ts_index, core::duration_us within,
         std::shared_ptr<core::clock> clock)
    : key_(std::move(key)), ts_index_(ts_index), within_(within), clock_(std::move(clock)) {}

  std::uint32_t state_version() const override { return 1; }

  void snapshot(core::state_writer& w) const override {
    // In key order, so equal states give equal snapshots.
    std::vector<const std::pair<const stored_key, core::timestamp>*> entries;
    entries.reserve(seen_.size());
    for (const auto& e : seen_) entries.push_back(&e);
    std::sort(entries.begin(), entries.end(), [](const auto* a, const auto* b) {
      return std::tie(a->first.hash, a->first.bytes) < std::tie(b->first.hash, b->first.bytes);
    });
    w.count(entries.size());
    for (const auto* e : entries) {
      w.u64(e->first.hash);
      w.str(e->first.bytes);
      w.i64(e->second);
    }
    w.i64(max_seen_);
    w.boolean(started_);
    w.u64(next_sweep_);
  }

  void restore(core::state_reader& r) override {
    seen_.clear();
    for (auto n = r.count(); n > 0; --n) {
      stored_key key;
      key.hash = r.u64();
      key.bytes = r.str();
      auto t = r.i64();
      seen_.emplace(std::move(key), t);
    }
    max_seen_ = r.i64();
    started_ = r.boolean();
    next_sweep_ = static_cast<std::size_t>(r.u64());
  }

  std::size_t keys_held() const override { return seen_.size(); }

  void on_batch(std::size_t, const core::batch_ptr& b, core::emitter& out) override {
    const std::size_t n = b->rows();
    if (n == 0) return;
    core::hash_keys(*b, key_, hashes_, column_hashes_);
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
      core::append_key(*b, key_, r, probe_.bytes);
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
    else out.emit_rows(0, b, keep_);
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

  const std::vector<std::size_t> key_; ///< key columns
  const int ts_index_;                 ///< event-time column, or -1 for processing time
  const core::duration_us within_;
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
      .def(nlohmann::json::array())
      .shapes_state(),
    prop("within", param_type::duration,
         "a record is dropped if its key was seen at most this long before or after it")
      .required()
      .min(0),
    prop("timestamp", param_type::field,
         "event-time field (a timestamp); default \"ts\", or processing time if the input has no "
         "\"ts\" field")
      .shapes_state(),
  };
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
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
    return bound({input}, [key = std::move(key), ts,
                           within = p.duration("within")](const core::operator_context& c) {
      return std::make_unique<dedupe>(key, ts, within, c.clock);
    });
  };
  return d;
}

} // namespace sluice::ops::transform
